import { type Clock, formatFull, formatTime } from "../lib/client/format.ts";
import type { Entry } from "../lib/client/timeline.ts";
import { Avatar } from "./Avatar.tsx";
import { FileAttachment } from "./FileAttachment.tsx";
import { RichText } from "./RichText.tsx";

/** What a message row can ask of the log. */
export interface MessageActions {
  retry(clientId: string): void;
  discard(clientId: string): void;
}

/** One message; the first of a group shows the author's avatar, name and time. */
export function MessageItem(
  { entry, startsGroup, mentioned = false, clock, actions }: {
    entry: Entry;
    startsGroup: boolean;
    /** It mentions the reader: highlighted. */
    mentioned?: boolean;
    clock: Clock;
    actions: MessageActions;
  },
) {
  const { message, status } = entry;
  const { author } = message;
  const time = (
    <time
      class="msg-time"
      dateTime={message.createdAt}
      title={formatFull(message.createdAt, clock)}
    >
      {formatTime(message.createdAt, clock)}
    </time>
  );
  return (
    <div
      class={`msg${startsGroup ? " msg-first" : ""}${
        mentioned ? " msg-mention" : ""
      } msg-${status}`}
      data-seq={message.seq || undefined}
      data-client-id={message.clientId}
      data-status={status}
    >
      <div class="msg-gutter">
        {startsGroup
          ? <Avatar id={author.id} name={author.displayName} />
          : time}
      </div>
      <div class="msg-body">
        {startsGroup
          ? (
            <div class="msg-head">
              <span class="msg-author">{author.displayName}</span>
              {/* Display names need not be unique; the username is. */}
              {author.displayName !== author.username && (
                <span class="msg-handle">@{author.username}</span>
              )}
              {time}
            </div>
          )
          : <span class="sr-only">{author.displayName}:</span>}
        {mentioned && <span class="sr-only">Mentions you.</span>}
        {message.content && (
          <div class="msg-text">
            <RichText text={message.content} />
          </div>
        )}
        {message.file && <FileAttachment file={message.file} />}
        {status === "pending" && <div class="msg-note">Sending…</div>}
        {status === "failed" && message.clientId && (
          <div class="msg-note msg-error">
            <span>Not sent. {entry.error}</span>
            <span class="msg-actions">
              <button
                type="button"
                class="link-button"
                onClick={() => actions.retry(message.clientId!)}
              >
                Retry
              </button>
              <button
                type="button"
                class="link-button"
                onClick={() => actions.discard(message.clientId!)}
              >
                Discard
              </button>
            </span>
          </div>
        )}
      </div>
    </div>
  );
}
