/**
 * Optimistic sending: a message shows at once as pending under a fresh
 * clientId, turns normal when the server stores it (the answer or the socket
 * echo, whichever comes first), and can be retried with the same clientId,
 * which the server stores at most once. A send that failed because the server
 * could not be reached waits, and goes again by itself when the channel's
 * socket is back (`retryWaiting`, on every `ready`); one the server refused
 * waits for the person.
 */
import { api, ApiFailure } from "./api.ts";
import { notePosted, noteRefusal } from "./channel_rules.ts";
import { channelPath, type ChatState } from "./state.ts";
import type { Entry } from "./timeline.ts";
import { MAX_EXCERPT_LENGTH } from "../shared/limits.ts";
import type { Message } from "./types.ts";

/** Why a message waits: the server could not be reached. */
export const WAITING =
  "No connection: it goes out by itself when the connection is back.";

/** The least time between two typing notices this client sends. */
export const TYPING_SEND_MS = 2500;

/** Builds the sending actions over `state`. */
export function createOutbox(
  state: ChatState,
  stored: (message: Message) => void,
) {
  const { me, outbox } = state;
  let typingSent = 0;

  /** Shows `content` at once as pending, then posts it. */
  function send(content: string): void {
    const text = content.trim();
    if (!text || state.channelId === null) return;
    const clientId = crypto.randomUUID();
    const original = state.replyingTo.value;
    state.replyingTo.value = null;
    const message: Message = {
      id: "",
      channelId: state.channelId,
      seq: 0,
      author: { id: me.id, username: me.username, displayName: me.displayName },
      content: text,
      createdAt: new Date().toISOString(),
      clientId,
      file: null,
      rev: 0,
      reactions: [],
      mentions: [],
    };
    if (original !== null) message.replyTo = quoteOf(original);
    outbox.value = [...outbox.value, { message, status: "pending" }];
    void post(clientId);
  }

  async function post(clientId: string): Promise<void> {
    const entry = outbox.value.find((e) => e.message.clientId === clientId);
    if (!entry) return;
    try {
      stored(
        await api<Message>(channelPath(state, "/messages"), {
          method: "POST",
          body: {
            content: entry.message.content,
            clientId,
            replyTo: entry.message.replyTo?.seq,
          },
        }),
      );
      notePosted(state.posting, me, state.channel.value);
    } catch (error) {
      noteRefusal(state.posting, error);
      if (error instanceof ApiFailure && error.status === 0) {
        update(clientId, { status: "failed", error: WAITING, waiting: true });
        return;
      }
      const reason = error instanceof ApiFailure
        ? error.message
        : "The message could not be sent.";
      update(clientId, { status: "failed", error: reason });
    }
  }

  function update(clientId: string, change: Partial<Entry>): void {
    outbox.value = outbox.value.map((e) =>
      e.message.clientId === clientId ? { ...e, ...change } : e
    );
  }

  /** Sends a failed message again under the same clientId. */
  function retry(clientId: string): void {
    update(clientId, { status: "pending", error: undefined, waiting: false });
    void post(clientId);
  }

  /**
   * Sends again, one after another in the order written, every message that
   * failed for want of a connection. Call once the connection is back.
   */
  async function retryWaiting(): Promise<void> {
    const waiting = outbox.value.filter((e) => e.waiting)
      .map((e) => e.message.clientId!);
    for (const clientId of waiting) {
      update(clientId, { status: "pending", error: undefined, waiting: false });
    }
    for (const clientId of waiting) await post(clientId);
  }

  /** Drops a failed message from the log. */
  function discard(clientId: string): void {
    outbox.value = outbox.value.filter((e) => e.message.clientId !== clientId);
  }

  /** Whether a typing notice is due; the caller sends it over the socket. */
  function typingDue(): boolean {
    const now = Date.now();
    if (now - typingSent < TYPING_SEND_MS) return false;
    typingSent = now;
    return true;
  }

  return { send, retry, retryWaiting, discard, typingDue };
}

/** How a pending reply quotes `original` until the server's own quote arrives. */
export function quoteOf(original: Message): NonNullable<Message["replyTo"]> {
  const text = original.content || original.file?.name || "";
  return {
    seq: original.seq,
    author: original.author,
    excerpt: Array.from(text).slice(0, MAX_EXCERPT_LENGTH).join(""),
  };
}
