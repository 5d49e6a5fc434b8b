/** Use cases of direct messages: opening one with 1 to 9 other people. */
import type { Channel } from "../db/channels.ts";
import { openDm } from "../db/dms.ts";
import { getUser, type User } from "../db/users.ts";
import type { Services } from "../services.ts";
import { announceJoin } from "./membership.ts";
import { refuseBlocked } from "./person.ts";
import { refuseTimedOut } from "./standing.ts";

/**
 * Opens the DM of `user` with the people named: a new one (`created`), whose
 * people's open pages all hear of it, or the one those same people already
 * have. Messages, files and the socket then work as in any channel. 403
 * `blocked` when a block stands between the opener and anyone named.
 */
export async function openDirectMessage(
  services: Services,
  user: User,
  usernames: string[],
): Promise<{ channel: Channel; created: boolean }> {
  await refuseTimedOut(services, user);
  const opened = await openDm(
    services.kv,
    user.id,
    usernames,
    (ids) => refuseBlocked(services, user, ids),
  );
  if (opened.created) {
    for (const id of opened.channel.peopleIds ?? []) {
      const person = id === user.id ? user : await getUser(services.kv, id);
      if (person) announceJoin(services, opened.channel, person);
    }
  }
  return opened;
}
