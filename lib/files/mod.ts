// File storage: chunked bytes in Deno KV, uploads, downloads and their safety.
export * from "./store.ts";
export * from "./range.ts";
export * from "./names.ts";
export * from "./types.ts";
export * from "./multipart.ts";
export * from "./headers.ts";
export * from "./upload.ts";
