/**
 * One Tab stop for all the message menus in the log, instead of five per
 * message: only one message's menu (the newest, or the last one focused) is
 * in the Tab order. With the focus in a menu, Up and Down move to the same
 * place in the previous or next message's menu, and Left and Right move
 * between a menu's buttons (the toolbar pattern). Every button stays in the
 * accessibility tree; hover and long-press reach any menu as before.
 */
import { useState } from "preact/hooks";
import type { Entry } from "../lib/client/timeline.ts";

const MENU = ".msg-menu";

// The seq of the message whose menu holds `element`, or 0.
function seqOf(element: Element | null): number {
  if (!element?.closest(MENU)) return 0;
  return Number(element.closest<HTMLElement>("[data-seq]")?.dataset.seq ?? 0);
}

/** The seq whose menu is tabbable, and the log's handlers that move it. */
export function useMenuFocus(entries: Entry[]) {
  const [current, setCurrent] = useState(0);
  // Messages that show a menu: stored and not deleted.
  const withMenu = entries.filter((e) =>
    e.status === "sent" && !e.message.deleted
  );
  const tabbableSeq = withMenu.some((e) => e.message.seq === current)
    ? current
    : withMenu.at(-1)?.message.seq ?? 0;

  return {
    tabbableSeq,
    onFocusIn(event: FocusEvent): void {
      const seq = seqOf(event.target as Element);
      if (seq) setCurrent(seq);
    },
    /** True when the key moved the focus. */
    onKeyDown(event: KeyboardEvent): boolean {
      const button = event.target as HTMLElement;
      const menu = button.closest<HTMLElement>(MENU);
      if (!menu || event.altKey || event.ctrlKey || event.metaKey) return false;
      const log = event.currentTarget as HTMLElement;
      const buttons = [...menu.querySelectorAll<HTMLElement>("button")];
      const at = buttons.indexOf(button);
      let next: HTMLElement | undefined;
      if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        const by = event.key === "ArrowLeft" ? -1 : 1;
        next = buttons[(at + by + buttons.length) % buttons.length];
      } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
        const menus = [...log.querySelectorAll<HTMLElement>(MENU)];
        const other =
          menus[menus.indexOf(menu) + (event.key === "ArrowUp" ? -1 : 1)];
        const choices = other
          ? [...other.querySelectorAll<HTMLElement>("button")]
          : [];
        next = choices[Math.min(at, choices.length - 1)];
      }
      if (!next) return false;
      event.preventDefault();
      next.focus();
      return true;
    },
  };
}
