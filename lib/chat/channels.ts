/** Use cases of the channel list: what a user sees, and creating a channel. */
import {
  type Channel,
  createChannel,
  listAllChannels,
  listUserChannels,
} from "../db/channels.ts";
import type { User } from "../db/users.ts";
import type { Services } from "../services.ts";
import type { CreateChannelBody } from "../shared/requests.ts";
import { rateLimited } from "./user_limits.ts";

/**
 * The channels a user belongs to, or with `scope: "all"` every public channel
 * too (each with `joined`); private channels only show to their members.
 */
export function listChannels(
  services: Services,
  user: User,
  scope: "mine" | "all" = "mine",
): Promise<Channel[]> {
  return scope === "all"
    ? listAllChannels(services.kv, user.id)
    : listUserChannels(services.kv, user.id);
}

/**
 * Creates a channel; any signed-in user may, within `--user-channels-per-hour`,
 * and becomes its owner and first member.
 */
export async function openChannel(
  services: Services,
  user: User,
  body: CreateChannelBody,
): Promise<Channel> {
  const limiter = services.limits.channelCreations;
  if (services.config.userLimits.enabled) {
    const hit = await limiter.hit(user.id);
    if (!hit.ok) {
      throw rateLimited(
        `You can create ${limiter.config.limit} channels an hour`,
        hit.retryAfterSeconds,
      );
    }
  }
  try {
    return await createChannel(services.kv, user.id, body);
  } catch (error) {
    // A refused name (taken, invalid) creates nothing, so it costs nothing.
    if (services.config.userLimits.enabled) await limiter.refund(user.id);
    throw error;
  }
}
