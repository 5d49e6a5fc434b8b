/**
 * What a batch reads before it plans its changes (on the slow path): the
 * channel's counter, the messages the changes touch or answer, the replies
 * whose quotes they refresh, the messages of clientIds already used, and who
 * the `@names` are.
 */
import { MAX_REPLIES_REFRESHED } from "../shared/limits.ts";
import type { Message } from "../shared/wire.ts";
import { channelNotFound } from "./_channel_store.ts";
import {
  channelKey,
  channelSeqKey,
  memberKey,
  messageClientIdKey,
  messageKey,
  messageRepliesPrefix,
  userNameKey,
} from "./_keys.ts";
import { getManyChunked } from "./_kv.ts";
import { type BatchState, type Change, clientKey } from "./_message_changes.ts";
import {
  type ChannelCounter,
  counterOf,
  type MessageRecord,
  toMessage,
} from "./_message_record.ts";

/** A batch's view of a channel that nothing has been read into yet. */
export function emptyState(
  channelId: string,
  counter: ChannelCounter,
): BatchState {
  return {
    channelId,
    counter: { seq: counter.seq, rev: counter.rev },
    records: new Map(),
    replies: new Map(),
    earlier: new Map(),
    claimed: [],
    people: new Map(),
  };
}

/**
 * The counter (and its versionstamp, for the batch's check), then everything
 * the changes read: the messages they change or answer, the replies whose
 * quotes an edit or deletion refreshes, and the messages of clientIds already used.
 */
export async function readState(
  kv: Deno.Kv,
  channelId: string,
  changes: Change[],
): Promise<{ state: BatchState; versionstamp: string | null }> {
  const [channel, counter] = await kv.getMany<[unknown, unknown]>([
    channelKey(channelId),
    channelSeqKey(channelId),
  ]);
  if (channel.value === null) throw channelNotFound(channelId);
  const state = emptyState(channelId, counterOf(counter.value));
  const wanted = new Set<number>();
  const refreshed: number[] = [];
  for (const change of changes) {
    if (change.kind !== "post") {
      wanted.add(change.seq);
      if (change.kind !== "react") refreshed.push(change.seq);
    } else if (change.draft.replyTo !== undefined) {
      wanted.add(change.draft.replyTo);
    }
  }
  const replyLists = await Promise.all(
    [...new Set(refreshed)].map((seq) => listReplies(kv, channelId, seq)),
  );
  for (const [seq, replies] of replyLists) {
    state.replies.set(seq, replies);
    for (const reply of replies) wanted.add(reply);
  }
  const seqs = [...wanted].filter((seq) => seq <= state.counter.seq);
  const [records, earlier, people] = await Promise.all([
    getManyChunked<MessageRecord>(
      kv,
      seqs.map((seq) => messageKey(channelId, seq)),
    ),
    findByClientId(kv, channelId, changes),
    findPeople(kv, channelId, changes),
  ]);
  seqs.forEach((seq, i) => state.records.set(seq, records[i].value));
  state.earlier = earlier;
  state.people = people;
  return { state, versionstamp: counter.versionstamp };
}

// Who the `@names` of the changes are: a member's id, or null. Memberships
// are not under the counter's check; a mention is judged as of this read.
async function findPeople(
  kv: Deno.Kv,
  channelId: string,
  changes: Change[],
): Promise<Map<string, string | null>> {
  const names = [
    ...new Set(
      changes.flatMap((c) =>
        c.kind === "post"
          ? c.draft.mentionNames
          : c.kind === "edit"
          ? c.mentionNames
          : []
      ),
    ),
  ];
  const people = new Map<string, string | null>();
  if (names.length === 0) return people;
  const ids = await getManyChunked<string>(kv, names.map(userNameKey));
  const memberships = await getManyChunked<string>(
    kv,
    ids.map((id) => memberKey(channelId, id.value ?? "")),
  );
  names.forEach((name, i) => {
    const id = ids[i].value;
    people.set(name, id !== null && memberships[i].value !== null ? id : null);
  });
  return people;
}

async function listReplies(
  kv: Deno.Kv,
  channelId: string,
  seq: number,
): Promise<[number, number[]]> {
  const replies: number[] = [];
  const entries = kv.list({ prefix: messageRepliesPrefix(channelId, seq) }, {
    limit: MAX_REPLIES_REFRESHED,
  });
  for await (const entry of entries) replies.push(Number(entry.key[3]));
  return [seq, replies];
}

/** Stored messages of posts whose clientId was already used, by `clientKey`. */
async function findByClientId(
  kv: Deno.Kv,
  channelId: string,
  changes: Change[],
): Promise<Map<string, Message>> {
  const found = new Map<string, Message>();
  const withId = changes.flatMap((c) =>
    c.kind === "post" && c.draft.clientId !== undefined ? [c.draft] : []
  );
  if (withId.length === 0) return found;
  const seqs = await getManyChunked<number>(
    kv,
    withId.map((d) => messageClientIdKey(channelId, d.author.id, d.clientId!)),
  );
  const hits = withId.flatMap((draft, i) => {
    const seq = seqs[i].value;
    return seq === null ? [] : [{ draft, seq }];
  });
  if (hits.length === 0) return found;
  const records = await getManyChunked<MessageRecord>(
    kv,
    hits.map((hit) => messageKey(channelId, hit.seq)),
  );
  hits.forEach((hit, i) => {
    const record = records[i].value;
    if (record !== null) {
      found.set(
        clientKey(hit.draft.author.id, hit.draft.clientId!),
        toMessage(record),
      );
    }
  });
  return found;
}
