/** Use case: a member chooses what a channel notifies them of. */
import { setNotificationSetting } from "../db/notifications.ts";
import type { NotificationSetting } from "../shared/notifications.ts";
import type { NotificationsBody } from "../shared/requests.ts";
import type { ChannelMember } from "./standing.ts";

/** Sets the member's level and/or mute in their channel; answers the whole setting. */
export function chooseNotifications(
  member: ChannelMember,
  body: NotificationsBody,
): Promise<NotificationSetting> {
  return setNotificationSetting(
    member.services.kv,
    member.channel,
    member.user.id,
    body,
  );
}
