/** Use case: search the messages of the channels I am in now. */
import { isDm } from "../db/_channel_store.ts";
import type { User } from "../db/users.ts";
import { searchChannel } from "../db/search.ts";
import type { Services } from "../services.ts";
import {
  formatSearchCursor,
  type SearchCursor,
  type searchQuery,
} from "../shared/requests.ts";
import { DEFAULT_SEARCH_PAGE } from "../shared/search_text.ts";
import type { Message, SearchPage } from "../shared/wire.ts";
import { ChannelMember } from "./standing.ts";
import type { z } from "zod";

/** A parsed `GET /search` query. */
export type SearchRequest = z.output<typeof searchQuery>;

// Channels searched at once, so one person in many channels cannot flood KV.
const CHANNELS_AT_ONCE = 8;

// Newest first across channels: by time, then channel, then seq.
function newer(a: SearchCursor, b: SearchCursor): number {
  if (a.createdAt !== b.createdAt) return a.createdAt > b.createdAt ? -1 : 1;
  if (a.channelId !== b.channelId) return a.channelId > b.channelId ? -1 : 1;
  return b.seq - a.seq;
}

const cursorOf = (r: Message): SearchCursor => ({
  createdAt: r.createdAt,
  channelId: r.channelId,
  seq: r.seq,
});

/**
 * The newest matches of `request.q` in the channels `user` is in now (or in
 * `request.channelId` alone: 404/403 when it is not theirs), newest first.
 * Who may read what is decided once, by the member standings.
 */
export async function searchMessages(
  services: Services,
  user: User,
  request: SearchRequest,
): Promise<SearchPage> {
  const members = request.channelId === undefined
    ? await ChannelMember.everywhere(services, user)
    : [await ChannelMember.check(services, request.channelId, user)];
  const limit = request.limit ?? DEFAULT_SEARCH_PAGE;
  const before = request.before;
  const from = request.from?.toLowerCase();
  const accept = (r: Message) =>
    (from === undefined || r.author.username.toLowerCase() === from) &&
    (request.has === undefined || r.file !== null) &&
    (before === undefined || newer(cursorOf(r), before) > 0);
  const found: { record: Message; member: ChannelMember }[] = [];
  for (let i = 0; i < members.length; i += CHANNELS_AT_ONCE) {
    await Promise.all(
      members.slice(i, i + CHANNELS_AT_ONCE).map(async (member) => {
        const records = await searchChannel(
          services.kv,
          services.search,
          member.channelId,
          {
            text: request.q,
            limit,
            beforeSeq: before?.channelId === member.channelId
              ? before.seq
              : undefined,
            accept,
          },
        );
        for (const record of records) found.push({ record, member });
      }),
    );
  }
  found.sort((a, b) => newer(cursorOf(a.record), cursorOf(b.record)));
  const page = found.slice(0, limit);
  return {
    results: page.map(({ record, member }) => ({
      message: record,
      channel: {
        id: member.channel.id,
        name: member.channel.name,
        kind: isDm(member.channel) ? "dm" : "channel",
      },
    })),
    next: found.length > limit || page.length === limit
      ? formatSearchCursor(cursorOf(page[page.length - 1].record))
      : null,
  };
}
