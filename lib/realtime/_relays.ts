/**
 * The relays a hub runs, behind one face: the `BroadcastChannel` relay (fast,
 * where the platform has one) and the KV relay (wherever the database is
 * shared), either or both. With both, each event can arrive twice: stored
 * messages pass a delivery ledger (once per seq, once per rev), everything
 * else carries an id that is handled once.
 */
import type { ControlMessage, HubEvent } from "./hub_events.ts";
import { DeliveryLedger } from "./_delivery_ledger.ts";
import { KvRelay } from "./_kv_relay.ts";
import { Relay, type RelayReceiver } from "./_relay.ts";

// Ids of relayed items heard lately; far more than can arrive twice apart.
const SEEN_IDS = 4096;

/** Which relays a hub runs. */
export interface RelayChoice {
  /** The `BroadcastChannel` to join, if any. */
  broadcast?: string;
  /** The database to relay through, if any. */
  kv?: Deno.Kv;
}

/** A hub's relays, with duplicates taken out of what they deliver. */
export class Relays {
  #broadcast: Relay | null = null;
  #kv: KvRelay | null = null;
  #ledger: DeliveryLedger | null = null;
  #seen = new Set<string>();
  #prefix = crypto.randomUUID().slice(0, 8);
  #count = 0;

  /** Starts the chosen relays, handing what they hear (once) to `local`. */
  constructor(choice: RelayChoice, local: RelayReceiver) {
    const receiver: RelayReceiver = {
      event: (channelId, event, id) => {
        if (this.#isRepeat(id)) return;
        if (!this.#admit(channelId, event)) return;
        local.event(channelId, event);
      },
      control: (message, id) => {
        if (!this.#isRepeat(id)) local.control(message);
      },
    };
    if (choice.broadcast !== undefined) {
      this.#broadcast = new Relay(choice.broadcast, receiver);
    }
    if (choice.kv) {
      this.#kv = new KvRelay(choice.kv, receiver);
      // The KV relay reads back what this hub published itself.
      this.#ledger = new DeliveryLedger();
    }
  }

  /**
   * Sends an event this hub publishes to the other instances; false when it
   * was delivered here already (read back from the store first), so it is
   * neither delivered nor sent again.
   */
  send(channelId: string, event: HubEvent): boolean {
    if (!this.#admit(channelId, event)) return false;
    const stored = event.kind === "message" || event.kind === "update";
    const id = stored ? undefined : this.#nextId();
    this.#broadcast?.publish(channelId, event, id);
    // Stored messages reach other instances through the store itself.
    if (!stored) this.#kv?.publish(channelId, event, id!);
    return true;
  }

  /** Sends a control message to the other instances. */
  announce(message: ControlMessage): void {
    const id = this.#nextId();
    this.#broadcast?.announce(message, id);
    this.#kv?.announce(message, id);
  }

  /** A channel got its first local listener: relay its events here. */
  watch(channelId: string): void {
    this.#kv?.watch(channelId);
  }

  /** A channel lost its last local listener. */
  unwatch(channelId: string): void {
    this.#kv?.unwatch(channelId);
    this.#ledger?.forget(channelId);
  }

  /** Resolves once what was sent through KV so far is written. */
  async settled(): Promise<void> {
    await this.#kv?.settled();
  }

  /** Stops every relay. */
  close(): void {
    this.#broadcast?.close();
    this.#kv?.close();
  }

  // Only a channel the KV relay reads back can see a message twice; the
  // ledger keeps no record of the others, so it holds watched channels only.
  #admit(channelId: string, event: HubEvent): boolean {
    if (!this.#ledger || !this.#kv!.watches(channelId)) return true;
    return this.#ledger.admit(channelId, event);
  }

  #nextId(): string {
    return `${this.#prefix}:${++this.#count}`;
  }

  #isRepeat(id: string | undefined): boolean {
    if (id === undefined) return false;
    if (this.#seen.has(id)) return true;
    this.#seen.add(id);
    if (this.#seen.size > SEEN_IDS) {
      this.#seen.delete(this.#seen.values().next().value!);
    }
    return false;
  }
}
