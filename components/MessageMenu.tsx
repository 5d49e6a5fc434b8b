import { permalink } from "../lib/client/permalink.ts";
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Message } from "../lib/client/types.ts";
import { ReportDialog } from "./OnDemandViews.tsx";

/** Emoji offered by React, most used first. */
export const QUICK_EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];

/** What the menu can do to a message. */
export interface MenuActions {
  reply(message: Message): void;
  /** Adds this user's reaction, or takes it back if they had it. */
  toggleReaction(seq: number, emoji: string): void;
  /** Opens the emoji picker for the message. */
  pickEmoji(seq: number): void;
  startEdit(seq: number): void;
  remove(seq: number): void;
}

/**
 * A stored message's actions, shown while the pointer is over it or focus is
 * in it: Reply, React (a row of quick emoji), Edit (one's own messages),
 * Delete (one's own, or anyone's for a moderator; it asks first), Report
 * (others' messages), Copy link. Only one message's menu in the log is in the
 * Tab order (`tabbable`); the log's arrow keys move between them.
 */
export function MessageMenu(
  { message, mine, moderates = false, actions, tabbable = true }: {
    message: Message;
    mine: boolean;
    /** Whether I may delete others' messages here (a moderator, the channel's owner). */
    moderates?: boolean;
    actions: MenuActions;
    tabbable?: boolean;
  },
) {
  const [panel, setPanel] = useState<"none" | "react" | "delete">("none");
  const bar = useRef<HTMLDivElement>(null);
  // Every button the menu shows, in whichever panel, follows `tabbable`.
  useLayoutEffect(() => {
    for (const button of bar.current?.querySelectorAll("button") ?? []) {
      button.tabIndex = tabbable ? 0 : -1;
    }
  });
  const close = () => setPanel("none");
  return (
    <div
      ref={bar}
      class={`msg-menu${panel === "none" ? "" : " msg-menu-open"}`}
      role="toolbar"
      aria-label={`Actions for the message of ${message.author.displayName}`}
      onKeyDown={(e) => e.key === "Escape" && close()}
    >
      {panel === "react" && (
        <span class="msg-menu-panel" role="group" aria-label="React with">
          {QUICK_EMOJI.map((emoji) => (
            <button
              key={emoji}
              type="button"
              class="menu-button"
              aria-label={`React with ${emoji}`}
              onClick={() => {
                actions.toggleReaction(message.seq, emoji);
                close();
              }}
            >
              {emoji}
            </button>
          ))}
          <button
            type="button"
            class="menu-button"
            aria-label="More emoji"
            title="More emoji"
            onClick={() =>
              actions.pickEmoji(message.seq)}
          >
            +
          </button>
        </span>
      )}
      {panel === "delete" && (
        <span class="msg-menu-panel" role="group" aria-label="Delete?">
          <span>
            {mine
              ? "Delete this message?"
              : `Delete this message of ${message.author.displayName} for everyone?`}
          </span>
          <button
            type="button"
            class="menu-button danger"
            onClick={() => {
              actions.remove(message.seq);
              close();
            }}
          >
            Delete
          </button>
          <button type="button" class="menu-button" onClick={close}>
            Cancel
          </button>
        </span>
      )}
      {panel === "none" && (
        <>
          <button
            type="button"
            class="menu-button"
            onClick={() => actions.reply(message)}
          >
            Reply
          </button>
          <button
            type="button"
            class="menu-button"
            onClick={() => setPanel("react")}
          >
            React
          </button>
          {mine && (
            <button
              type="button"
              class="menu-button"
              onClick={() => actions.startEdit(message.seq)}
            >
              Edit
            </button>
          )}
          {(mine || moderates) && (
            <button
              type="button"
              class="menu-button"
              onClick={() => setPanel("delete")}
            >
              Delete
            </button>
          )}
          {!mine && <ReportButton message={message} />}
          <button
            type="button"
            class="menu-button"
            onClick={() =>
              void navigator.clipboard?.writeText(
                location.origin + permalink(message.channelId, message.seq),
              )}
          >
            Copy link
          </button>
        </>
      )}
    </div>
  );
}

// The Report item: opens the dialog asking why (its code comes on demand).
function ReportButton({ message }: { message: Message }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        class="menu-button"
        onClick={() => setOpen(true)}
      >
        Report
      </button>
      {open && (
        <ReportDialog
          message={message}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
