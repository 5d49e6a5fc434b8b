/** Hooks for the chat's modal dialog and pop-up menus, so each behaves the same way. */
import type { RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

/**
 * Shows the returned `<dialog>` as a modal while `open` is true and closes it
 * when it turns false; `reset` runs each time it opens, to clear old state.
 */
export function useModal(
  open: boolean,
  reset: () => void,
): RefObject<HTMLDialogElement> {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (open && !el.open) {
      reset();
      el.showModal();
    } else if (!open && el.open) el.close();
  }, [open]);
  return dialog;
}

/** A menu under a button: open state, and the refs that close it on a click outside. */
export interface PopupMenu {
  open: boolean;
  setOpen(open: boolean): void;
  button: RefObject<HTMLButtonElement>;
  menu: RefObject<HTMLDivElement>;
  /** Closes it, giving focus back to its button when `refocus`. */
  close(refocus: boolean): void;
  /** For the wrapper's `onKeyDown`: Escape closes the menu. */
  onKeyDown(event: KeyboardEvent): void;
  /** For the menu's `onFocusOut`: focus leaving the menu closes it. */
  onFocusOut(event: FocusEvent): void;
}

/**
 * A pop-up menu's behaviour: its first item takes focus when it opens, and a
 * click outside, Escape or focus moving away closes it.
 */
export function usePopupMenu(): PopupMenu {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    // Any kind of item: menuitem, menuitemradio or menuitemcheckbox.
    menu.current?.querySelector<HTMLElement>("[role^=menuitem]")?.focus();
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (
        !menu.current?.contains(target) && !button.current?.contains(target)
      ) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  function close(refocus: boolean): void {
    setOpen(false);
    if (refocus) button.current?.focus();
  }

  return {
    open,
    setOpen,
    button,
    menu,
    close,
    onKeyDown(event) {
      if (event.key === "Escape" && open) {
        event.stopPropagation();
        close(true);
      }
    },
    onFocusOut(event) {
      const next = event.relatedTarget as Node | null;
      if (next && !menu.current?.contains(next)) close(false);
    },
  };
}
