/**
 * Use cases of friends: asking, accepting, declining, cancelling, unfriending,
 * and the lists. Every change tells both people's open pages (a
 * `friends_changed` frame), so lists and badges follow without a reload.
 */
import {
  type Between,
  changeFriendship,
  type FriendState,
  listFriendLinks,
} from "../db/friends.ts";
import { getUser, type User } from "../db/users.ts";
import { ApiError } from "../errors.ts";
import type { Services } from "../services.ts";
import { blockedError, type OtherPerson } from "./person.ts";

/** A person in a friends list: the user, whether they are online, since when. */
export interface FriendView extends User {
  online: boolean;
  /** When the friendship or request began (ISO 8601). */
  since: string;
}

/** What `GET /friends` answers. */
export interface FriendLists {
  /** Friends, online ones first, then by name. */
  friends: FriendView[];
  /** Requests waiting for my answer, by name. */
  incoming: FriendView[];
  /** Requests I made that wait for theirs, by name. */
  outgoing: FriendView[];
}

/**
 * Asks `other.target` to be friends: `outgoing` (a new request), or
 * `friends` at once when they had asked me. 403 `blocked` across a block
 * either way, 409 `already_friends` / `already_requested`.
 */
export async function askFriend(other: OtherPerson): Promise<FriendState> {
  return await change(other, ({ mine, iBlocked, blockedMe }) => {
    if (iBlocked || blockedMe) throw blockedError(iBlocked);
    if (mine?.state === "friends") {
      throw new ApiError(
        409,
        "already_friends",
        `You are already friends with "${other.target.username}"`,
      );
    }
    if (mine?.state === "outgoing") {
      throw new ApiError(
        409,
        "already_requested",
        `You already asked "${other.target.username}" to be friends`,
      );
    }
    return mine?.state === "incoming" ? "friends" : "outgoing";
  }) as FriendState;
}

/**
 * Accepts `other.target`'s request; accepting a friend again changes
 * nothing. 404 `request_not_found` without a request from them.
 */
export async function acceptFriend(
  other: OtherPerson,
): Promise<FriendState> {
  return await change(other, ({ mine }) => {
    if (mine?.state === "incoming" || mine?.state === "friends") {
      return "friends";
    }
    throw new ApiError(
      404,
      "request_not_found",
      `"${other.target.username}" has not asked to be your friend`,
    );
  }) as FriendState;
}

/** Declines their request, cancels mine, or unfriends; with nothing between us, nothing changes. */
export async function dropFriend(other: OtherPerson): Promise<void> {
  await change(other, () => null);
}

/** My friends, incoming and outgoing requests, as people with presence. */
export async function listFriends(
  services: Services,
  user: User,
): Promise<FriendLists> {
  const links = await listFriendLinks(services.kv, user.id);
  const people = await Promise.all(
    links.map(async ({ otherId, link }) => {
      const person = await getUser(services.kv, otherId);
      if (person === null) return null;
      const view: FriendView = {
        ...person,
        online: services.presence.isOnline(person.id),
        since: link.since,
      };
      return { state: link.state, view };
    }),
  );
  const of = (state: FriendState) =>
    people.flatMap((p) => p?.state === state ? [p.view] : []).sort(byName);
  return {
    friends: of("friends").sort((a, b) => Number(b.online) - Number(a.online)),
    incoming: of("incoming"),
    outgoing: of("outgoing"),
  };
}

/** Orders people by display name, then username, ignoring case. */
function byName(a: User, b: User): number {
  return a.displayName.localeCompare(b.displayName, "en", {
    sensitivity: "base",
  }) || a.username.localeCompare(b.username);
}

// Applies a decision and, when the state changed, tells both people's pages.
async function change(
  other: OtherPerson,
  decide: (between: Between) => FriendState | null,
): Promise<FriendState | null> {
  const { services, user, target } = other;
  let before: FriendState | null = null;
  const state = await changeFriendship(
    services.kv,
    user.id,
    target.id,
    (between) => {
      before = between.mine?.state ?? null;
      return decide(between);
    },
  );
  if (state !== before) announceFriends(services, [user.id, target.id]);
  return state;
}

/** Tells these people's open pages that their friends lists changed. */
export function announceFriends(services: Services, userIds: string[]): void {
  for (const userId of userIds) {
    services.hub.announce({ type: "friends", userId });
  }
}
