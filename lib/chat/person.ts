/**
 * The rules of reaching another person directly: who the other person is
 * (someone else, who exists), and whether a block stands between the two.
 * A block works both ways for direct contact: the blocked person cannot ask
 * to be friends, open a DM (one-to-one or group) that includes the blocker,
 * or write into their two-person DM, and neither can the blocker until they
 * unblock (as in Discord). Shared channels, and a group DM someone else
 * opened, stay open to both; there the blocker's page collapses the
 * blocked person's messages.
 */
import { isDm } from "../db/_channel_store.ts";
import { blocksBetween } from "../db/blocks.ts";
import { getUser, getUserByName, type User } from "../db/users.ts";
import { ApiError } from "../errors.ts";
import type { Services } from "../services.ts";
import type { ChannelMember } from "./standing.ts";

/**
 * Someone other than the caller, who exists: what friend and block use
 * cases act on. Only the checks below make one.
 */
export class OtherPerson {
  readonly #other = true;

  private constructor(
    /** The instance's services, for the use case to act with. */
    readonly services: Services,
    /** Who is acting. */
    readonly user: User,
    /** The person acted on. */
    readonly target: User,
  ) {}

  /** The person with id `targetId`; 404 `user_not_found`, 422 `self` for the caller. */
  static async byId(
    services: Services,
    user: User,
    targetId: string,
  ): Promise<OtherPerson> {
    const target = await getUser(services.kv, targetId);
    if (target === null) {
      throw new ApiError(
        404,
        "user_not_found",
        `User "${targetId.slice(0, 64)}" not found`,
      );
    }
    return OtherPerson.#make(services, user, target);
  }

  /** The person called `username`; 404 `user_not_found`, 422 `self` for the caller. */
  static async byName(
    services: Services,
    user: User,
    username: string,
  ): Promise<OtherPerson> {
    const target = await getUserByName(services.kv, username);
    if (target === null) {
      throw new ApiError(404, "user_not_found", `User "${username}" not found`);
    }
    return OtherPerson.#make(services, user, target);
  }

  static #make(services: Services, user: User, target: User): OtherPerson {
    if (target.id === user.id) {
      throw new ApiError(422, "self", "You cannot do this to yourself");
    }
    return new OtherPerson(services, user, target);
  }
}

/** The refusal for contact across a block, worded for whichever side asks. */
export function blockedError(iBlocked: boolean): ApiError {
  return new ApiError(
    403,
    "blocked",
    iBlocked
      ? "You blocked this person: unblock them first"
      : "This person is not accepting that from you",
  );
}

/** Refuses (403 `blocked`) when a block stands either way between `user` and any of `otherIds`. */
export async function refuseBlocked(
  services: Services,
  user: User,
  otherIds: readonly string[],
): Promise<void> {
  const others = otherIds.filter((id) => id !== user.id);
  if (others.length === 0) return;
  const { iBlocked, blockedMe } = await blocksBetween(
    services.kv,
    user.id,
    others,
  );
  if (iBlocked.size > 0) throw blockedError(true);
  if (blockedMe.size > 0) throw blockedError(false);
}

/**
 * Refuses writing into a two-person DM across a block (403 `blocked`).
 * Costs nothing outside such DMs.
 */
export async function refuseBlockedDm(member: ChannelMember): Promise<void> {
  const { channel, services, user } = member;
  const people = channel.peopleIds ?? [];
  if (!isDm(channel) || people.length !== 2) return;
  await refuseBlocked(services, user, people);
}
