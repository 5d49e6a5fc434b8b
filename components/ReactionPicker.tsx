/**
 * Where the emoji picker opens for a message (`store.picking`). The picker's
 * code is imported the first time it is wanted, so the chat page's own
 * JavaScript does not carry it; focus goes back to what opened it.
 */
import { useRef } from "preact/hooks";
import type { ChatStore } from "../lib/client/store.ts";
import { onDemand, useOnDemand } from "./on_demand.ts";

const picker = onDemand(() => import("./EmojiPicker.tsx"));

/** The picker for the message `store.picking` is set to, while it is set. */
export function ReactionPicker({ store }: { store: ChatStore }) {
  const seq = store.picking.value;
  const opener = useRef<HTMLElement | null>(null);
  // Read while rendering, before the dialog takes the focus.
  if (seq && !opener.current) {
    opener.current = document.activeElement as HTMLElement | null;
  }
  const module = useOnDemand(picker, seq !== 0, () => {
    store.announcement.value = "The emoji picker could not be loaded.";
    close();
  });

  function close(): void {
    const back = opener.current;
    opener.current = null;
    store.pickEmoji(0);
    if (back?.isConnected) back.focus();
    else document.querySelector<HTMLElement>("[role=log]")?.focus();
  }

  if (!seq || !module) return null;
  return (
    <module.EmojiPicker
      userId={store.me.id}
      onPick={(emoji) => void store.toggleReaction(seq, emoji)}
      onClose={close}
    />
  );
}
