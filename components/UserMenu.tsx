import { api } from "../lib/client/api.ts";
import { clearDrafts } from "../lib/client/drafts.ts";
import { forgetRecentEmoji } from "../lib/client/recent_emoji.ts";
import type { Me } from "../lib/client/types.ts";
import { Avatar } from "./Avatar.tsx";
import { Icon } from "./Icon.tsx";
import { usePopupMenu } from "./use_modal.ts";

/** A menu under the user's name: sign out, settings, and the admin page for staff. */
export function UserMenu({ me }: { me: Me }) {
  const { open, setOpen, button, menu, onKeyDown, onFocusOut } = usePopupMenu();

  async function signOut(): Promise<void> {
    // Unsent text, and what one reacted with, stay on no shared computer.
    clearDrafts(me.id);
    forgetRecentEmoji(me.id);
    try {
      await api("/auth/logout", { method: "POST" });
    } finally {
      // Even if the server was unreachable, the front door will sort it out.
      location.assign("/");
    }
  }

  return (
    <div class="user-menu" onKeyDown={onKeyDown}>
      <button
        ref={button}
        type="button"
        class="user-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="user-menu"
        onClick={() => setOpen(!open)}
      >
        <Avatar
          id={me.id}
          name={me.displayName}
          size="sm"
          src={me.avatarUrl}
        />
        <span class="user-name">{me.displayName}</span>
        <Icon name="chevron" size={16} />
      </button>
      {open && (
        <div ref={menu} class="menu" onFocusOut={onFocusOut}>
          <div class="menu-caption">
            <strong>{me.displayName}</strong>
            <span class="muted">@{me.username}</span>
          </div>
          <div id="user-menu" role="menu" aria-label={me.displayName}>
            <button
              type="button"
              role="menuitem"
              class="menu-item"
              onClick={signOut}
            >
              <Icon name="signOut" size={18} /> Sign out
            </button>
            <a role="menuitem" class="menu-item" href="/settings">
              Settings
            </a>
            {me.role !== "member" && (
              <a role="menuitem" class="menu-item" href="/admin">Admin</a>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
