/**
 * Commits a batch of changes to one channel's messages in one atomic, checked
 * on the channel's counter (which every change writes, so the check covers
 * every message the batch read). Posts alone go at once from a remembered
 * head, with no reads; anything else, or a stale head, goes the slow way,
 * which reads the counter and what the changes touch, and retries.
 */
import { ApiError } from "../errors.ts";
import { MAX_REPLIES_REFRESHED } from "../shared/limits.ts";
import type { Message } from "../shared/wire.ts";
import { channelNotFound } from "./_channel_store.ts";
import {
  forgetHead,
  type Head,
  headOf,
  rememberHead,
} from "./_channel_heads.ts";
import {
  channelKey,
  channelSeqKey,
  memberKey,
  messageClientIdKey,
  messageKey,
  messageRepliesPrefix,
  userNameKey,
} from "./_keys.ts";
import { commit, getManyChunked, now, retryAtomic } from "./_kv.ts";
import {
  type BatchState,
  type Change,
  type ChangeResult,
  clientKey,
  planChange,
  type Write,
} from "./_message_changes.ts";
import {
  type ChannelCounter,
  counterOf,
  type MessageRecord,
  toMessage,
} from "./_message_record.ts";

/** A change's outcome: what it did, or why it was refused. */
export type Outcome = ChangeResult | ApiError;

// Far below KV's per-atomic limits (1,000 mutations, 800 KiB), which the
// estimates in `_message_changes.ts` overstate.
const MAX_MUTATIONS = 900;
const MAX_BYTES = 600 * 1024;

/**
 * Commits as many of `changes`, in order, as fit in one atomic (at least the
 * first); answers one outcome for each change taken, so the caller queues the
 * rest again.
 */
export async function commitBatch(
  kv: Deno.Kv,
  channelId: string,
  changes: Change[],
): Promise<Outcome[]> {
  const head = headOf(kv, channelId);
  // Posts that answer or mention someone read what they name.
  const postsOnly = changes.every((c) =>
    c.kind === "post" && c.draft.replyTo === undefined &&
    c.draft.mentionNames.length === 0
  );
  if (head !== undefined && postsOnly) {
    const fast = await commitOnHead(kv, channelId, changes, head);
    if (fast !== null) return fast;
    forgetHead(kv, channelId);
  }
  return await retryAtomic("the message", async () => {
    const { state, versionstamp } = await readState(kv, channelId, changes);
    const start = state.counter;
    const { outcomes, writes } = plan(state, changes);
    if (writes.length === 0) {
      rememberHead(kv, channelId, { ...start, versionstamp });
      return { value: outcomes };
    }
    // The check on the counter covers every row read: every change to a
    // message, its indexes and the clientIds writes the counter in the same atomic.
    const op = kv.atomic().check({
      key: channelSeqKey(channelId),
      versionstamp,
    });
    stage(op, channelId, writes, state.counter);
    return {
      op,
      value: outcomes,
      committed: (stamp) =>
        rememberHead(kv, channelId, { ...state.counter, versionstamp: stamp }),
    };
  });
}

// One attempt with no reads, from a remembered head; null when a check failed.
async function commitOnHead(
  kv: Deno.Kv,
  channelId: string,
  changes: Change[],
  head: Head,
): Promise<Outcome[] | null> {
  const state = emptyState(channelId, head);
  const { outcomes, writes } = plan(state, changes);
  const op = kv.atomic().check({
    key: channelSeqKey(channelId),
    versionstamp: head.versionstamp,
  });
  stage(op, channelId, writes, state.counter);
  // A clientId already in the index fails the commit: its twin is read then.
  for (const key of state.claimed) op.check({ key, versionstamp: null });
  const result = await commit(op);
  if (!result.ok) return null;
  rememberHead(kv, channelId, {
    ...state.counter,
    versionstamp: result.versionstamp,
  });
  return outcomes;
}

// Plans changes in order while they fit; later writes to a key replace earlier ones.
function plan(
  state: BatchState,
  changes: Change[],
): { outcomes: Outcome[]; writes: Write[] } {
  const at = now();
  const outcomes: Outcome[] = [];
  const writes = new Map<string, Write>();
  let bytes = 0;
  for (const change of changes) {
    const planned = planChange(state, change, at);
    if (planned instanceof ApiError) {
      outcomes.push(planned);
      continue;
    }
    const added = planned.writes.reduce((sum, w) => sum + w.bytes, 0);
    if (
      outcomes.length > 0 &&
      (writes.size + planned.writes.length > MAX_MUTATIONS ||
        bytes + added > MAX_BYTES)
    ) break;
    for (const write of planned.writes) {
      writes.set(JSON.stringify(write.key), write);
    }
    bytes += added;
    planned.apply(state);
    outcomes.push(planned.result);
  }
  return { outcomes, writes: [...writes.values()] };
}

function stage(
  op: Deno.AtomicOperation,
  channelId: string,
  writes: Write[],
  counter: ChannelCounter,
): void {
  for (const write of writes) {
    if (write.delete) op.delete(write.key);
    else op.set(write.key, write.value);
  }
  op.set(channelSeqKey(channelId), { seq: counter.seq, rev: counter.rev });
}

function emptyState(channelId: string, counter: ChannelCounter): BatchState {
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

// The counter, then everything the changes read: the messages they change or
// answer, the replies whose quotes an edit or deletion refreshes, and the
// messages of clientIds already used.
async function readState(
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
