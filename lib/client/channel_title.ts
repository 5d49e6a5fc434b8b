/** What a page calls a channel: its name, or for a DM the other people in it. */
import type { ChannelView } from "./types.ts";

/** The title of a channel for `meId`: a DM is named by its other people. */
export function channelTitle(
  channel: Pick<ChannelView, "name" | "kind" | "people">,
  meId: string,
): string {
  if (channel.kind !== "dm") return channel.name;
  const others = (channel.people ?? []).filter((p) => p.id !== meId);
  return others.length === 0
    ? "Just you"
    : others.map((p) => p.displayName).join(", ");
}

/** How the log and the message box name a channel: `#name`, or `@people` for a DM. */
export function channelLabel(
  channel: Pick<ChannelView, "name" | "kind" | "people">,
  meId: string,
): string {
  return `${channel.kind === "dm" ? "@" : "#"}${channelTitle(channel, meId)}`;
}
