/**
 * The relay between instances that share only a KV database (separate
 * isolates on Deno Deploy, processes on one KV Connect database): each
 * instance watches, for every channel it has listeners for, the channel's
 * message counter and its relay stream's head (`kv.watch`, ten keys a call,
 * see `_watch_plan.ts`), and the control stream's head. When one moves it
 * reads, from where it stands, the messages and changes it has not delivered
 * (in seq order, then rev order) and the stream entries others wrote, and
 * hands them to its hub like the events it publishes itself. Messages are
 * never written twice: they are read from where they are stored.
 */
import { counterOf } from "../db/messages.ts";
import {
  channelCounterKey,
  CONTROL_STREAM,
  readRelayEntries,
  type RelayEntry,
  relayHeadValue,
  relayStreamHead,
} from "../db/relay_log.ts";
import { errorFields, log } from "../log.ts";
import type { ControlMessage, HubEvent } from "./hub_events.ts";
import {
  controlFromText,
  eventFromFrameText,
  type RelayReceiver,
} from "./_relay.ts";
import { RelayOutbox } from "./_kv_relay_outbox.ts";
import { WatchPlan } from "./_watch_plan.ts";
import { type Watch, watchKeys } from "./_kv_watch.ts";
import { type MessageCursor, readMessages } from "./_kv_relay_reads.ts";

// A catch-up whose read failed runs again after this long.
const RETRY_MS = 1000;

// Where one watched channel (or the control stream) stands.
interface Cursor extends MessageCursor {
  // The last stream entry handled.
  entry: number;
  // The start could not be read: the first watch's values are the start.
  unset: boolean;
  // The newest counter and stream head seen by a watch.
  seenSeq: number;
  seenEntry: number;
  ready: Promise<void>;
  // A catch-up is running; `again` asks it for one more round.
  running: boolean;
  again: boolean;
}

/** Relays a hub's live events and control messages through KV. */
export class KvRelay {
  #kv: Deno.Kv;
  #receiver: RelayReceiver;
  #origin = crypto.randomUUID();
  #outbox: RelayOutbox;
  #plan = new WatchPlan(2);
  #channels = new Map<string, Cursor>();
  #watches = new Map<number, Watch>();
  #changed = new Set<number>();
  #control: Cursor;
  #controlWatch: Watch;
  #closed = false;

  /** Starts watching the control stream of `kv`; channels are added by `watch`. */
  constructor(kv: Deno.Kv, receiver: RelayReceiver) {
    this.#kv = kv;
    this.#receiver = receiver;
    this.#outbox = new RelayOutbox(kv, this.#origin);
    this.#control = this.#cursor([relayStreamHead(CONTROL_STREAM)]);
    this.#controlWatch = watchKeys(
      this.#kv,
      [relayStreamHead(CONTROL_STREAM)],
      ([head]) => {
        seeEntry(this.#control, head.value);
        this.#catchUp(CONTROL_STREAM, this.#control);
      },
    );
  }

  /** Starts delivering `channelId`'s events from now on. */
  watch(channelId: string): void {
    if (this.#closed || this.#channels.has(channelId)) return;
    this.#channels.set(
      channelId,
      this.#cursor([
        channelCounterKey(channelId),
        relayStreamHead(channelId),
      ]),
    );
    this.#replan(this.#plan.add(channelId));
  }

  /** Whether `channelId`'s events are being read back here. */
  watches(channelId: string): boolean {
    return this.#channels.has(channelId);
  }

  /** Stops delivering `channelId` (no listener here any more). */
  unwatch(channelId: string): void {
    if (!this.#channels.delete(channelId)) return;
    this.#replan(this.#plan.remove(channelId));
  }

  /** Sends a channel event other than a message to the other instances. */
  publish(channelId: string, event: HubEvent, id: string): void {
    if (this.#closed) return;
    this.#outbox.push(channelId, { id, text: event.frameText });
  }

  /** Sends a control message to the other instances. */
  announce(message: ControlMessage, id: string): void {
    if (this.#closed) return;
    this.#outbox.push(CONTROL_STREAM, { id, text: JSON.stringify(message) });
  }

  /** Resolves once what was published so far is written to KV. */
  settled(): Promise<void> {
    return this.#outbox.settled();
  }

  /** Stops every watch; nothing is delivered after this. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#controlWatch.stop();
    for (const watch of this.#watches.values()) watch.stop();
    this.#watches.clear();
    this.#channels.clear();
  }

  // A cursor starts where the store stands when the channel is first wanted,
  // read at once so that what is written while its watch opens is not missed.
  #cursor(keys: Deno.KvKey[]): Cursor {
    const cursor: Cursor = {
      seq: 0,
      rev: 0,
      entry: 0,
      unset: false,
      seenSeq: 0,
      seenRev: 0,
      seenEntry: 0,
      ready: Promise.resolve(),
      running: false,
      again: false,
    };
    // A watch may report before this read lands: what it saw is newer.
    cursor.ready = this.#kv.getMany(keys).then((entries) => {
      const head = relayHeadValue(entries[entries.length - 1].value);
      cursor.entry = head;
      cursor.seenEntry = Math.max(cursor.seenEntry, head);
      if (entries.length === 2) {
        const counter = counterOf(entries[0].value);
        cursor.seq = counter.seq;
        cursor.rev = counter.rev;
        cursor.seenRev = Math.max(cursor.seenRev, counter.rev);
      }
    }).catch((err) => {
      cursor.unset = true;
      log("warn", "kv relay starts from its first watch", errorFields(err));
    });
    return cursor;
  }

  // Restarts the changed groups' watches once per turn, however many
  // channels came or went in it.
  #replan(group: number | null): void {
    if (group === null || this.#closed) return;
    if (this.#changed.size === 0) queueMicrotask(() => this.#applyPlan());
    this.#changed.add(group);
  }

  #applyPlan(): void {
    const groups = [...this.#changed];
    this.#changed.clear();
    if (this.#closed) return;
    for (const group of groups) {
      this.#watches.get(group)?.stop();
      this.#watches.delete(group);
      const channels = this.#plan.items(group);
      if (channels.length === 0) continue;
      const keys = channels.flatMap((id) => [
        channelCounterKey(id),
        relayStreamHead(id),
      ]);
      this.#watches.set(
        group,
        watchKeys(this.#kv, keys, (entries) => {
          channels.forEach((channelId, i) => {
            const cursor = this.#channels.get(channelId);
            if (!cursor) return;
            const counter = counterOf(entries[2 * i].value);
            cursor.seenSeq = counter.seq;
            cursor.seenRev = counter.rev;
            seeEntry(cursor, entries[2 * i + 1].value);
            this.#catchUp(channelId, cursor);
          });
        }),
      );
    }
  }

  // Runs one catch-up at a time per stream; a move seen meanwhile runs another.
  async #catchUp(stream: string, cursor: Cursor): Promise<void> {
    if (cursor.running) {
      cursor.again = true;
      return;
    }
    cursor.running = true;
    try {
      await cursor.ready;
      if (cursor.unset) {
        cursor.unset = false;
        cursor.seq = cursor.seenSeq;
        cursor.rev = cursor.seenRev;
        cursor.entry = cursor.seenEntry;
      }
      do {
        cursor.again = false;
        if (!this.#wanted(stream, cursor)) return;
        if (stream !== CONTROL_STREAM && cursor.seenRev > cursor.rev) {
          await readMessages(
            this.#kv,
            stream,
            cursor,
            (event) => this.#receiver.event(stream, event),
            () => this.#wanted(stream, cursor),
          );
        }
        if (cursor.seenEntry > cursor.entry) {
          await this.#readEntries(stream, cursor);
        }
      } while (cursor.again);
    } catch (err) {
      log("error", "kv relay could not read what it was told of", {
        stream,
        ...errorFields(err),
      });
      // Tried again from the same cursor, unless the head moves first.
      setTimeout(() => this.#catchUp(stream, cursor), RETRY_MS);
    } finally {
      cursor.running = false;
    }
  }

  #wanted(stream: string, cursor: Cursor): boolean {
    if (this.#closed) return false;
    return stream === CONTROL_STREAM
      ? cursor === this.#control
      : this.#channels.get(stream) === cursor;
  }

  async #readEntries(stream: string, cursor: Cursor): Promise<void> {
    const rows = await readRelayEntries(this.#kv, stream, cursor.entry);
    if (!this.#wanted(stream, cursor)) return;
    for (const { n, entry } of rows) {
      cursor.entry = n;
      if (entry.origin !== this.#origin) this.#deliverEntry(stream, entry);
    }
  }

  #deliverEntry(stream: string, entry: RelayEntry): void {
    for (const item of entry.items ?? []) {
      if (stream === CONTROL_STREAM) {
        const message = controlFromText(item.text);
        if (message) this.#receiver.control(message, item.id);
        else log("error", "kv relay dropped a malformed control item");
      } else {
        const event = eventFromFrameText(item.text);
        if (event) this.#receiver.event(stream, event, item.id);
        else log("error", "kv relay dropped a malformed event");
      }
    }
  }
}

// Notes a stream head a watch reported. Heads only grow, unless one expired
// and was written again: then its entries start over from 1.
function seeEntry(cursor: Cursor, value: unknown): void {
  const head = relayHeadValue(value);
  if (head < cursor.seenEntry) cursor.entry = 0;
  cursor.seenEntry = head;
}
