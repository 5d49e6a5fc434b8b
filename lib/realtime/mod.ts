/**
 * Real-time for Hearth: wire frames, the fan-out hub, presence, and channel
 * socket sessions. Browser code imports `./frames.ts` directly instead, since
 * the rest is server-only.
 */
export * from "./frames.ts";
export * from "./hub.ts";
export * from "./presence.ts";
export * from "./channel_session.ts";
export * from "./channel_upgrade.ts";
