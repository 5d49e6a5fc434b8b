/**
 * Use cases of blocks: blocking (which ends any friendship or request
 * between the two), unblocking, and my list. What a block refuses is
 * decided in `person.ts`.
 */
import { blockUser, listBlocks, unblockUser } from "../db/blocks.ts";
import { getUser, type User } from "../db/users.ts";
import type { Services } from "../services.ts";
import { announceFriends } from "./friends.ts";
import type { OtherPerson } from "./person.ts";

/** A blocked person as `GET /blocks` lists them. */
export interface BlockedView extends User {
  /** When I blocked them (ISO 8601). */
  blockedAt: string;
}

/** Blocks `other.target`; twice changes nothing. Both pages' friends lists update. */
export async function blockPerson(other: OtherPerson): Promise<void> {
  const { services, user, target } = other;
  await blockUser(services.kv, user.id, target.id);
  announceFriends(services, [user.id, target.id]);
}

/** Lifts my block of `other.target`; without one, nothing changes. */
export async function unblockPerson(other: OtherPerson): Promise<void> {
  const { services, user, target } = other;
  await unblockUser(services.kv, user.id, target.id);
  announceFriends(services, [user.id]);
}

/** Everyone I blocked, by name. */
export async function listBlocked(
  services: Services,
  user: User,
): Promise<BlockedView[]> {
  const blocks = await listBlocks(services.kv, user.id);
  const people = await Promise.all(
    blocks.map(async ({ userId, at }) => {
      const person = await getUser(services.kv, userId);
      return person === null ? [] : [{ ...person, blockedAt: at }];
    }),
  );
  return people.flat().sort((a, b) => a.username.localeCompare(b.username));
}

/** The ids of everyone I blocked, for pages that collapse their messages. */
export async function blockedIds(
  services: Services,
  user: User,
): Promise<string[]> {
  return (await listBlocks(services.kv, user.id)).map((b) => b.userId);
}
