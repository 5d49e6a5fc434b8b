/**
 * Hearth's data layer: the only code that opens Deno KV or builds its keys.
 * Key layout: see `_keys.ts`.
 */

export * from "./users.ts";
export * from "./channels.ts";
export * from "./messages.ts";

/** Opens the KV store at `path` (a file path, or `:memory:` for a throwaway store). */
export function openDb(path: string): Promise<Deno.Kv> {
  return Deno.openKv(path);
}
