/**
 * The text rules of lib/shared over real sockets: names and topics refuse
 * invisible characters, message content counts code points and refuses
 * control characters, the same over HTTP, uploads and the socket.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  FrameSocket,
  request,
  signUp,
  withHearth,
} from "./helpers/api.ts";

const INVISIBLE = ["\u200b", "\u2028", "\u034f", "\u3164", "\u2800"];

Deno.test("names and topics with invisible characters are refused with 422 on every path", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    for (const char of INVISIBLE) {
      const name = `Ali${char}ce`;
      const registered = await request(base, "POST", "/auth/register", {
        json: {
          username: "mallory",
          password: "a long password",
          displayName: name,
        },
      });
      assert.equal(registered.status, 422, JSON.stringify(name));
      assert.match(registered.body.detail, /^displayName: .*invisible/);
      const renamed = await ada.api.send("PATCH", "/me", {
        json: { displayName: name },
      });
      assert.equal(renamed.status, 422, JSON.stringify(name));
      const channel = await ada.api.post("/channels", { name });
      assert.equal(channel.status, 422, JSON.stringify(name));
      assert.match(channel.body.detail, /^name: /);
      const topic = await ada.api.post("/channels", {
        name: `room ${INVISIBLE.indexOf(char)}`,
        topic: name,
      });
      assert.equal(topic.status, 422, JSON.stringify(name));
    }
    const lone = await ada.api.send("PATCH", "/me", {
      json: { displayName: "Ali\ud800ce" },
    });
    assert.equal(lone.status, 422);
    // Emoji sequences (a zero-width joiner after a visible character) stay.
    const emoji = await ada.api.send("PATCH", "/me", {
      json: { displayName: "Ada 👩‍💻" },
    });
    assert.equal(emoji.status, 200);
    assert.equal(emoji.body.displayName, "Ada 👩‍💻");
  });
});

Deno.test("message content: 4,000 emoji fit, controls other than tab and newline do not", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const room = await createChannel(ada.api);
    const path = `/channels/${room.id}/messages`;
    const emoji = await ada.api.post(path, { content: "😀".repeat(4000) });
    assert.equal(emoji.status, 201, JSON.stringify(emoji.body));
    assert.equal(emoji.body.content, "😀".repeat(4000));
    const tooMany = await ada.api.post(path, { content: "😀".repeat(4001) });
    assert.equal(tooMany.status, 422);
    assert.match(tooMany.body.detail, /at most 4000 characters/);
    const crlf = await ada.api.post(path, { content: "one\r\ntwo\tthree" });
    assert.equal(crlf.status, 201);
    assert.equal(crlf.body.content, "one\ntwo\tthree");
    for (const content of ["bell\u0007", "\u001b[31mred", "nul\u0000"]) {
      const res = await ada.api.post(path, { content });
      assert.equal(res.status, 422, JSON.stringify(content));
      assert.match(res.body.detail, /control characters/);
    }
    // An upload's caption follows the same rule.
    const form = new FormData();
    form.append("content", "caption\u0007");
    form.append("file", new File(["hi"], "hi.txt", { type: "text/plain" }));
    const upload = await ada.api.send("POST", `/channels/${room.id}/files`, {
      body: form,
    });
    assert.equal(upload.status, 422);
    // And the socket's message frames.
    const socket = await FrameSocket.open(base, room.id, ada.token);
    try {
      await socket.next("ready");
      socket.send({ type: "message", content: "bell\u0007", clientId: "c1" });
      const error = await socket.next("error");
      assert.equal(error.code, "validation_failed");
      assert.match(error.detail, /control characters/);
      socket.send({
        type: "message",
        content: "😀".repeat(4000),
        clientId: "c2",
      });
      const stored = await socket.next(
        "message",
        (f) => f.message.clientId === "c2",
      );
      assert.equal([...stored.message.content].length, 4000);
    } finally {
      await socket.close();
    }
    const history = await ada.api.get(`${path}?limit=10`);
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.map((m: { content: string }) => [...m.content].length),
      [4000, 13, 4000],
    );
  });
});
