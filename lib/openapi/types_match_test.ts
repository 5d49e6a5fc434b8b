/**
 * The answers' schemas describe exactly what the server's own types hold:
 * a field added to (or dropped from) `User`, `Channel`, a ban, a timeout or
 * an audit entry without its schema fails type-checking here.
 */
import assert from "node:assert/strict";
import type { z } from "zod";
import type { AuditView } from "../chat/audit.ts";
import type { MemberView } from "../chat/membership.ts";
import type { Channel } from "../db/_channel_store.ts";
import type { BanRecord } from "../db/bans.ts";
import type { TimeoutRecord } from "../db/timeouts.ts";
import type { User } from "../db/users.ts";
import type { NotificationSetting } from "../shared/notifications.ts";
import type * as answers from "../shared/response_schemas.ts";

/** `true` when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? [B] extends [A] ? true : false : false;
type Of<T extends z.ZodType> = z.infer<T>;

const matches: true[] = [
  true satisfies Same<User, Of<typeof answers.userSchema>>,
  true satisfies Same<MemberView, Of<typeof answers.memberViewSchema>>,
  true satisfies Same<Channel, Of<typeof answers.channelSchema>>,
  true satisfies Same<BanRecord, Of<typeof answers.banSchema>>,
  true satisfies Same<
    TimeoutRecord & { userId: string },
    Of<typeof answers.timeoutSchema>
  >,
  true satisfies Same<AuditView, Of<typeof answers.auditEntrySchema>>,
  true satisfies Same<
    NotificationSetting,
    Of<typeof answers.notificationSettingSchema>
  >,
];

Deno.test("the answers' schemas match the server's types", () => {
  assert.equal(matches.length, 7);
});
