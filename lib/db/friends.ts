/**
 * Friendships and friend requests as stored: each is a pair of rows, one per
 * person (`friends`, or `outgoing` on the asker's side and `incoming` on the
 * other's), always written and deleted together. Blocks are read in the same
 * attempt, so a request can never slip in beside a block made meanwhile.
 */
import { blockKey, friendKey, friendsPrefix } from "./_keys.ts";
import { now, retryAtomic } from "./_kv.ts";
import { type KvRow, stageRows } from "./rows.ts";

/** Where two people stand, seen from one of them. */
export type FriendState = "friends" | "outgoing" | "incoming";

/** One side of a friendship or request, as stored. */
export interface FriendLink {
  state: FriendState;
  /** When it reached this state (ISO 8601). */
  since: string;
}

/** What a change of friendship is decided on: the link, and blocks either way. */
export interface Between {
  /** My side of the link, or null for none. */
  mine: FriendLink | null;
  /** I blocked them. */
  iBlocked: boolean;
  /** They blocked me. */
  blockedMe: boolean;
}

/** How the other side sees a state of mine. */
function mirrored(state: FriendState): FriendState {
  return state === "outgoing"
    ? "incoming"
    : state === "incoming"
    ? "outgoing"
    : "friends";
}

/**
 * The two rows of a link: `userId`'s side in `state`, and `otherId`'s
 * mirrored. What the data layer writes and an import restores.
 */
export function friendshipRows(
  userId: string,
  otherId: string,
  state: FriendState,
  since: string,
): KvRow[] {
  return [
    { key: friendKey(userId, otherId), value: { state, since } },
    {
      key: friendKey(otherId, userId),
      value: { state: mirrored(state), since },
    },
  ];
}

/**
 * Changes where `userId` and `otherId` stand: `decide` sees how things are
 * and answers my new state (null: nothing between us), or throws to refuse.
 * Both rows change in one atomic, checked against the link and both blocks.
 * Answers the state now.
 */
export async function changeFriendship(
  kv: Deno.Kv,
  userId: string,
  otherId: string,
  decide: (between: Between) => FriendState | null,
): Promise<FriendState | null> {
  const keys = [
    friendKey(userId, otherId),
    friendKey(otherId, userId),
    blockKey(userId, otherId),
    blockKey(otherId, userId),
  ];
  return await retryAtomic("the friendship", async () => {
    const entries = await kv.getMany<unknown[]>(keys);
    const mine = entries[0].value as FriendLink | null;
    const next = decide({
      mine,
      iBlocked: entries[2].value !== null,
      blockedMe: entries[3].value !== null,
    });
    if (next === (mine?.state ?? null)) return { value: next };
    const op = kv.atomic();
    for (const entry of entries) op.check(entry);
    if (next === null) op.delete(keys[0]).delete(keys[1]);
    else stageRows(op, friendshipRows(userId, otherId, next, now()));
    return { op, value: next };
  });
}

/** Everyone `userId` has a link with, and where they stand, in no set order. */
export async function listFriendLinks(
  kv: Deno.Kv,
  userId: string,
): Promise<{ otherId: string; link: FriendLink }[]> {
  const found: { otherId: string; link: FriendLink }[] = [];
  for await (
    const entry of kv.list<FriendLink>({ prefix: friendsPrefix(userId) })
  ) {
    found.push({ otherId: entry.key[2] as string, link: entry.value });
  }
  return found;
}

/**
 * Whether `userId`'s row stands for its link in a backup, so each link is
 * written once: a friendship from the side whose id sorts first, a request
 * from the asker's side (`outgoing`).
 */
export function isLinkOwner(
  userId: string,
  otherId: string,
  link: FriendLink,
): boolean {
  return link.state === "outgoing" ||
    (link.state === "friends" && userId < otherId);
}

/** How many friend requests wait for `userId`'s answer. */
export async function countIncoming(
  kv: Deno.Kv,
  userId: string,
): Promise<number> {
  const links = await listFriendLinks(kv, userId);
  return links.filter(({ link }) => link.state === "incoming").length;
}
