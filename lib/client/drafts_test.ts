import assert from "node:assert/strict";
import { clearDrafts, draftKey, loadDraft, saveDraft } from "./drafts.ts";

/** An in-memory Storage. */
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

Deno.test("saveDraft() keeps text per user and channel; blank text removes it", () => {
  const storage = memoryStorage();
  saveDraft("u1", "c1", "half a thought", storage);
  saveDraft("u1", "c2", "another", storage);
  saveDraft("u2", "c1", "not yours", storage);
  assert.equal(loadDraft("u1", "c1", storage), "half a thought");
  assert.equal(loadDraft("u1", "c2", storage), "another");
  assert.equal(loadDraft("u2", "c1", storage), "not yours");
  assert.equal(loadDraft("u1", "c3", storage), "");
  saveDraft("u1", "c1", "  \n ", storage);
  assert.equal(storage.getItem(draftKey("u1", "c1")), null);
});

Deno.test("clearDrafts() removes one user's drafts and no one else's", () => {
  const storage = memoryStorage();
  saveDraft("u1", "c1", "a", storage);
  saveDraft("u1", "c2", "b", storage);
  saveDraft("u10", "c1", "c", storage);
  storage.setItem("other", "kept");
  clearDrafts("u1", storage);
  assert.equal(loadDraft("u1", "c1", storage), "");
  assert.equal(loadDraft("u1", "c2", storage), "");
  assert.equal(loadDraft("u10", "c1", storage), "c");
  assert.equal(storage.getItem("other"), "kept");
});

Deno.test("drafts fail quietly when storage refuses", () => {
  const refusing = {
    ...memoryStorage(),
    getItem() {
      throw new Error("SecurityError");
    },
    setItem() {
      throw new Error("QuotaExceededError");
    },
  } as Storage;
  saveDraft("u1", "c1", "text", refusing);
  assert.equal(loadDraft("u1", "c1", refusing), "");
  clearDrafts("u1", null);
});
