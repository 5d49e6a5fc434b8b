/** This browser's localStorage, or null where there is none or it is blocked. */
export function browserStorage(): Storage | null {
  // Reading `localStorage` itself throws where storage is blocked.
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
