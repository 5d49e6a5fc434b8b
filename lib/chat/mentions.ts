/** Use case: the messages that mention me, from the channels I am in now. */
import { listUserChannelIds } from "../db/channels.ts";
import { listMentions } from "../db/mentions.ts";
import type { User } from "../db/users.ts";
import type { Services } from "../services.ts";
import { DEFAULT_PAGE_SIZE } from "../shared/limits.ts";
import type { Message } from "../shared/wire.ts";

/** The newest `limit` messages mentioning `user`, newest first, only from channels they are in. */
export async function recentMentions(
  services: Services,
  user: User,
  limit = DEFAULT_PAGE_SIZE,
): Promise<Message[]> {
  const channelIds = new Set(await listUserChannelIds(services.kv, user.id));
  return await listMentions(services.kv, user.id, channelIds, limit);
}
