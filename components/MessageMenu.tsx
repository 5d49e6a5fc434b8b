import { permalink } from "../lib/client/permalink.ts";
import { useState } from "preact/hooks";
import type { Message } from "../lib/client/types.ts";
import { ReportButton } from "./ReportDialog.tsx";

/** Emoji offered by React, most used first. */
export const QUICK_EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];

/** What the menu can do to a message. */
export interface MenuActions {
  reply(message: Message): void;
  react(seq: number, emoji: string, add: boolean): void;
  startEdit(seq: number): void;
  remove(seq: number): void;
}

/**
 * A stored message's actions, shown while the pointer is over it or focus is
 * in it: Reply, React (a row of quick emoji), Edit and Delete (one's own
 * messages; Delete asks first), Report (others' messages), Copy link.
 */
export function MessageMenu(
  { message, mine, actions }: {
    message: Message;
    mine: boolean;
    actions: MenuActions;
  },
) {
  const [panel, setPanel] = useState<"none" | "react" | "delete">("none");
  const close = () => setPanel("none");
  const reacted = (emoji: string) =>
    message.reactions.some((r) => r.emoji === emoji && r.userIds.length > 0);
  return (
    <div
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
                actions.react(message.seq, emoji, !reacted(emoji));
                close();
              }}
            >
              {emoji}
            </button>
          ))}
        </span>
      )}
      {panel === "delete" && (
        <span class="msg-menu-panel" role="group" aria-label="Delete?">
          <span>Delete this message?</span>
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
          {mine && (
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
