import { type Clock, formatFull, formatTime } from "../lib/client/format.ts";
import type { Entry } from "../lib/client/timeline.ts";
import { FileAttachment } from "./FileAttachment.tsx";
import { EditBox } from "./EditBox.tsx";
import { MessageExtras, ReplyQuote } from "./MessageExtras.tsx";
import { type MenuActions, MessageMenu } from "./MessageMenu.tsx";
import { PersonAvatar, PersonName } from "./PersonTrigger.tsx";
import { RichText } from "./RichText.tsx";
import { useLongPress } from "./use_long_press.ts";

/** What a message row can ask of the log. */
export interface MessageActions {
  retry(clientId: string): void;
  discard(clientId: string): void;
  /** Opens an image in the lightbox. */
  viewImage(fileId: string): void;
  /** Adds or removes this user's reaction. */
  react?(seq: number, emoji: string, add: boolean): void;
  /** Saves an edit of this user's message. */
  edit?(seq: number, content: string): void;
  /** Reply, react, edit and delete, for the message's menu. */
  menu?: MenuActions;
}

/** One message; the first of a group shows the author's avatar, name and time. */
export function MessageItem(
  {
    entry,
    startsGroup,
    mentioned = false,
    clock,
    actions,
    meId,
    editing = false,
    moderates = false,
    menuTabbable = true,
  }: {
    entry: Entry;
    startsGroup: boolean;
    /** It mentions the reader: highlighted. */
    mentioned?: boolean;
    clock: Clock;
    actions: MessageActions;
    /** This user's id, to mark their own reactions and messages. */
    meId?: string;
    /** Whether this message is open in the editor. */
    editing?: boolean;
    /** Whether the reader may delete others' messages here. */
    moderates?: boolean;
    /** Whether its menu is the log's one Tab stop for menus. */
    menuTabbable?: boolean;
  },
) {
  const { message, status } = entry;
  const { author } = message;
  // On a phone, a long-press opens the actions: its first one takes focus,
  // which shows the menu as focus within a message does.
  const longPress = useLongPress((row) =>
    row.querySelector<HTMLElement>(".msg-menu button")?.focus()
  );
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
      id={message.seq ? `message-${message.seq}` : undefined}
      data-seq={message.seq || undefined}
      data-client-id={message.clientId}
      data-status={status}
      {...longPress}
    >
      <div class="msg-gutter">
        {startsGroup ? <PersonAvatar person={author} /> : time}
      </div>
      <div class="msg-body">
        {startsGroup
          ? (
            <div class="msg-head">
              <PersonName person={author} class="msg-author" />
              {author.bot && (
                <span class="msg-badge">
                  {author.webhook ? "WEBHOOK" : "BOT"}
                </span>
              )}
              {/* Display names need not be unique; the username is. */}
              {author.displayName !== author.username && (
                <span class="msg-handle">@{author.username}</span>
              )}
              {time}
            </div>
          )
          : <span class="sr-only">{author.displayName}:</span>}
        {mentioned && <span class="sr-only">Mentions you.</span>}
        {message.replyTo && (
          <ReplyQuote reply={message.replyTo} channelId={message.channelId} />
        )}
        {editing
          ? (
            <EditBox
              content={message.content}
              onSave={(content) => actions.edit?.(message.seq, content)}
              onCancel={() => actions.menu?.startEdit(0)}
            />
          )
          : message.deleted
          ? (
            <div class="msg-text msg-deleted">
              {message.deletedBy === "moderator"
                ? "Message deleted by a moderator"
                : "Message deleted"}
            </div>
          )
          : message.content && (
            <div class="msg-text">
              <RichText text={message.content} />
            </div>
          )}
        {message.file && (
          <FileAttachment file={message.file} onView={actions.viewImage} />
        )}
        <MessageExtras
          message={message}
          meId={meId}
          react={actions.react}
          pick={message.deleted ? undefined : actions.menu?.pickEmoji}
        />
        {status === "sent" && !message.deleted && !editing && actions.menu && (
          <MessageMenu
            message={message}
            mine={meId === author.id}
            moderates={moderates}
            actions={actions.menu}
            tabbable={menuTabbable}
          />
        )}
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
