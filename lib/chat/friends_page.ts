/** Use case of the friends page: what `/friends` renders on the server. */
import type { User } from "../db/users.ts";
import type { Services } from "../services.ts";
import { countIncoming } from "../db/friends.ts";
import { blockedIds, type BlockedView, listBlocked } from "./blocks.ts";
import { type FriendLists, listFriends } from "./friends.ts";

/** What `/friends` renders: who I am, my lists, and whom I blocked. */
export interface FriendsPageData {
  me: { id: string; username: string; displayName: string };
  lists: FriendLists;
  blocked: BlockedView[];
}

/** The data of `/friends` for `user`. */
export async function loadFriendsPage(
  services: Services,
  user: User,
): Promise<FriendsPageData> {
  const [lists, blocked] = await Promise.all([
    listFriends(services, user),
    listBlocked(services, user),
  ]);
  const { id, username, displayName } = user;
  return { me: { id, username, displayName }, lists, blocked };
}

/** What every chat page carries of friends and blocks: the badge's count, and whom to collapse. */
export async function peopleOfPage(
  services: Services,
  user: User,
): Promise<{ friendRequests: number; blockedIds: string[] }> {
  const [friendRequests, blocked] = await Promise.all([
    countIncoming(services.kv, user.id),
    blockedIds(services, user),
  ]);
  return { friendRequests, blockedIds: blocked };
}
