/**
 * The audit log records every moderation and settings action: channel
 * changes and deletions, removals and message deletions by someone else,
 * invites made and revoked (alongside roles, bans and timeouts, tested with
 * them); `GET /audit` filters by action, actor and target and pages by `before`.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  postMessage,
  signUp,
  uniqueName,
  withHearth,
} from "./helpers/api.ts";

interface Entry {
  id: string;
  action: string;
  target: string;
  actor: { id: string; username: string };
  reason?: string;
}

Deno.test("GET /audit: channel, member, message and invite actions are audited and filter by action and person", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const ann = await signUp(base, uniqueName("ann"));
    const bo = await signUp(base, uniqueName("bo"));
    const room = await createChannel(ann.api, uniqueName("room"));
    await bo.api.post(`/channels/${room.id}/join`);
    const own = await postMessage(bo.api, room.id, "mine to delete");
    const theirs = await postMessage(bo.api, room.id, "the owner deletes");
    const path = `/channels/${room.id}/messages`;
    // Deleting one's own message is no moderation: not audited.
    await bo.api.send("DELETE", `${path}/${own.seq}`, {});
    await ann.api.send("DELETE", `${path}/${theirs.seq}`, {});
    await ann.api.send("PATCH", `/channels/${room.id}`, {
      json: { name: `${room.name}-2` },
    });
    await ann.api.send("DELETE", `/channels/${room.id}/members/${bo.id}`, {});
    // Leaving is not a removal.
    const other = await createChannel(ann.api, uniqueName("other"));
    await bo.api.post(`/channels/${other.id}/join`);
    await bo.api.post(`/channels/${other.id}/leave`);
    const invite = (await ann.api.post("/invites", {})).body.code;
    await ann.api.send("DELETE", `/invites/${invite}`, {});
    await ann.api.send("DELETE", `/channels/${room.id}`, {});

    const all = (await owner.api.get("/audit")).body as Entry[];
    assert.deepEqual(all.map((e) => [e.action, e.target, e.actor.id]), [
      ["channel_delete", room.id, ann.id],
      ["invite_revoke", invite, ann.id],
      ["invite_create", invite, ann.id],
      ["member_removed", bo.id, ann.id],
      ["channel_change", room.id, ann.id],
      ["message_deleted", `${room.id}/${theirs.seq}`, ann.id],
    ]);
    assert.match(all[4].reason!, /renamed/);

    const byAction = await owner.api.get("/audit?action=invite_create");
    assert.deepEqual(byAction.body.map((e: Entry) => e.target), [invite]);
    const aboutBo = await owner.api.get(`/audit?targetId=${bo.id}`);
    assert.deepEqual(aboutBo.body.map((e: Entry) => e.action), [
      "member_removed",
    ]);
    const aboutRoom = await owner.api.get(`/audit?targetId=${room.id}`);
    assert.deepEqual(aboutRoom.body.map((e: Entry) => e.action), [
      "channel_delete",
      "channel_change",
      "message_deleted",
    ]);
    const byAnn = await owner.api.get(
      `/audit?actorId=${ann.id}&action=channel_change`,
    );
    assert.deepEqual(byAnn.body.map((e: Entry) => e.id), [all[4].id]);
    assert.deepEqual(
      (await owner.api.get(`/audit?actorId=${bo.id}`)).body,
      [],
    );
    const paged = await owner.api.get(`/audit?limit=2&before=${all[1].id}`);
    assert.deepEqual(paged.body.map((e: Entry) => e.id), [
      all[2].id,
      all[3].id,
    ]);
    const pagedByActor = await owner.api.get(
      `/audit?actorId=${ann.id}&limit=1&before=${all[4].id}`,
    );
    assert.deepEqual(pagedByActor.body.map((e: Entry) => e.id), [all[5].id]);
    // Nothing edits or removes entries through the API.
    for (const method of ["PATCH", "DELETE", "PUT", "POST"]) {
      const res = await owner.api.send(method, "/audit", { json: {} });
      assert.equal(res.status, 405, method);
    }
  });
});
