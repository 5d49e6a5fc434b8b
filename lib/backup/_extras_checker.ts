/**
 * The rules for what a backup carries per person beyond their account:
 * notification settings (only of members), avatar parts (of the version the
 * user line names, in order) and Web Push (subscriptions only after the key
 * pair they were made for).
 */
import type { BackupCounts, RecordOf } from "./format.ts";

/** The records these rules cover. */
export type ExtraRecord = RecordOf<
  "notification_setting" | "avatar_part" | "push_keys" | "push_subscription"
>;

/** What the main checker knows, as these rules need it. */
export interface Known {
  fail(message: string): never;
  requireUser(id: string): void;
  requireChannel(id: string): void;
  isMember(channelId: string, userId: string): boolean;
}

/** Checks settings, avatar parts and push records one by one. */
export class ExtrasChecker {
  /** Each user's avatar version (from the user line) and the part expected next. */
  #avatars = new Map<string, { version: number; next: number }>();
  #settings = new Set<string>();
  #subscriptions = new Set<string>();

  /** Notes the avatar version a user line names, if any. */
  user(user: { id: string }): void {
    const avatar = (user as { avatar?: { version?: unknown } }).avatar;
    if (typeof avatar?.version === "number") {
      this.#avatars.set(user.id, { version: avatar.version, next: 0 });
    }
  }

  /** Checks `record` against what came before, and counts it. */
  accept(record: ExtraRecord, counts: BackupCounts, known: Known): void {
    const { fail } = known;
    switch (record.type) {
      case "notification_setting": {
        const { userId, channelId } = record;
        known.requireChannel(channelId);
        known.requireUser(userId);
        const what =
          `notification setting of user "${userId}" in channel "${channelId}"`;
        // Settings are deleted on leave: one without its membership is stale.
        if (!known.isMember(channelId, userId)) {
          fail(`${what}, who is not a member`);
        }
        const pair = `${channelId}\n${userId}`;
        if (this.#settings.has(pair)) fail(`${what} appears twice`);
        this.#settings.add(pair);
        counts.notificationSettings++;
        return;
      }
      case "avatar_part": {
        known.requireUser(record.userId);
        const avatar = this.#avatars.get(record.userId);
        if (avatar === undefined || avatar.version !== record.version) {
          return fail(
            `avatar version ${record.version} is not the one user "${record.userId}" has`,
          );
        }
        if (record.n !== avatar.next) {
          fail(`avatar part ${record.n} where ${avatar.next} comes next`);
        }
        avatar.next++;
        counts.avatarParts++;
        return;
      }
      case "push_keys":
        if (counts.pushKeys > 0) fail("a second push key pair");
        counts.pushKeys++;
        return;
      case "push_subscription": {
        const { id, userId } = record.subscription;
        // A subscription is useless without the key it was made for.
        if (counts.pushKeys === 0) {
          fail("a push subscription before the push key pair");
        }
        known.requireUser(userId);
        const key = `${userId}\n${id}`;
        if (this.#subscriptions.has(key)) {
          fail(`push subscription "${id}" appears twice`);
        }
        this.#subscriptions.add(key);
        counts.pushSubscriptions++;
        return;
      }
    }
  }
}
