/**
 * Use case of a channel's posting rules: a read-only channel (post policy
 * `moderators`) refuses members' posts and uploads with 403 `read_only`, and
 * slow mode refuses a member's second message inside its window with 429
 * `slow_mode` and `Retry-After`. Who is held to them is the standing's rule
 * (`heldToChannelRules`). The channel's rules are looked up for each post
 * (a socket's standing was checked when it opened), from a cache that a
 * change of the channel empties at once on every instance
 * (`_channel_rules_cache.ts`).
 */
import { getMessageByClientId } from "../db/message_changes.ts";
import type { Message } from "../db/messages.ts";
import {
  claimSlowModeSlot,
  releaseSlowModeSlot,
  type SlowModeSlot,
  slowModeWait,
} from "../db/slow_mode.ts";
import { ApiError } from "../errors.ts";
import { log } from "../log.ts";
import type { ChannelMember } from "./standing.ts";
import { rulesCacheOf } from "./_channel_rules_cache.ts";

/** A post let through: the slow-mode slot it took, or the message a repeated clientId already stored. */
export interface Admission {
  slot: SlowModeSlot | null;
  twin?: Message;
}

/**
 * Checks the channel's rules for a post by `member`. With `claim`, a slow
 * mode slot is taken (give it back with {@linkcode releaseSlot} when the
 * message is not stored); without, it is only looked at (an upload looks
 * before its body is read and claims once it is). A post refused by slow
 * mode whose `clientId` is already stored answers that message instead, so
 * a retried send is still stored once.
 */
export async function admitPost(
  member: ChannelMember,
  opts: { claim: boolean; clientId?: string },
): Promise<Admission> {
  if (!member.heldToChannelRules) return { slot: null };
  const { services, channelId, user } = member;
  const channel = await rulesCacheOf(services).record(channelId);
  if (channel === undefined) return { slot: null };
  if (channel.postPolicy === "moderators") {
    throw new ApiError(
      403,
      "read_only",
      `Only moderators can post in channel "${channel.name}"`,
    );
  }
  const seconds = channel.slowModeSeconds ?? 0;
  if (seconds === 0) return { slot: null };
  const windowMs = seconds * 1000;
  if (!opts.claim) {
    const waitMs = await slowModeWait(
      services.kv,
      channelId,
      user.id,
      windowMs,
    );
    if (waitMs > 0) throw slowMode(channel.name, seconds, waitMs);
    return { slot: null };
  }
  const claim = await claimSlowModeSlot(
    services.kv,
    channelId,
    user.id,
    windowMs,
  );
  if (claim.ok) return { slot: claim.slot };
  if (opts.clientId !== undefined) {
    const twin = await getMessageByClientId(
      services.kv,
      channelId,
      user.id,
      opts.clientId,
    );
    if (twin !== null) return { slot: null, twin };
  }
  throw slowMode(channel.name, seconds, claim.waitMs);
}

/** Gives back the slot of a post that stored nothing new; a failure only costs the member a wait. */
export async function releaseSlot(
  member: ChannelMember,
  slot: SlowModeSlot | null,
): Promise<void> {
  if (slot === null) return;
  await releaseSlowModeSlot(member.services.kv, slot).catch((error) =>
    log("warn", "slow mode slot not given back", { error: String(error) })
  );
}

function slowMode(name: string, seconds: number, waitMs: number): ApiError {
  const wait = Math.max(1, Math.ceil(waitMs / 1000));
  return new ApiError(
    429,
    "slow_mode",
    `Slow mode is on in channel "${name}": one message every ${seconds} s; wait ${wait} s`,
    { "Retry-After": String(wait) },
  );
}
