/**
 * What an export writes per person beyond their account and memberships:
 * notification settings, and the Web Push key pair with the subscriptions
 * made for it.
 */
import type { StoredNotificationSetting } from "../db/notifications.ts";
import {
  notificationSettingsPrefix,
  pushKeysKey,
  pushSubscriptionsPrefix,
} from "./_keys.ts";
import { readMany, scan } from "./_kv_read.ts";
import type { BackupRecord } from "./format.ts";

/** Writes one checked record of the backup. */
type Emit = (value: BackupRecord) => Promise<void>;

/**
 * Writes the settings of exported members only (`members` holds
 * "channelId\nuserId"): a leave deletes the setting, so one without an
 * exported membership is stale.
 */
export async function exportNotificationSettings(
  kv: Deno.Kv,
  users: Iterable<string>,
  members: ReadonlySet<string>,
  record: Emit,
): Promise<void> {
  for (const userId of users) {
    for await (
      const entry of scan<StoredNotificationSetting>(kv, {
        prefix: notificationSettingsPrefix(userId),
      })
    ) {
      const channelId = String(entry.key[2]);
      if (!members.has(`${channelId}\n${userId}`)) continue;
      await record({
        type: "notification_setting",
        userId,
        channelId,
        level: entry.value.level,
        muted: entry.value.muted,
      });
    }
  }
}

/**
 * Writes the VAPID key pair and then the subscriptions of exported users;
 * without a pair, no subscription (it could not be pushed to).
 */
export async function exportPush(
  kv: Deno.Kv,
  users: Iterable<string>,
  record: Emit,
): Promise<void> {
  const [keys] = await readMany(kv, [pushKeysKey]);
  if (keys.value === null) return;
  await record({ type: "push_keys", keys: keys.value } as BackupRecord);
  for (const userId of users) {
    for await (
      const entry of scan<unknown>(kv, {
        prefix: pushSubscriptionsPrefix(userId),
      })
    ) {
      await record(
        {
          type: "push_subscription",
          subscription: entry.value,
        } as BackupRecord,
      );
    }
  }
}
