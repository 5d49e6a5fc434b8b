/**
 * Changes this user makes to stored messages: toggling a reaction, editing,
 * deleting. Each goes over HTTP; the new state of the message comes back to
 * every page, this one included, as a `message_update` on the socket.
 */
import { api } from "./api.ts";
import { rememberEmoji } from "./recent_emoji.ts";
import { channelPath, type ChatState } from "./state.ts";
import type { Message } from "./types.ts";

/** Builds the message-changing actions over `state`. */
export function createMessageChanges(state: ChatState) {
  const messagePath = (seq: number, suffix = "") =>
    channelPath(state, `/messages/${seq}${suffix}`);

  // A refusal is said in the live region; the message itself stays as it is.
  const attempt = async (call: Promise<unknown>) => {
    try {
      await call;
    } catch (error) {
      state.announcement.value = (error as Error).message;
    }
  };

  // The editor's box goes away with it: the message box takes the focus, so
  // Up-arrow, Esc and typing carry on from where they started.
  const closeEditor = () => {
    const inEditor = document.activeElement?.closest(".msg-edit");
    state.editing.value = 0;
    if (inEditor) document.getElementById("composer")?.focus();
  };

  const react = (seq: number, emoji: string, add: boolean): Promise<void> => {
    if (add) rememberEmoji(state.me.id, emoji);
    return attempt(api(
      messagePath(seq, `/reactions/${encodeURIComponent(emoji)}`),
      { method: add ? "PUT" : "DELETE" },
    ));
  };

  return {
    /** Makes the next send a reply to `message`, and puts the cursor in the message box. */
    reply(message: Message): void {
      state.replyingTo.value = message;
      document.getElementById("composer")?.focus();
    },
    /** Opens the editor on this user's message `seq`; 0 closes it. */
    startEdit(seq: number): void {
      if (seq === 0) closeEditor();
      else state.editing.value = seq;
    },
    /**
     * Opens the editor on this user's newest message in the loaded log that
     * is not deleted (Up-arrow in an empty message box); false when there is none.
     */
    editLast(): boolean {
      const last = state.messages.value.findLast((m) =>
        m.author.id === state.me.id && !m.deleted
      );
      if (last) state.editing.value = last.seq;
      return last !== undefined;
    },
    /** Opens the emoji picker to react to the message `seq`; 0 closes it. */
    pickEmoji(seq: number): void {
      state.picking.value = seq;
    },
    /** Adds (`add`) or removes this user's reaction with `emoji` to the message `seq`. */
    react,
    /** Adds this user's reaction with `emoji` to the message `seq`, or removes it if they had it. */
    toggleReaction(seq: number, emoji: string): Promise<void> {
      const message = state.messages.value.find((m) => m.seq === seq);
      const had = message?.reactions.some((r) =>
        r.emoji === emoji && r.userIds.includes(state.me.id)
      );
      return react(seq, emoji, !had);
    },
    /** Replaces the content of this user's message `seq` and closes the editor. */
    edit(seq: number, content: string): Promise<void> {
      closeEditor();
      return attempt(api(messagePath(seq), {
        method: "PATCH",
        body: { content },
      }));
    },
    /** Deletes the message `seq`; it stays in the log as "Message deleted". */
    remove(seq: number): Promise<void> {
      return attempt(api(messagePath(seq), { method: "DELETE" }));
    },
  };
}
