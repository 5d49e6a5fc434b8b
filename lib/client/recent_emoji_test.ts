import assert from "node:assert/strict";
import {
  forgetRecentEmoji,
  loadRecentEmoji,
  MAX_RECENT_EMOJI,
  recentEmojiKey,
  rememberEmoji,
} from "./recent_emoji.ts";

function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
    clear: () => map.clear(),
  };
}

Deno.test("rememberEmoji() keeps each user's emoji newest first, once each, capped", () => {
  const storage = memoryStorage();
  assert.deepEqual(loadRecentEmoji("u1", storage), []);
  rememberEmoji("u1", "🎉", storage);
  rememberEmoji("u1", "👍", storage);
  rememberEmoji("u1", "🎉", storage);
  rememberEmoji("u2", "🙏", storage);
  assert.deepEqual(loadRecentEmoji("u1", storage), ["🎉", "👍"]);
  assert.deepEqual(loadRecentEmoji("u2", storage), ["🙏"]);
  forgetRecentEmoji("u2", storage);
  assert.deepEqual(loadRecentEmoji("u2", storage), []);
  assert.deepEqual(loadRecentEmoji("u1", storage), ["🎉", "👍"]);
  const many = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🤩"];
  for (const e of many) rememberEmoji("u1", e, storage);
  const kept = loadRecentEmoji("u1", storage);
  assert.equal(kept.length, MAX_RECENT_EMOJI);
  assert.equal(kept[0], "🤩");
});

Deno.test("loadRecentEmoji() reads damaged or missing storage as nothing", () => {
  const storage = memoryStorage();
  storage.setItem(recentEmojiKey("u1"), "{not json");
  assert.deepEqual(loadRecentEmoji("u1", storage), []);
  storage.setItem(recentEmojiKey("u1"), JSON.stringify({ a: 1 }));
  assert.deepEqual(loadRecentEmoji("u1", storage), []);
  storage.setItem(recentEmojiKey("u1"), JSON.stringify(["👍", 3, null]));
  assert.deepEqual(loadRecentEmoji("u1", storage), ["👍"]);
  assert.deepEqual(loadRecentEmoji("u1", null), []);
  rememberEmoji("u1", "👍", null);
});
