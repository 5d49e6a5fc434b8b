/**
 * The calls a profile card makes: open a DM, ask to be friends, and the staff
 * actions (remove from a channel, time out, ban, change role). Each throws
 * `ApiFailure` with a sentence to show.
 */
import type { Role } from "../shared/roles.ts";
import { api, ApiFailure, OFFLINE, refusal } from "./api.ts";

const user = (id: string) => encodeURIComponent(id);

/** Opens (or finds) the DM with `username`; answers its page's path. */
export async function openDm(username: string): Promise<string> {
  const opened = await api<{ id: string }>("/dms", {
    method: "POST",
    body: { usernames: [username] },
  });
  return `/c/${encodeURIComponent(opened.id)}`;
}

/**
 * Asks `username` to be friends (`POST /friends`): "sent" for a new request
 * (201), "friends" when they had asked first (200). A block (403) or a
 * request already there (409) throws with the server's words.
 */
export async function addFriend(username: string): Promise<"sent" | "friends"> {
  let response: Response;
  try {
    response = await fetch("/friends", {
      method: "POST",
      headers: {
        accept: "application/json",
        "content-type": "application/json",
      },
      body: JSON.stringify({ username }),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiFailure(0, OFFLINE);
  }
  if (!response.ok) {
    throw await refusal(response);
  }
  await response.body?.cancel();
  return response.status === 201 ? "sent" : "friends";
}

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
