/**
 * Reports over HTTP: who may report what (once while open, never one's own,
 * never a deleted message), the moderators' queue (newest first, paged, DMs
 * included through the excerpt), and closing a report, with or without
 * deleting the message, each audited.
 */
import assert from "node:assert/strict";
import {
  type Api,
  createChannel,
  postMessage,
  signUp,
  uniqueName,
  withHearth,
} from "./helpers/api.ts";

function report(api: Api, channelId: string, seq: number, reason: unknown) {
  return api.post(`/channels/${channelId}/messages/${seq}/report`, { reason });
}

/** The owner (first account), a moderator and two members in one channel. */
async function people(base: string) {
  const owner = await signUp(base, uniqueName("owner"));
  const moderator = await signUp(base, uniqueName("mod"));
  const ann = await signUp(base, uniqueName("ann"));
  const bo = await signUp(base, uniqueName("bo"));
  const set = await owner.api.send("PATCH", `/users/${moderator.id}`, {
    json: { role: "moderator" },
  });
  assert.equal(set.status, 200);
  const room = await createChannel(ann.api, uniqueName("room"));
  assert.equal((await bo.api.post(`/channels/${room.id}/join`)).status, 200);
  return { owner, moderator, ann, bo, room };
}

Deno.test("POST /channels/{id}/messages/{seq}/report: members report others' messages once while open", async () => {
  await withHearth(async ({ base }) => {
    const { moderator, ann, bo, room } = await people(base);
    const outsider = await signUp(base, uniqueName("out"));
    const said = await postMessage(ann.api, room.id, "a rude remark");
    const mine = await postMessage(bo.api, room.id, "my own words");

    const made = await report(bo.api, room.id, said.seq, "  rude  ");
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.reason, "rude");
    assert.equal(made.body.message.excerpt, "a rude remark");
    assert.equal(made.body.message.author.username, ann.username);
    assert.equal(made.body.reporter.id, bo.id);
    assert.equal(made.body.channel.id, room.id);

    const again = await report(bo.api, room.id, said.seq, "still rude");
    assert.equal(again.status, 409);
    assert.equal(again.body.code, "already_reported");
    const own = await report(bo.api, room.id, mine.seq, "me");
    assert.equal(own.status, 403);
    assert.equal(own.body.code, "own_message");
    assert.equal((await report(bo.api, room.id, 999, "x")).status, 404);
    assert.equal(
      (await report(outsider.api, room.id, said.seq, "x")).status,
      403,
    );
    for (const bad of ["", "   ", "x".repeat(501), 5, null]) {
      const res = await report(bo.api, room.id, said.seq, bad);
      assert.equal(res.status, 422, JSON.stringify(bad));
    }
    const gone = await postMessage(ann.api, room.id, "soon gone");
    await ann.api.send(
      "DELETE",
      `/channels/${room.id}/messages/${gone.seq}`,
      {},
    );
    const deleted = await report(bo.api, room.id, gone.seq, "x");
    assert.equal(deleted.status, 409);
    assert.equal(deleted.body.code, "message_deleted");

    // Closed, it may be reported again.
    const closed = await moderator.api.send(
      "DELETE",
      `/reports/${made.body.id}`,
      {},
    );
    assert.equal(closed.status, 204);
    assert.equal(
      (await report(bo.api, room.id, said.seq, "again")).status,
      201,
    );
  });
});

Deno.test("GET /reports: moderators see open reports newest first, paged, DMs through the excerpt", async () => {
  await withHearth(async ({ base }) => {
    const { owner, moderator, ann, bo, room } = await people(base);
    const first = await postMessage(ann.api, room.id, "one");
    const second = await postMessage(ann.api, room.id, "two");
    const dm = await ann.api.post("/dms", { usernames: [bo.username] });
    assert.equal(dm.status, 201);
    const whisper = await postMessage(ann.api, dm.body.id, "a nasty whisper");
    const ids: string[] = [];
    for (
      const [channelId, seq] of [[room.id, first.seq], [room.id, second.seq], [
        dm.body.id,
        whisper.seq,
      ]] as const
    ) {
      const res = await report(bo.api, channelId, seq, `about ${seq}`);
      assert.equal(res.status, 201);
      ids.push(res.body.id);
    }
    assert.equal((await bo.api.get("/reports")).status, 403);
    assert.equal((await ann.api.get("/reports")).status, 403);
    for (const staff of [moderator, owner]) {
      const all = await staff.api.get("/reports");
      assert.equal(all.status, 200);
      assert.deepEqual(
        all.body.map((r: { id: string }) => r.id),
        ids.toReversed(),
      );
    }
    const queue = (await moderator.api.get("/reports")).body;
    assert.equal(queue[0].channel.kind, "dm");
    assert.equal(queue[0].message.excerpt, "a nasty whisper");
    // The moderator is not in the DM: the report is all they see of it.
    const read = await moderator.api.get(`/channels/${dm.body.id}/messages`);
    assert.equal(read.status, 403);

    const page = await moderator.api.get("/reports?limit=2");
    assert.deepEqual(page.body.map((r: { id: string }) => r.id), [
      ids[2],
      ids[1],
    ]);
    const next = await moderator.api.get(`/reports?limit=2&before=${ids[1]}`);
    assert.deepEqual(next.body.map((r: { id: string }) => r.id), [ids[0]]);
    assert.equal((await moderator.api.get("/reports?limit=0")).status, 422);
  });
});

Deno.test("DELETE /reports/{id}: closing (with deleteMessage, in a DM too) is audited and ends the report", async () => {
  await withHearth(async ({ base }) => {
    const { owner, moderator, ann, bo, room } = await people(base);
    const said = await postMessage(ann.api, room.id, "spam spam");
    const dm = await ann.api.post("/dms", { usernames: [bo.username] });
    const whisper = await postMessage(ann.api, dm.body.id, "threat");
    const a = (await report(bo.api, room.id, said.seq, "spam")).body.id;
    const b = (await report(bo.api, dm.body.id, whisper.seq, "threat")).body.id;

    assert.equal(
      (await bo.api.send("DELETE", `/reports/${a}`, {})).status,
      403,
    );
    const closed = await moderator.api.send("DELETE", `/reports/${a}`, {
      json: { resolution: "talked to them" },
    });
    assert.equal(closed.status, 204);
    const twice = await moderator.api.send("DELETE", `/reports/${a}`, {});
    assert.equal(twice.status, 404);
    assert.equal(twice.body.code, "report_not_found");
    const kept = await ann.api.get(`/channels/${room.id}/messages`);
    assert.ok(
      !kept.body.find((m: { seq: number }) => m.seq === said.seq)
        .deleted,
    );

    const removed = await moderator.api.send("DELETE", `/reports/${b}`, {
      json: { deleteMessage: true },
    });
    assert.equal(removed.status, 204);
    const log = await bo.api.get(`/channels/${dm.body.id}/messages`);
    assert.equal(
      log.body.find((m: { seq: number }) => m.seq === whisper.seq)
        .deleted,
      true,
    );
    assert.deepEqual((await moderator.api.get("/reports")).body, []);

    const audit = (await owner.api.get("/audit")).body;
    const [close2, deletion, close1] = audit;
    assert.equal(close2.action, "report_closed");
    assert.equal(close2.target, `${dm.body.id}/${whisper.seq}`);
    assert.equal(close2.actor.id, moderator.id);
    assert.equal(deletion.action, "message_deleted");
    assert.equal(deletion.target, `${dm.body.id}/${whisper.seq}`);
    assert.equal(deletion.reason, "threat");
    assert.equal(close1.action, "report_closed");
    assert.equal(close1.reason, "talked to them");
    const bad = await moderator.api.send("DELETE", `/reports/${b}`, {
      json: { deleteMessage: "yes" },
    });
    assert.equal(bad.status, 422);
  });
});
