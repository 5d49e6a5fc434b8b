/**
 * The browser's calls for friends and blocks, for any island that offers
 * them (the friends page, a profile card). Each throws `ApiFailure` with a
 * sentence fit to show.
 */
import { api } from "./api.ts";

/** A person in a friends list, as `GET /friends` answers. */
export interface FriendPerson {
  id: string;
  username: string;
  displayName: string;
  status: string;
  avatarUrl: string | null;
  online: boolean;
  since: string;
}

/** My friends and requests, as `GET /friends` answers. */
export interface FriendLists {
  friends: FriendPerson[];
  incoming: FriendPerson[];
  outgoing: FriendPerson[];
}

/** Someone I blocked, as `GET /blocks` lists them. */
export interface BlockedPerson {
  id: string;
  username: string;
  displayName: string;
  avatarUrl: string | null;
  blockedAt: string;
}

const person = (userId: string) => encodeURIComponent(userId);

/** Asks `username` to be friends: "outgoing", or "friends" when they had asked me. */
export async function addFriend(
  username: string,
): Promise<"outgoing" | "friends"> {
  const answer = await api<{ state: "outgoing" | "friends" }>("/friends", {
    method: "POST",
    body: { username },
  });
  return answer.state;
}

/** Accepts the friend request of `userId`. */
export async function acceptFriend(userId: string): Promise<void> {
  await api(`/friends/${person(userId)}`, { method: "PUT" });
}

/** Declines their request, cancels mine, or unfriends `userId`. */
export async function removeFriend(userId: string): Promise<void> {
  await api(`/friends/${person(userId)}`, { method: "DELETE" });
}

/** Blocks `userId` (which also ends any friendship or request). */
export async function blockUser(userId: string): Promise<void> {
  await api(`/blocks/${person(userId)}`, { method: "PUT" });
}

/** Unblocks `userId`. */
export async function unblockUser(userId: string): Promise<void> {
  await api(`/blocks/${person(userId)}`, { method: "DELETE" });
}

/** My friends and requests now. */
export function loadFriends(): Promise<FriendLists> {
  return api<FriendLists>("/friends");
}

/** Everyone I blocked now. */
export function loadBlocks(): Promise<BlockedPerson[]> {
  return api<BlockedPerson[]>("/blocks");
}

/** Opens (or finds) the DM with `username` and answers its page's path. */
export async function dmPath(username: string): Promise<string> {
  const opened = await api<{ id: string }>("/dms", {
    method: "POST",
    body: { usernames: [username] },
  });
  return `/c/${encodeURIComponent(opened.id)}`;
}

/** Signals a page keeps of friends and blocks. */
export interface PeopleState {
  friendRequests: { value: number };
  blocked: { value: Set<string> };
}

/** Reloads the request count and the block list after the server said they changed. */
export async function refreshPeople(state: PeopleState): Promise<void> {
  try {
    const [lists, blocks] = await Promise.all([loadFriends(), loadBlocks()]);
    state.friendRequests.value = lists.incoming.length;
    state.blocked.value = new Set(blocks.map((b) => b.id));
  } catch {
    // Offline for a moment: the next change or page load catches up.
  }
}
