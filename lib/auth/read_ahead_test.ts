import assert from "node:assert/strict";
import { account, withServices } from "../chat/_test_services.ts";
import { channelMember } from "../chat/standing.ts";
import { createChannel } from "../db/channels.ts";
import { countReads } from "../db/_test_utils.ts";
import { joinChannel, leaveChannel } from "../db/members.ts";
import { authenticateToken } from "./session.ts";
import { signToken } from "./token.ts";

Deno.test("a channel's membership is read with the token: one KV read for both checks, taken once", () =>
  withServices(async (services) => {
    const alice = await account(services, "alice");
    const team = await createChannel(services.kv, alice.id, { name: "team" });
    const { token } = await signToken(services.signingKey, alice.id, 60);
    const reads = await countReads(services.kv, async () => {
      const session = await authenticateToken(services, token, team.id);
      const member = await channelMember(services, team.id, session!.user);
      assert.equal(member.channelId, team.id);
      // The stamp the page cache compares came with it.
      assert.notEqual(member.historyStamp, undefined);
    });
    assert.equal(reads, 1);
    // Used once: a second check of the same request reads again.
    const session = await authenticateToken(services, token, team.id);
    await channelMember(services, team.id, session!.user);
    assert.equal(
      await countReads(services.kv, async () => {
        await channelMember(services, team.id, session!.user);
      }),
      1,
    );
  }));

Deno.test("a membership read ahead is judged by the same rules, and only for its own channel", () =>
  withServices(async (services) => {
    const alice = await account(services, "alice");
    const bob = await account(services, "bob");
    const team = await createChannel(services.kv, alice.id, { name: "team" });
    const other = await createChannel(services.kv, alice.id, { name: "other" });
    const { token } = await signToken(services.signingKey, bob.id, 60);
    // Not a member: still 403 from the read ahead.
    let session = await authenticateToken(services, token, team.id);
    await assert.rejects(channelMember(services, team.id, session!.user), {
      status: 403,
      code: "not_member",
    });
    // An unknown channel: 404, whatever was read ahead.
    session = await authenticateToken(services, token, "missing");
    await assert.rejects(channelMember(services, "missing", session!.user), {
      status: 404,
    });
    // Read ahead for one channel, checked for another: that one is read.
    await joinChannel(services.kv, team.id, bob.id);
    session = await authenticateToken(services, token, other.id);
    const member = await channelMember(services, team.id, session!.user);
    assert.equal(member.channelId, team.id);
    // A membership ended before a later request's read ahead is seen by it.
    await leaveChannel(services.kv, team.id, bob.id);
    session = await authenticateToken(services, token, team.id);
    await assert.rejects(channelMember(services, team.id, session!.user), {
      status: 403,
    });
  }));
