/**
 * What a hub has delivered of each channel's messages, when the same message
 * can reach it twice: published here and read back by the KV relay, or heard
 * over both relays. A message passes once per seq, a change once per rev (and
 * never after a later one of the same message), whichever way came first.
 * Bounded: it remembers a window of recent seqs per channel.
 */
import type { HubEvent } from "./hub_events.ts";

// Seqs this far below the newest are taken as delivered: a socket that far
// behind catches up from the store anyway.
const SEQ_WINDOW = 4096;
// Messages whose last delivered rev is remembered, per channel.
const REV_MEMORY = 4096;

interface ChannelLedger {
  newest: number;
  seqs: Set<number>;
  revs: Map<number, number>;
}

/** Admits each message and each change of a message once. */
export class DeliveryLedger {
  #channels = new Map<string, ChannelLedger>();

  /** Whether `event` is new here (and, if so, records it); other kinds always pass. */
  admit(channelId: string, event: HubEvent): boolean {
    if (event.kind !== "message" && event.kind !== "update") return true;
    let ledger = this.#channels.get(channelId);
    if (!ledger) {
      ledger = { newest: 0, seqs: new Set(), revs: new Map() };
      this.#channels.set(channelId, ledger);
    }
    const { seq } = event;
    const rev = event.message.rev;
    if (event.kind === "message") {
      if (seq <= ledger.newest - SEQ_WINDOW || ledger.seqs.has(seq)) {
        return false;
      }
      ledger.seqs.add(seq);
      if (seq > ledger.newest) {
        ledger.newest = seq;
        forgetBelow(ledger.seqs, seq - SEQ_WINDOW);
      }
      // A later change read back at the same rev is then no news.
      if ((ledger.revs.get(seq) ?? 0) < rev) remember(ledger.revs, seq, rev);
      return true;
    }
    if ((ledger.revs.get(seq) ?? 0) >= rev) return false;
    remember(ledger.revs, seq, rev);
    return true;
  }

  /** Forgets a channel nobody here listens to any more. */
  forget(channelId: string): void {
    this.#channels.delete(channelId);
  }
}

// Seqs are added mostly in order, so the oldest are at the front.
function forgetBelow(seqs: Set<number>, floor: number): void {
  for (const seq of seqs) {
    if (seq > floor) {
      if (seqs.size <= 2 * SEQ_WINDOW) return;
      continue;
    }
    seqs.delete(seq);
  }
}

function remember(revs: Map<number, number>, seq: number, rev: number): void {
  revs.delete(seq);
  revs.set(seq, rev);
  if (revs.size > REV_MEMORY) revs.delete(revs.keys().next().value!);
}
