/**
 * The rules for what a backup carries of integrations: a bot's record comes
 * after its account (a user line with a bot credential), once, made by a
 * user and hearing only channels of the backup; an incoming webhook belongs
 * to a channel of the backup, made by a user, at most the per-channel cap.
 */
import { MAX_CHANNEL_WEBHOOKS } from "../shared/integrations.ts";
import type { Known } from "./_extras_checker.ts";
import type { BackupCounts, RecordOf } from "./format.ts";

/** The records these rules cover. */
export type IntegrationRecord = RecordOf<"bot" | "webhook">;

/** Checks bot records and incoming webhooks one by one. */
export class IntegrationsChecker {
  #botAccounts = new Set<string>();
  #bots = new Set<string>();
  #webhooks = new Set<string>();
  #perChannel = new Map<string, number>();

  /** Notes a user line that is a bot's account. */
  user(user: { id: string }): void {
    const bot = (user as { bot?: unknown }).bot;
    if (typeof bot === "object" && bot !== null) this.#botAccounts.add(user.id);
  }

  /** Checks `record` against what came before, and counts it. */
  accept(record: IntegrationRecord, counts: BackupCounts, known: Known): void {
    const { fail } = known;
    if (record.type === "bot") {
      const { id, createdBy, webhook } = record.bot;
      if (!this.#botAccounts.has(id)) {
        fail(`bot "${id}" has no bot account before this line`);
      }
      if (this.#bots.has(id)) fail(`bot "${id}" appears twice`);
      known.requireUser(createdBy);
      for (const channelId of webhook?.channelIds ?? []) {
        known.requireChannel(channelId);
      }
      this.#bots.add(id);
      counts.bots++;
      return;
    }
    const { id, channelId, createdBy } = record.webhook;
    if (this.#webhooks.has(id)) fail(`webhook "${id}" appears twice`);
    known.requireChannel(channelId);
    known.requireUser(createdBy);
    const inChannel = (this.#perChannel.get(channelId) ?? 0) + 1;
    if (inChannel > MAX_CHANNEL_WEBHOOKS) {
      fail(
        `channel "${channelId}" has more than ${MAX_CHANNEL_WEBHOOKS} webhooks`,
      );
    }
    this.#perChannel.set(channelId, inChannel);
    this.#webhooks.add(id);
    counts.webhooks++;
  }
}
