/**
 * Writes a batch of drafts with consecutive seqs in one atomic, checked on the
 * channel's counter: at once from a remembered head (no reads), else the slow
 * way, which reads the counter and the clientId index and retries.
 */
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
  messageClientIdKey,
  messageKey,
  unreferencedFileKey,
} from "./_keys.ts";
import { commit, getManyChunked, now, retryAtomic } from "./_kv.ts";
import {
  type CreateMessageResult,
  type Draft,
  type MessageRecord,
  toMessage,
} from "./_message_record.ts";
import type { Message } from "./messages.ts";
import { clientIdRow, messageRow, seqCounterRow, stageRows } from "./rows.ts";

/** Writes drafts with consecutive seqs in one atomic, checked on the counter. */
export async function commitBatch(
  kv: Deno.Kv,
  channelId: string,
  drafts: Draft[],
): Promise<CreateMessageResult[]> {
  const head = headOf(kv, channelId);
  if (head !== undefined) {
    const fast = await commitOnHead(kv, channelId, drafts, head);
    if (fast !== null) return fast;
    forgetHead(kv, channelId);
  }
  return await retryAtomic("the message", async () => {
    const [channel, counter] = await kv.getMany<[unknown, number]>([
      channelKey(channelId),
      channelSeqKey(channelId),
    ]);
    if (channel.value === null) throw channelNotFound(channelId);
    const earlier = await findByClientId(kv, channelId, drafts);
    const start = {
      seq: counter.value ?? 0,
      versionstamp: counter.versionstamp,
    };
    const op = kv.atomic().check(counter);
    const { results, seq } = stage(op, channelId, drafts, start.seq, earlier);
    if (seq === start.seq) {
      rememberHead(kv, channelId, start);
      return { value: results };
    }
    // The check on the counter covers the clientId index too: both only ever
    // change in the same atomic, so an unchanged counter means no new twins.
    return {
      op,
      value: results,
      committed: (versionstamp) =>
        rememberHead(kv, channelId, { seq, versionstamp }),
    };
  });
}

// One attempt with no reads, from a remembered head; null when a check failed.
async function commitOnHead(
  kv: Deno.Kv,
  channelId: string,
  drafts: Draft[],
  head: Head,
): Promise<CreateMessageResult[] | null> {
  const op = kv.atomic().check({
    key: channelSeqKey(channelId),
    versionstamp: head.versionstamp,
  });
  const { results, seq, claimed } = stage(
    op,
    channelId,
    drafts,
    head.seq,
    new Map(),
  );
  // A clientId already in the index fails the commit: its twin is read then.
  for (const key of claimed) op.check({ key, versionstamp: null });
  const result = await commit(op);
  if (!result.ok) return null;
  rememberHead(kv, channelId, { seq, versionstamp: result.versionstamp });
  return results;
}

/**
 * Adds the drafts to `op` with seqs after `seq`, the counter included when any
 * is new. Drafts whose clientId is in `earlier` (or repeats one in the batch)
 * get that message instead. Returns the clientId index keys it wrote.
 */
function stage(
  op: Deno.AtomicOperation,
  channelId: string,
  drafts: Draft[],
  startSeq: number,
  earlier: Map<string, Message>,
): { results: CreateMessageResult[]; seq: number; claimed: Deno.KvKey[] } {
  const results: CreateMessageResult[] = [];
  const claimed: Deno.KvKey[] = [];
  let seq = startSeq;
  for (const draft of drafts) {
    const idKey = clientKey(draft);
    const twin = idKey === null ? undefined : earlier.get(idKey);
    if (twin !== undefined) {
      results.push({ message: twin, created: false });
      continue;
    }
    seq += 1;
    const record: MessageRecord = {
      id: draft.id,
      channelId,
      seq,
      author: draft.author,
      content: draft.content,
      createdAt: now(),
      ...(draft.clientId === undefined ? {} : { clientId: draft.clientId }),
      file: draft.file,
    };
    const rows = [messageRow(record)];
    const message = toMessage(record);
    if (idKey !== null) {
      const row = clientIdRow(channelId, draft.author.id, draft.clientId!, seq);
      rows.push(row);
      claimed.push(row.key);
      // A repeat inside the same batch gets this message, not a second one.
      earlier.set(idKey, message);
    }
    stageRows(op, rows);
    // From now on a message points at the file: the sweeper must leave it.
    if (draft.file !== null) op.delete(unreferencedFileKey(draft.file.id));
    results.push({ message, created: true });
  }
  if (seq !== startSeq) stageRows(op, [seqCounterRow(channelId, seq)]);
  return { results, seq, claimed };
}

function clientKey(draft: Draft): string | null {
  return draft.clientId === undefined
    ? null
    : `${draft.author.id}\n${draft.clientId}`;
}

/** Stored messages of drafts whose clientId was already used, by clientKey. */
async function findByClientId(
  kv: Deno.Kv,
  channelId: string,
  drafts: Draft[],
): Promise<Map<string, Message>> {
  const found = new Map<string, Message>();
  const withId = drafts.filter((d) => d.clientId !== undefined);
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
    if (record !== null) found.set(clientKey(hit.draft)!, toMessage(record));
  });
  return found;
}
