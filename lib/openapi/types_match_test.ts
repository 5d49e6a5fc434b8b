/**
 * The answers' schemas describe exactly what the server's own types hold:
 * a field added to (or dropped from) `User`, `Channel`, a ban, a timeout,
 * an audit entry, a friend, a bot or a webhook without its schema fails
 * type-checking here.
 */
import assert from "node:assert/strict";
import type { z } from "zod";
import type { AuditView } from "../chat/audit.ts";
import type { BlockedView } from "../chat/blocks.ts";
import type { BotView, BotWithToken } from "../chat/bots.ts";
import type { FriendLists, FriendView } from "../chat/friends.ts";
import type { MemberPage, MemberView } from "../chat/membership.ts";
import type { WebhookView } from "../chat/webhooks.ts";
import type { Channel } from "../db/_channel_store.ts";
import type { BanRecord } from "../db/bans.ts";
import type { DeliveryRecord } from "../db/deliveries.ts";
import type { TimeoutRecord } from "../db/timeouts.ts";
import type { User } from "../db/users.ts";
import type { NotificationSetting } from "../shared/notifications.ts";
import type * as integrations from "../shared/integration_schemas.ts";
import type * as answers from "../shared/response_schemas.ts";

/** `true` when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? [B] extends [A] ? true : false : false;
type Of<T extends z.ZodType> = z.infer<T>;

const matches: true[] = [
  true satisfies Same<User, Of<typeof answers.userSchema>>,
  true satisfies Same<MemberView, Of<typeof answers.memberViewSchema>>,
  true satisfies Same<MemberPage, Of<typeof answers.memberPageSchema>>,
  true satisfies Same<Channel, Of<typeof answers.channelSchema>>,
  true satisfies Same<BanRecord, Of<typeof answers.banSchema>>,
  true satisfies Same<
    BanRecord & { deletedMessages?: number },
    Of<typeof answers.banResultSchema>
  >,
  true satisfies Same<
    TimeoutRecord & { userId: string },
    Of<typeof answers.timeoutSchema>
  >,
  true satisfies Same<AuditView, Of<typeof answers.auditEntrySchema>>,
  true satisfies Same<
    NotificationSetting,
    Of<typeof answers.notificationSettingSchema>
  >,
  true satisfies Same<FriendView, Of<typeof answers.friendViewSchema>>,
  true satisfies Same<FriendLists, Of<typeof answers.friendListsSchema>>,
  true satisfies Same<BlockedView, Of<typeof answers.blockedViewSchema>>,
  true satisfies Same<BotView, Of<typeof integrations.botSchema>>,
  true satisfies Same<BotWithToken, Of<typeof integrations.botWithTokenSchema>>,
  true satisfies Same<
    BotView & { webhookSecret?: string },
    Of<typeof integrations.botChangedSchema>
  >,
  true satisfies Same<DeliveryRecord, Of<typeof integrations.deliverySchema>>,
  true satisfies Same<WebhookView, Of<typeof integrations.webhookSchema>>,
  true satisfies Same<
    WebhookView & { url: string },
    Of<typeof integrations.webhookCreatedSchema>
  >,
];

Deno.test("the answers' schemas match the server's types", () => {
  assert.equal(matches.length, 18);
});
