/**
 * Invite links in KV: each is one record under its code, listed again under
 * its creator. A use is counted with a check of the record read, so however
 * many people use one invite at once, it is never used more than `maxUses`
 * times; joining its channel is staged into the same atomic.
 */
import { ApiError } from "../errors.ts";
import { INVITE_CODE_PATTERN } from "../shared/limits.ts";
import {
  type ChannelRecord,
  GENERAL_CHANNEL_NAME,
  stageJoin,
} from "./_channel_store.ts";
import {
  channelKey,
  channelNameKey,
  creatorInviteKey,
  creatorInvitesPrefix,
  inviteKey,
  invitesPrefix,
  memberKey,
  userKey,
} from "./_keys.ts";
import { getManyChunked, now, retryAtomic } from "./_kv.ts";
import { type AuditEntry, stageAudit } from "./audit.ts";
import { inviteRows, stageRows } from "./rows.ts";
import type { UserRecord } from "./users.ts";

/** An invite as stored (and, with `url`, as the API shows it). */
export interface InviteRecord {
  code: string;
  /** The channel it brings people into; null for an invite to the instance only. */
  channelId: string | null;
  /** The id of the user who made it. */
  createdBy: string;
  createdAt: string;
  /** How many times it may be used; null for no limit. */
  maxUses: number | null;
  uses: number;
  /** When it stops working; null for never. */
  expiresAt: string | null;
}

/** An invite with what it leads to, read together. */
export interface InviteState {
  invite: InviteRecord;
  /** Its channel; null for an invite to the instance, or when the channel is gone. */
  channel: ChannelRecord | null;
  /** Who made it; null once their account is gone. */
  inviter: UserRecord | null;
  /** Why it can no longer be used; undefined while it can. */
  unusable?: string;
}

/** A fresh invite code: 128 random bits as 22 URL-safe base64 characters. */
export function newInviteCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-")
    .replace(/\//g, "_").replace(/=+$/, "");
}

/** The 404 for a code no invite has. */
export function inviteNotFound(): ApiError {
  return new ApiError(
    404,
    "invite_not_found",
    "This invite link does not exist or was revoked; ask whoever sent it for a new one",
  );
}

/** Stores a new invite and its creator's index row; fails if the code exists. */
export async function createInvite(
  kv: Deno.Kv,
  invite: InviteRecord,
  audit?: AuditEntry,
): Promise<InviteRecord> {
  return await retryAtomic("the invite", () => {
    const op = stageRows(
      kv.atomic().check({ key: inviteKey(invite.code), versionstamp: null }),
      inviteRows(invite),
    );
    if (audit) stageAudit(op, audit);
    return Promise.resolve({ op, value: invite });
  });
}

/** The invite with `code`, or null (also for anything that is not a code). */
export async function getInvite(
  kv: Deno.Kv,
  code: string,
): Promise<InviteRecord | null> {
  if (!INVITE_CODE_PATTERN.test(code)) return null;
  return (await kv.get<InviteRecord>(inviteKey(code))).value;
}

/** Reads an invite and what it leads to; null for an unknown code. */
export async function getInviteState(
  kv: Deno.Kv,
  code: string,
  at = Date.now(),
): Promise<InviteState | null> {
  const read = await readInvite(kv, code, at);
  return read === null ? null : read.state;
}

/** The invites `createdBy` made (every invite without it), newest first. */
export async function listInvites(
  kv: Deno.Kv,
  createdBy?: string,
): Promise<InviteRecord[]> {
  const invites: InviteRecord[] = [];
  if (createdBy === undefined) {
    for await (
      const entry of kv.list<InviteRecord>({ prefix: invitesPrefix })
    ) {
      invites.push(entry.value);
    }
  } else {
    const codes: string[] = [];
    for await (
      const entry of kv.list({ prefix: creatorInvitesPrefix(createdBy) })
    ) codes.push(entry.key[2] as string);
    const entries = await getManyChunked<InviteRecord>(
      kv,
      codes.map(inviteKey),
    );
    for (const entry of entries) if (entry.value) invites.push(entry.value);
  }
  return invites.sort((a, b) => a.createdAt < b.createdAt ? 1 : -1);
}

/** Deletes an invite and its index row; deleting a missing one is a no-op. */
export async function deleteInvite(
  kv: Deno.Kv,
  invite: InviteRecord,
  audit?: AuditEntry,
): Promise<void> {
  await retryAtomic("the invite", () => {
    const op = kv.atomic().delete(inviteKey(invite.code)).delete(
      creatorInviteKey(invite.createdBy, invite.code),
    );
    if (audit) stageAudit(op, audit);
    return Promise.resolve({ op, value: undefined });
  });
}

/**
 * Reads an invite for a use: 404 `invite_not_found` for an unknown code, 410
 * `invite_expired` for one that can no longer be used. Returns the entry (to
 * check in the atomic) and its channel.
 */
export async function readUsableInvite(
  kv: Deno.Kv,
  code: string,
  at = Date.now(),
): Promise<{ entry: Deno.KvEntry<InviteRecord>; state: InviteState }> {
  const read = await readInvite(kv, code, at);
  if (read === null) throw inviteNotFound();
  if (read.state.unusable !== undefined) {
    throw new ApiError(410, "invite_expired", read.state.unusable);
  }
  return read;
}

/**
 * Stages one use of the invite read as `entry` into `op`, checked so that no
 * concurrent use is lost, and, with `join`, the user's join of its channel
 * (which the caller knows they are not in yet).
 */
export function stageInviteUse(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<InviteRecord>,
  join: { userId: string; joinedAt: string } | null,
): Deno.AtomicOperation {
  const invite = entry.value;
  op.check(entry).set(entry.key, { ...invite, uses: invite.uses + 1 });
  if (invite.channelId !== null && join !== null) {
    stageJoin(op, invite.channelId, join.userId, join.joinedAt);
  }
  return op;
}

/**
 * Uses an invite as an existing user: joins its channel and counts the use,
 * in one atomic. Someone already in the channel, or an invite to the
 * instance only (which answers `general`), uses nothing up.
 */
export async function spendInvite(
  kv: Deno.Kv,
  code: string,
  userId: string,
): Promise<{ channel: ChannelRecord; joined: boolean }> {
  return await retryAtomic<{ channel: ChannelRecord; joined: boolean }>(
    "the invite",
    async () => {
      const { entry } = await readUsableInvite(kv, code);
      const channelId = entry.value.channelId ??
        (await kv.get<string>(channelNameKey(GENERAL_CHANNEL_NAME))).value ??
        "";
      const [channel, member] = await kv.getMany<[ChannelRecord, string]>([
        channelKey(channelId),
        memberKey(channelId, userId),
      ]);
      if (channel.value === null) throw inviteNotFound();
      if (member.value !== null || entry.value.channelId === null) {
        return { value: { channel: channel.value, joined: false } };
      }
      const op = stageInviteUse(kv.atomic(), entry, {
        userId,
        joinedAt: now(),
      });
      return { op, value: { channel: channel.value, joined: true } };
    },
  );
}

// The invite's entry and state; null when no invite has the code.
async function readInvite(kv: Deno.Kv, code: string, at: number) {
  if (!INVITE_CODE_PATTERN.test(code)) return null;
  const entry = await kv.get<InviteRecord>(inviteKey(code));
  if (entry.value === null) return null;
  const invite = entry.value;
  // An invite to the instance reads a channel id no channel can have.
  const channelId = invite.channelId ?? "";
  const [inviter, channel, inviterMember] = await kv.getMany<
    [UserRecord, ChannelRecord, string]
  >([
    userKey(invite.createdBy),
    channelKey(channelId),
    memberKey(channelId, invite.createdBy),
  ]);
  const state: InviteState = {
    invite,
    inviter: inviter.value,
    channel: channel.value,
  };
  state.unusable = unusable(state, inviterMember.value, at);
  return { entry: entry as Deno.KvEntry<InviteRecord>, state };
}

// Why an invite cannot be used, in words; undefined when it can.
function unusable(
  { invite, inviter, channel }: InviteState,
  inviterJoinedAt: string | null,
  at: number,
): string | undefined {
  if (invite.expiresAt !== null && Date.parse(invite.expiresAt) <= at) {
    return "This invite link has expired";
  }
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) {
    return "This invite link has been used up";
  }
  if (inviter === null) return "This invite link is no longer valid";
  if (invite.channelId !== null) {
    // An invite speaks for its creator: once they are out of the channel (or
    // it is gone), it lets nobody in, so a removed member's links die with them.
    if (channel === null || inviterJoinedAt === null) {
      return "This invite link is no longer valid";
    }
  }
  return undefined;
}
