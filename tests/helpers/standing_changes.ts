/**
 * A member's standing in a channel changed in each way it can be (signing
 * out, leaving, being removed, being banned), with one kind of request asked
 * after each change. Routes that take a caller's standing from memory must
 * still refuse the very next request; the page of history and the post share
 * this walk.
 */
import assert from "node:assert/strict";
import {
  type Account,
  type Api,
  createChannel,
  request,
  signIn,
  signUp,
  uniqueName,
} from "./api.ts";

/** The people and channel of a walk. */
export interface StandingWalk {
  base: string;
  owner: Account & { api: Api };
  /** The member whose standing changes. */
  bo: Account & { api: Api };
  /** Bo's second token, which outlives the first one's sign-out. */
  other: string;
  roomId: string;
}

/** The request a walk checks, and how to make its standing remembered. */
export interface StandingProbe {
  /** Asks as the route's memory needs so that `token`'s standing is remembered, asserting it is let in. */
  warm(walk: StandingWalk, token: string): Promise<void>;
  /** Asks once. */
  ask(
    walk: StandingWalk,
    token: string,
  ): Promise<{ status: number; body: { code?: string } }>;
  /** More changes, made after the removal and before the ban (Bo is a member again). */
  beforeBan?(walk: StandingWalk): Promise<void>;
}

/** Walks Bo through sign-out, leave, removal and ban, checking `probe` after each; returns the walk for more. */
export async function walkStandingChanges(
  base: string,
  probe: StandingProbe,
): Promise<StandingWalk> {
  const owner = await signUp(base, uniqueName("owner"));
  const bo = await signUp(base, uniqueName("bo"));
  const room = await createChannel(owner.api, uniqueName("room"));
  const join = async (token: string) => {
    const joined = await request(base, "POST", `/channels/${room.id}/join`, {
      token,
    });
    assert.equal(joined.status < 300, true, JSON.stringify(joined.body));
  };
  await join(bo.token);
  const walk: StandingWalk = {
    base,
    owner,
    bo,
    other: await signIn(base, bo.username, bo.password),
    roomId: room.id,
  };
  const { other } = walk;

  // Sign-out: that token stops, another of the same person does not.
  await probe.warm(walk, bo.token);
  await probe.warm(walk, other);
  const out = await request(base, "POST", "/auth/logout", { token: bo.token });
  assert.equal(out.status, 204);
  assert.equal((await probe.ask(walk, bo.token)).status, 401);
  await probe.warm(walk, other);

  // Leaving.
  const left = await request(base, "POST", `/channels/${room.id}/leave`, {
    token: other,
  });
  assert.equal(left.status, 204);
  const afterLeave = await probe.ask(walk, other);
  assert.equal(afterLeave.status, 403);
  assert.equal(afterLeave.body.code, "not_member");

  // Removed by the owner.
  await join(other);
  await probe.warm(walk, other);
  const removed = await owner.api.send(
    "DELETE",
    `/channels/${room.id}/members/${bo.id}`,
    {},
  );
  assert.equal(removed.status, 204);
  assert.equal((await probe.ask(walk, other)).status, 403);

  await join(other);
  await probe.warm(walk, other);
  await probe.beforeBan?.(walk);

  // Banned.
  const banned = await owner.api.send("PUT", `/bans/${bo.id}`, { json: {} });
  assert.equal(banned.status, 200);
  assert.equal((await probe.ask(walk, other)).status, 401);
  return walk;
}
