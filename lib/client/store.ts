/**
 * The chat page's store: its signals (state.ts) and every action that changes
 * them, grouped by concept. Safe to import on the server: nothing runs until
 * an action is called.
 */
import { createInbox } from "./inbox.ts";
import { createViewer } from "./media.ts";
import { createMessageChanges } from "./message_changes.ts";
import { createOutbox } from "./outbox.ts";
import { type ChatInit, createChatState } from "./state.ts";
import { createSync } from "./sync.ts";
import type { Message } from "./types.ts";
import { createUploadQueue } from "./upload_queue.ts";

export type { ChatInit, UploadItem } from "./state.ts";

/** Builds the store from the server's data. */
export function createChatStore(init: ChatInit) {
  const state = createChatState(init);
  const inbox = createInbox(state);
  const sync = createSync(state);
  // A message this browser sent (or uploaded) is stored: show it, mark it read.
  const stored = (message: Message) => {
    inbox.receive([message], false);
    sync.markSeen(message.seq);
  };
  const store = {
    ...state,
    ...inbox,
    ...sync,
    ...createMessageChanges(state),
    ...createOutbox(state, stored),
    ...createUploadQueue(state, stored),
    ...createViewer(state),
  };
  // Spreading copied `me` as it was; the store reads it live instead.
  Object.defineProperty(store, "me", {
    get: () => state.me,
    enumerable: true,
  });
  return store;
}

/** The chat page's store. */
export type ChatStore = ReturnType<typeof createChatStore>;
