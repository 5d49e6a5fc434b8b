import type { Attention } from "../lib/client/attention.ts";
import type { ComponentChildren } from "preact";
import type { Me } from "../lib/client/types.ts";
import { Icon } from "./Icon.tsx";
import { preloadViews } from "./OnDemandViews.tsx";
import { UserMenu } from "./UserMenu.tsx";

/**
 * The bar above the log: drawer button (with a dot for unread elsewhere and
 * a count of mentions elsewhere), title and topic, search, the channel's own
 * controls, members toggle, user menu.
 */
export function ChatHeader(
  {
    title,
    icon,
    topic,
    me,
    drawerOpen,
    onOpenDrawer,
    onSearch,
    elsewhere,
    controls,
    members,
    actions,
  }: {
    title: string;
    icon?: "hash" | "lock" | "compass" | "users";
    topic?: string;
    me: Me;
    drawerOpen: boolean;
    onOpenDrawer(): void;
    /** Opens the search dialog. */
    onSearch(): void;
    /** What waits in the other channels. */
    elsewhere: Attention;
    /** The open channel's own controls (its notification menu). */
    controls?: ComponentChildren;
    /** The members toggle, when the view has members. */
    members?: { count: number; expanded: boolean; onToggle(): void };
    /** Controls of the open channel, such as its menu. */
    actions?: ComponentChildren;
  },
) {
  return (
    <header class="chat-header">
      <button
        type="button"
        class="icon-button drawer-toggle"
        onClick={onOpenDrawer}
        aria-label={`Open channels${drawerBadgeLabel(elsewhere)}`}
        aria-expanded={drawerOpen}
        aria-controls="sidebar"
      >
        <Icon name="menu" />
        {elsewhere.mentions > 0
          ? (
            <span class="drawer-badge" aria-hidden="true">
              {elsewhere.mentions}
            </span>
          )
          : elsewhere.unread && <span class="drawer-dot" aria-hidden="true" />}
      </button>
      <div class="chat-title">
        <h1 id="chat-title">
          {icon && <Icon name={icon} size={18} />}
          <span>{title}</span>
        </h1>
        {topic && <p class="topic" title={topic}>{topic}</p>}
      </div>
      <button
        type="button"
        class="icon-button search-toggle"
        onClick={onSearch}
        // Search's code is fetched on demand: a hint gives it a head start.
        onPointerEnter={preloadViews}
        onFocus={preloadViews}
        title="Search (Ctrl+K)"
        aria-keyshortcuts="Control+K /"
      >
        <Icon name="search" />
        <span class="sr-only">Search messages</span>
      </button>
      {controls}
      {members && (
        <button
          type="button"
          class="icon-button members-toggle"
          onClick={members.onToggle}
          aria-expanded={members.expanded}
          aria-controls="members"
          title="Members"
        >
          <Icon name="users" />
          <span class="count">{members.count}</span>
          <span class="sr-only">Members</span>
        </button>
      )}
      {actions}
      <UserMenu me={me} />
    </header>
  );
}

// What the drawer button's badge says to a screen reader.
function drawerBadgeLabel(elsewhere: Attention): string {
  if (elsewhere.mentions > 0) {
    return `, ${elsewhere.mentions} mention${
      elsewhere.mentions === 1 ? "" : "s"
    } elsewhere`;
  }
  return elsewhere.unread ? ", unread messages elsewhere" : "";
}
