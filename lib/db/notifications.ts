/** A member's notification level and mute per channel. */
import { ApiError } from "../errors.ts";
import {
  defaultLevel,
  type NotificationLevel,
  type NotificationSetting,
} from "../shared/notifications.ts";
import type { ChannelRecord } from "./_channel_store.ts";
import { memberKey, notificationSettingKey } from "./_keys.ts";
import { getManyChunked, retryAtomic } from "./_kv.ts";
import type { KvRow } from "./rows.ts";

/** What is stored: `level` null means the channel's default. */
export interface StoredNotificationSetting {
  level: NotificationLevel | null;
  muted: boolean;
}

/** A change to a member's setting; absent fields stay as they are. */
export interface NotificationPatch {
  level?: NotificationLevel;
  muted?: boolean;
}

/** The setting a member has in `channel`, given what is stored (null: never set). */
export function settingOf(
  channel: { id: string; kind?: string },
  stored: StoredNotificationSetting | null,
): NotificationSetting {
  return {
    notifications: stored?.level ?? defaultLevel(channel),
    muted: stored?.muted ?? false,
  };
}

/**
 * Applies `patch` to `userId`'s setting in `channel` and returns the result.
 * The write checks the membership row, so a setting never outlives a leave
 * that raced it (403 `not_member` then).
 */
export async function setNotificationSetting(
  kv: Deno.Kv,
  channel: ChannelRecord,
  userId: string,
  patch: NotificationPatch,
): Promise<NotificationSetting> {
  const key = notificationSettingKey(userId, channel.id);
  return await retryAtomic("the notification setting", async () => {
    const [member, current] = await kv.getMany<
      [string, StoredNotificationSetting]
    >([memberKey(channel.id, userId), key]);
    if (member.value === null) {
      throw new ApiError(
        403,
        "not_member",
        `You are not a member of channel "${channel.name}"`,
      );
    }
    const next: StoredNotificationSetting = {
      level: patch.level ?? current.value?.level ?? null,
      muted: patch.muted ?? current.value?.muted ?? false,
    };
    const op = kv.atomic().check(member).check(current).set(key, next);
    return { op, value: settingOf(channel, next) };
  });
}

/** The settings of members `userIds` in `channel`, in the same order. */
export async function getNotificationSettings(
  kv: Deno.Kv,
  channel: ChannelRecord,
  userIds: readonly string[],
): Promise<NotificationSetting[]> {
  const entries = await getManyChunked<StoredNotificationSetting>(
    kv,
    userIds.map((id) => notificationSettingKey(id, channel.id)),
  );
  return entries.map((entry) => settingOf(channel, entry.value));
}

/** The row of a member's stored setting, as an import restores it. */
export function notificationSettingRow(
  userId: string,
  channelId: string,
  setting: StoredNotificationSetting,
): KvRow {
  return { key: notificationSettingKey(userId, channelId), value: setting };
}
