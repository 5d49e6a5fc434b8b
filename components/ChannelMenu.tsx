import { useEffect, useRef, useState } from "preact/hooks";
import { Icon } from "./Icon.tsx";

/** The channel's own menu in its header: edit it (for its managers) and leave it. */
export function ChannelMenu(
  { channelName, canManage, onEdit, onLeave }: {
    channelName: string;
    /** Whether "Edit channel" is offered: the owner's and the instance owner's. */
    canManage: boolean;
    onEdit(): void;
    onLeave(): void;
  },
) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (
        !menu.current?.contains(target) && !button.current?.contains(target)
      ) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  function pick(action: () => void): void {
    setOpen(false);
    action();
  }

  return (
    <div
      class="user-menu"
      onKeyDown={(event) => {
        if (event.key === "Escape" && open) {
          event.stopPropagation();
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        class="icon-button channel-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="channel-menu"
        aria-label="Channel options"
        onClick={() => setOpen(!open)}
      >
        <Icon name="more" />
      </button>
      {open && (
        <div
          ref={menu}
          class="menu"
          onFocusOut={(event) => {
            const next = event.relatedTarget as Node | null;
            if (next && !menu.current?.contains(next)) setOpen(false);
          }}
        >
          <div id="channel-menu" role="menu" aria-label={channelName}>
            {canManage && (
              <button
                type="button"
                role="menuitem"
                class="menu-item"
                onClick={() => pick(onEdit)}
              >
                <Icon name="edit" size={18} /> Edit channel
              </button>
            )}
            <button
              type="button"
              role="menuitem"
              class="menu-item"
              onClick={() => pick(onLeave)}
            >
              <Icon name="signOut" size={18} /> Leave channel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
