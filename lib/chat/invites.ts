/**
 * Use cases of invite links: make one (for the instance, or for a channel the
 * maker is in), look one up without signing in, list and revoke them, and
 * accept one when signed in. Registering with one is `registerAccount`'s.
 */
import { toChannels } from "../db/_channel_store.ts";
import type { Channel } from "../db/channels.ts";
import {
  createInvite,
  deleteInvite,
  getInvite,
  getInviteState,
  inviteNotFound,
  type InviteRecord,
  listInvites,
  newInviteCode,
  spendInvite,
} from "../db/invites.ts";
import type { User } from "../db/users.ts";
import { ApiError } from "../errors.ts";
import type { Services } from "../services.ts";
import type { CreateInviteBody } from "../shared/requests.ts";
import type { Invite, InvitePreview } from "../shared/wire.ts";
import { announceJoin } from "./membership.ts";
import { ChannelInviter, ChannelMember, isAdmin } from "./standing.ts";

/** Makes an invite; with `channelId`, only a member of that channel may (404/403 otherwise; never a DM's). */
export async function makeInvite(
  services: Services,
  user: User,
  body: CreateInviteBody,
  origin: string,
): Promise<Invite> {
  const channelId = body.channelId ?? null;
  if (channelId !== null) {
    await ChannelInviter.check(services, channelId, user);
  }
  const createdAt = new Date();
  const record: InviteRecord = {
    code: newInviteCode(),
    channelId,
    createdBy: user.id,
    createdAt: createdAt.toISOString(),
    maxUses: body.maxUses ?? null,
    uses: 0,
    expiresAt: body.expiresInSeconds
      ? new Date(createdAt.getTime() + body.expiresInSeconds * 1000)
        .toISOString()
      : null,
  };
  const audit = {
    actorId: user.id,
    action: "invite_create",
    target: record.code,
    ...(channelId !== null ? { reason: `to channel ${channelId}` } : {}),
  };
  return toInvite(await createInvite(services.kv, record, audit), origin);
}

/** What anyone may learn of an invite from its code; 404 for an unknown one. */
export async function previewInvite(
  services: Services,
  code: string,
): Promise<InvitePreview> {
  const state = await getInviteState(services.kv, code);
  if (state === null) throw inviteNotFound();
  const { invite, channel, inviter, unusable } = state;
  return {
    code: invite.code,
    // A channel that is gone, or one the invite no longer opens, is not named.
    channel: channel && unusable === undefined
      ? { id: channel.id, name: channel.name }
      : null,
    inviter: { displayName: inviter?.displayName ?? "Someone" },
    expiresAt: invite.expiresAt,
    valid: unusable === undefined,
  };
}

/** The invites `user` made, or every invite for someone who acts for the instance. */
export async function listInvitesOf(
  services: Services,
  user: User,
  origin: string,
): Promise<Invite[]> {
  const invites = await listInvites(
    services.kv,
    isAdmin(user) ? undefined : user.id,
  );
  return invites.map((invite) => toInvite(invite, origin));
}

/** Revokes an invite: its creator or someone acting for the instance (403 `not_invite_owner`). */
export async function revokeInvite(
  services: Services,
  user: User,
  code: string,
): Promise<void> {
  const invite = await getInvite(services.kv, code);
  if (invite === null) throw inviteNotFound();
  if (invite.createdBy !== user.id && !isAdmin(user)) {
    throw new ApiError(
      403,
      "not_invite_owner",
      "Only whoever made this invite can revoke it",
    );
  }
  await deleteInvite(services.kv, invite, {
    actorId: user.id,
    action: "invite_revoke",
    target: invite.code,
  });
}

/**
 * Accepts an invite as a signed-in user: joins its channel (private ones
 * too) and answers it; an invite to the instance answers `general`. A member
 * already in the channel uses nothing up.
 */
export async function acceptInvite(
  services: Services,
  user: User,
  code: string,
): Promise<Channel> {
  const { kv } = services;
  const { channel, joined } = await spendInvite(kv, code, user.id);
  if (joined) announceJoin(services, channel, user);
  const [view] = await toChannels(kv, [channel], user.id, true);
  return view;
}

/** What the page `/invite/{code}` shows. */
export interface InvitePage {
  preview: InvitePreview;
  /** The signed-in visitor, if any. */
  me: { displayName: string } | null;
  /** Whether the visitor is in the invite's channel already. */
  member: boolean;
}

/**
 * The data of the page `/invite/{code}`, for a visitor signed in or not: 404
 * `invite_not_found` for an unknown code, 410 `invite_expired` for one that
 * no longer works (the error page says so).
 */
export async function loadInvitePage(
  services: Services,
  code: string,
  user: User | null,
): Promise<InvitePage> {
  const preview = await previewInvite(services, code);
  if (!preview.valid) {
    throw new ApiError(
      410,
      "invite_expired",
      "This invite link was used up, ran out of time, or its channel is gone; ask whoever sent it for a new one",
    );
  }
  const member = user !== null && preview.channel !== null &&
    await ChannelMember.find(services, preview.channel.id, user) !== null;
  return {
    preview,
    me: user ? { displayName: user.displayName } : null,
    member,
  };
}

function toInvite(invite: InviteRecord, origin: string): Invite {
  return {
    code: invite.code,
    url: `${origin}/invite/${invite.code}`,
    channelId: invite.channelId,
    maxUses: invite.maxUses,
    uses: invite.uses,
    expiresAt: invite.expiresAt,
    createdBy: invite.createdBy,
    createdAt: invite.createdAt,
  };
}
