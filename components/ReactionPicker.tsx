/**
 * Where the emoji picker opens for a message (`store.picking`). The picker's
 * code is imported the first time it is wanted, so the chat page's own
 * JavaScript does not carry it; focus goes back to what opened it.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { ChatStore } from "../lib/client/store.ts";

type PickerModule = typeof import("./EmojiPicker.tsx");

let loading: Promise<PickerModule> | null = null;

/** The picker for the message `store.picking` is set to, while it is set. */
export function ReactionPicker({ store }: { store: ChatStore }) {
  const seq = store.picking.value;
  const [module, setModule] = useState<PickerModule | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  // Read while rendering, before the dialog takes the focus.
  if (seq && !opener.current) {
    opener.current = document.activeElement as HTMLElement | null;
  }

  useEffect(() => {
    if (!seq || module) return;
    loading ??= import("./EmojiPicker.tsx");
    loading.then(setModule, () => {
      loading = null;
      store.announcement.value = "The emoji picker could not be loaded.";
      close();
    });
  }, [seq]);

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
