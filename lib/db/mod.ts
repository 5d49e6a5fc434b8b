/**
 * Hearth's data layer: the only code that opens Deno KV or builds its keys.
 * Key layout: see `_keys.ts`.
 */

export * from "./users.ts";
export * from "./channels.ts";
export * from "./messages.ts";
export * from "./schemas.ts";

/** Opens the KV store at `path` (a file path, or `:memory:` for a throwaway store). */
export { openDatabase as openDb } from "./open.ts";
