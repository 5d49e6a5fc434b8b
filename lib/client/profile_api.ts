/**
 * The staff actions a profile card offers: remove from a channel, time out,
 * ban, change role (opening a DM and asking to be friends are in
 * `friends.ts`). Each throws `ApiFailure` with a sentence to show.
 */
import type { Role } from "../shared/roles.ts";
import { api } from "./api.ts";

const user = (id: string) => encodeURIComponent(id);

/** Takes `userId` out of channel `channelId` (its manager only). */
export async function removeFromChannel(
  channelId: string,
  userId: string,
): Promise<void> {
  await api(
    `/channels/${encodeURIComponent(channelId)}/members/${user(userId)}`,
    { method: "DELETE" },
  );
}

/** Times `userId` out for `seconds`; answers when it ends (ISO 8601). */
export async function timeOut(
  userId: string,
  seconds: number,
): Promise<string> {
  const record = await api<{ until: string }>(`/timeouts/${user(userId)}`, {
    method: "PUT",
    body: { seconds },
  });
  return record.until;
}

/** Lifts `userId`'s timeout. */
export async function liftTimeout(userId: string): Promise<void> {
  await api(`/timeouts/${user(userId)}`, { method: "DELETE" });
}

/** Bans `userId`, with a reason when one is given. */
export async function ban(userId: string, reason: string): Promise<void> {
  await api(`/bans/${user(userId)}`, {
    method: "PUT",
    body: reason.trim() ? { reason: reason.trim() } : {},
  });
}

/** Gives `userId` the role `role`. */
export async function setRole(userId: string, role: Role): Promise<void> {
  await api(`/users/${user(userId)}`, { method: "PATCH", body: { role } });
}
