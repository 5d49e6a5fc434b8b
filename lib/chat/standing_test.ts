import assert from "node:assert/strict";
import { createChannel, getChannel } from "../db/channels.ts";
import { isMember } from "../db/members.ts";
import { account, withServices } from "./_test_services.ts";
import { addPerson, join } from "./membership.ts";
import { postMessage } from "./messages.ts";
import {
  channelJoiner,
  ChannelMember,
  channelMember,
  type ChannelOwner,
  channelOwner,
} from "./standing.ts";

Deno.test("channelMember() proves membership: 404 for unknown channels, 403 for non-members", () =>
  withServices(async (services) => {
    const alice = await account(services, "alice");
    const bob = await account(services, "bob");
    const team = await createChannel(services.kv, alice.id, { name: "team" });
    const member = await channelMember(services, team.id, alice);
    assert.equal(member.channelId, team.id);
    assert.equal(member.channel.ownerId, alice.id);
    assert.equal(member.user, alice);
    await assert.rejects(channelMember(services, team.id, bob), {
      status: 403,
      code: "not_member",
    });
    for (const id of ["missing", "x".repeat(5000)]) {
      await assert.rejects(channelMember(services, id, alice), {
        status: 404,
        code: "channel_not_found",
      });
    }
    assert.equal(await ChannelMember.find(services, team.id, bob), null);
    assert.equal(await ChannelMember.find(services, "missing", bob), null);
  }));

Deno.test("channelOwner() lets only the owner add people, to private channels too", () =>
  withServices(async (services) => {
    const { kv } = services;
    const alice = await account(services, "alice");
    const bob = await account(services, "bob");
    await account(services, "carol");
    const secret = await createChannel(kv, alice.id, {
      name: "secret",
      private: true,
    });
    await assert.rejects(channelOwner(services, secret.id, bob), {
      status: 403,
      code: "not_owner",
    });
    const owner = await channelOwner(services, secret.id, alice);
    const added = await addPerson(owner, "BOB");
    assert.deepEqual(added, bob);
    assert.equal(await isMember(kv, secret.id, bob.id), true);
    // Bob is a member now, but still not the owner.
    await assert.rejects(channelOwner(services, secret.id, bob), {
      status: 403,
      code: "not_owner",
    });
    await assert.rejects(addPerson(owner, "nobody"), {
      status: 404,
      code: "user_not_found",
    });
    await assert.rejects(channelOwner(services, "missing", alice), {
      status: 404,
      code: "channel_not_found",
    });
  }));

Deno.test("channelJoiner() refuses private channels with 403 and unknown ones with 404", () =>
  withServices(async (services) => {
    const { kv } = services;
    const alice = await account(services, "alice");
    const bob = await account(services, "bob");
    const secret = await createChannel(kv, alice.id, {
      name: "secret",
      private: true,
    });
    await assert.rejects(channelJoiner(services, secret.id, bob), {
      status: 403,
      code: "private_channel",
    });
    assert.equal(await isMember(kv, secret.id, bob.id), false);
    assert.equal((await getChannel(kv, secret.id))!.memberCount, 1);
    // A member of a private channel may "join" again harmlessly.
    const again = await join(await channelJoiner(services, secret.id, alice));
    assert.equal(again.memberCount, 1);
    await assert.rejects(channelJoiner(services, "missing", bob), {
      status: 404,
      code: "channel_not_found",
    });
    const open = await createChannel(kv, alice.id, { name: "open" });
    const joined = await join(await channelJoiner(services, open.id, bob));
    assert.equal(joined.memberCount, 2);
    assert.equal(await isMember(kv, open.id, bob.id), true);
  }));

// Checked by the type checker, not run: if a standing could be made without
// its check, or passed where another is wanted, these lines would compile,
// each `@ts-expect-error` would be unused, and type checking would fail.
export function _standingsAreNominal(owner: ChannelOwner) {
  // @ts-expect-error an owner is not a member
  void postMessage(owner, { content: "x" });
  // @ts-expect-error nobody outside the class constructs one
  new ChannelMember({} as never, {} as never, {} as never);
  void postMessage(
    // @ts-expect-error an object literal cannot pass for a member
    { services: {}, user: {}, channel: {}, channelId: "x" },
    { content: "x" },
  );
}
