/**
 * A signed-in user's JSON must not be kept by a shared proxy or the browser's
 * disk cache: every such answer, refusals included, says `private, no-store`
 * unless its route chose its own caching.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  postMessage,
  request,
  signUp,
  withHearth,
} from "../helpers/api.ts";

Deno.test("JSON answers to a signed-in request carry Cache-Control: private, no-store", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const room = await createChannel(ada.api, undefined, { private: true });
    await postMessage(ada.api, room.id, "hello");
    const form = new FormData();
    form.append("file", new Blob(["some text"]), "note.txt");
    const answers = {
      me: await ada.api.get("/me"),
      channels: await ada.api.get("/channels?scope=all"),
      history: await ada.api.get(`/channels/${room.id}/messages`),
      members: await ada.api.get(`/channels/${room.id}/members`),
      posted: await ada.api.post(`/channels/${room.id}/messages`, {
        content: "again",
      }),
      uploaded: await ada.api.send("POST", `/channels/${room.id}/files`, {
        body: form,
      }),
      refused: await bo.api.get(`/channels/${room.id}/messages`),
      missing: await ada.api.get("/channels/nope/messages"),
      byCookie: await request(base, "GET", "/me", {
        headers: { cookie: `hearth_token=${ada.token}` },
      }),
    };
    for (const [name, res] of Object.entries(answers)) {
      assert.match(res.headers.get("content-type") ?? "", /json/, name);
      assert.equal(
        res.headers.get("cache-control"),
        "private, no-store",
        `${name} (${res.status})`,
      );
    }
    // A route's own caching stands: a file download is `private`, revalidated.
    const file = answers.uploaded.body.file?.id ?? answers.uploaded.body.id;
    const download = await ada.api.get(`/files/${file}`);
    assert.equal(download.status, 200, JSON.stringify(answers.uploaded.body));
    assert.equal(download.headers.get("cache-control"), "private");
    // Health checks keep their own no-store.
    const health = await request(base, "GET", "/healthz");
    assert.equal(health.headers.get("cache-control"), "no-store");
  });
});
