import { Icon } from "./Icon.tsx";
import { usePopupMenu } from "./use_modal.ts";

/** The channel's own menu in its header: edit it and set its posting rules (for its managers), and leave it. */
export function ChannelMenu(
  { channelName, canManage, onEdit, onRules, onLeave }: {
    channelName: string;
    /** Whether "Edit channel" and "Posting rules" are offered: the owner's and admins'. */
    canManage: boolean;
    onEdit(): void;
    /** Opens slow mode and "Only moderators can post". */
    onRules(): void;
    onLeave(): void;
  },
) {
  const { open, setOpen, button, menu, close, onKeyDown, onFocusOut } =
    usePopupMenu();

  function pick(action: () => void): void {
    close(false);
    action();
  }

  return (
    <div class="user-menu" onKeyDown={onKeyDown}>
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
        <div ref={menu} class="menu" onFocusOut={onFocusOut}>
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
            {canManage && (
              <button
                type="button"
                role="menuitem"
                class="menu-item"
                onClick={() => pick(onRules)}
              >
                <Icon name="clock" size={18} /> Posting rules
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
