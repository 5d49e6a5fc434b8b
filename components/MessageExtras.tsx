import { permalink, showMessage } from "../lib/client/permalink.ts";
import type { Message, ReplyRef } from "../lib/client/types.ts";
import { PersonName } from "./PersonName.tsx";

/**
 * The message a reply answers: its author and first words, above the reply;
 * a link to it: scrolled to where the log holds it, else its permalink.
 */
export function ReplyQuote(
  { reply, channelId }: { reply: ReplyRef; channelId: string },
) {
  return (
    <a
      class="msg-reply"
      href={permalink(channelId, reply.seq)}
      onClick={(event) => {
        if (showMessage(reply.seq)) event.preventDefault();
      }}
    >
      <span class="sr-only">In reply to</span>
      <span class="msg-reply-author">
        <PersonName person={reply.author} />
      </span>
      <span class="msg-reply-text">
        {reply.excerpt === "" ? "Message deleted" : reply.excerpt}
      </span>
    </a>
  );
}

/**
 * What goes under a message's content: "(edited)" and its reactions as chips
 * with counts. A chip shows whether this user reacted, and clicking it
 * toggles that; a "+" after them opens the emoji picker (`pick`).
 */
export function MessageExtras(
  { message, meId, react, pick }: {
    message: Message;
    meId?: string;
    react?(seq: number, emoji: string, add: boolean): void;
    pick?(seq: number): void;
  },
) {
  const edited = message.editedAt !== undefined && !message.deleted;
  const reactions = message.reactions ?? [];
  if (!edited && reactions.length === 0) return null;
  return (
    <>
      {edited && (
        <span class="msg-edited" title={`Edited ${message.editedAt}`}>
          (edited)
        </span>
      )}
      {reactions.length > 0 && (
        <div class="msg-reactions">
          {reactions.map((r) => {
            const mine = meId !== undefined && r.userIds.includes(meId);
            return (
              <button
                key={r.emoji}
                type="button"
                class={`reaction${mine ? " reaction-mine" : ""}`}
                aria-pressed={mine}
                aria-label={`${r.emoji} ${r.count} ${
                  r.count === 1 ? "reaction" : "reactions"
                }`}
                disabled={react === undefined}
                onClick={() => react?.(message.seq, r.emoji, !mine)}
              >
                <span aria-hidden="true">{r.emoji}</span>
                <span class="reaction-count" aria-hidden="true">{r.count}</span>
              </button>
            );
          })}
          {pick && react && (
            <button
              // Keyed, so a new chip goes in before it and focus stays on it.
              key="+"
              type="button"
              class="reaction reaction-add"
              aria-label="Add reaction"
              title="Add reaction"
              onClick={() => pick(message.seq)}
            >
              +
            </button>
          )}
        </div>
      )}
    </>
  );
}
