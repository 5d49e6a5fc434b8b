/**
 * Friends over HTTP and the socket: asking, accepting at once when asked
 * both ways, declining, cancelling, unfriending, every refusal's code, the
 * lists (online friends first), and the `friends_changed` frame on both
 * people's open pages.
 */
import assert from "node:assert/strict";
import { FrameSocket, request, signUp, withHearth } from "./helpers/api.ts";
import { DEFAULT_DEADLINE_MS, withDeadline } from "./helpers/deadline.ts";

const ids = (people: { id: string }[]) => people.map((p) => p.id);

Deno.test("POST /friends asks, PUT accepts, DELETE declines, cancels and unfriends", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);

    const asked = await ada.api.post("/friends", { username: bo.username });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    assert.equal(asked.body.state, "outgoing");
    assert.equal(asked.body.user.id, bo.id);
    let adas = (await ada.api.get("/friends")).body;
    assert.deepEqual(ids(adas.outgoing), [bo.id]);
    assert.deepEqual(adas.friends, []);
    const bos = (await bo.api.get("/friends")).body;
    assert.deepEqual(ids(bos.incoming), [ada.id]);
    assert.equal(bos.incoming[0].username, ada.username);
    assert.equal(typeof bos.incoming[0].since, "string");
    assert.equal(bos.incoming[0].passwordHash, undefined);

    // Accepting; accepting again changes nothing.
    const accepted = await bo.api.send("PUT", `/friends/${ada.id}`, {});
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.state, "friends");
    assert.equal(
      (await bo.api.send("PUT", `/friends/${ada.id}`, {})).status,
      200,
    );
    adas = (await ada.api.get("/friends")).body;
    assert.deepEqual(ids(adas.friends), [bo.id]);
    assert.deepEqual([adas.incoming, adas.outgoing], [[], []]);

    // Unfriending takes both sides; twice changes nothing.
    const dropped = await ada.api.send("DELETE", `/friends/${bo.id}`, {});
    assert.equal(dropped.status, 204);
    assert.equal(
      (await ada.api.send("DELETE", `/friends/${bo.id}`, {})).status,
      204,
    );
    assert.deepEqual((await bo.api.get("/friends")).body.friends, []);

    // Declining an incoming request, and cancelling an outgoing one.
    await ada.api.post("/friends", { username: bo.username });
    assert.equal(
      (await bo.api.send("DELETE", `/friends/${ada.id}`, {})).status,
      204,
    );
    assert.deepEqual((await ada.api.get("/friends")).body.outgoing, []);
    await ada.api.post("/friends", { username: bo.username });
    assert.equal(
      (await ada.api.send("DELETE", `/friends/${bo.id}`, {})).status,
      204,
    );
    assert.deepEqual((await bo.api.get("/friends")).body.incoming, []);
  });
});

Deno.test("POST /friends answers 200 friends at once when they had asked me", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    assert.equal(
      (await ada.api.post("/friends", { username: bo.username })).status,
      201,
    );
    const back = await bo.api.post("/friends", {
      username: ada.username.toUpperCase(),
    });
    assert.equal(back.status, 200);
    assert.equal(back.body.state, "friends");
    assert.deepEqual(ids((await ada.api.get("/friends")).body.friends), [
      bo.id,
    ]);
  });
});

Deno.test("POST /friends and PUT /friends/{id} refuse with clear codes", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const cy = await signUp(base);
    const code = async (
      res: Promise<{ status: number; body: { code?: string } }>,
    ) => {
      const { status, body } = await res;
      return `${status} ${body?.code ?? ""}`.trim();
    };
    const ask = (username: unknown) => ada.api.post("/friends", { username });

    assert.equal(await code(ask("nobody_here")), "404 user_not_found");
    assert.equal(await code(ask(ada.username)), "422 self");
    assert.equal(await code(ask("")), "422 validation_failed");
    assert.equal(await code(ask(42)), "422 validation_failed");
    assert.equal(
      await code(ada.api.post("/friends", {})),
      "422 validation_failed",
    );
    assert.equal(await code(ask(bo.username)), "201");
    assert.equal(await code(ask(bo.username)), "409 already_requested");
    await bo.api.send("PUT", `/friends/${ada.id}`, {});
    assert.equal(await code(ask(bo.username)), "409 already_friends");

    // Accepting what nobody asked, an unknown person, or oneself.
    assert.equal(
      await code(ada.api.send("PUT", `/friends/${cy.id}`, {})),
      "404 request_not_found",
    );
    assert.equal(
      await code(ada.api.send("PUT", `/friends/${crypto.randomUUID()}`, {})),
      "404 user_not_found",
    );
    assert.equal(
      await code(ada.api.send("PUT", `/friends/${ada.id}`, {})),
      "422 self",
    );
    assert.equal(
      await code(ada.api.send("DELETE", `/friends/${"x".repeat(300)}`, {})),
      "404 user_not_found",
    );
    // One can only accept a request made to oneself, not one's own.
    assert.equal(await code(ask(cy.username)), "201");
    assert.equal(
      await code(ada.api.send("PUT", `/friends/${cy.id}`, {})),
      "404 request_not_found",
    );

    for (const [method, path] of [["GET", "/friends"], ["POST", "/friends"]]) {
      const res = await request(base, method, path, {
        json: method === "POST" ? { username: bo.username } : undefined,
      });
      assert.equal(res.status, 401, `${method} ${path}`);
    }
  });
});

Deno.test("GET /friends lists online friends first, then by name", async () => {
  await withHearth(async ({ base }) => {
    const me = await signUp(base);
    const [zed, amy, bob] = [
      await signUp(base, `zed${crypto.randomUUID().slice(0, 6)}`),
      await signUp(base, `amy${crypto.randomUUID().slice(0, 6)}`),
      await signUp(base, `bob${crypto.randomUUID().slice(0, 6)}`),
    ];
    for (const friend of [zed, amy, bob]) {
      await me.api.post("/friends", { username: friend.username });
      await friend.api.send("PUT", `/friends/${me.id}`, {});
    }
    const general = (await zed.api.get("/channels")).body[0].id;
    const socket = await FrameSocket.open(base, general, zed.token);
    try {
      await socket.next("ready");
      const { friends } = (await me.api.get("/friends")).body;
      assert.deepEqual(ids(friends), [zed.id, amy.id, bob.id]);
      assert.deepEqual(friends.map((f: { online: boolean }) => f.online), [
        true,
        false,
        false,
      ]);
    } finally {
      await socket.close();
    }
  });
});

Deno.test("a friend request, its answer and a block reach both people's open pages", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const general = (await bo.api.get("/channels")).body[0].id;
    const bos = await FrameSocket.open(base, general, bo.token);
    const adas = await FrameSocket.open(base, general, ada.token);
    try {
      await bos.next("ready");
      await adas.next("ready");
      await ada.api.post("/friends", { username: bo.username });
      await bos.next("friends_changed");
      await adas.next("friends_changed");
      await bo.api.send("PUT", `/friends/${ada.id}`, {});
      await adas.next("friends_changed");
      await bos.next("friends_changed");
      await bo.api.send("PUT", `/blocks/${ada.id}`, {});
      await adas.next("friends_changed");
      await bos.next("friends_changed");
    } finally {
      await bos.close();
      await adas.close();
    }
  });
});

Deno.test("GET /friends as a browser navigation is the friends page", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    await bo.api.post("/friends", { username: ada.username });
    const page = await fetch(new URL("/friends", base), {
      headers: { accept: "text/html", cookie: `hearth_token=${ada.token}` },
    });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.match(page.headers.get("vary") ?? "", /Accept/i);
    const html = await page.text();
    assert.match(html, /Incoming requests/);
    assert.ok(html.includes(bo.username));
    const json = await request(base, "GET", "/friends", { token: ada.token });
    assert.match(json.headers.get("vary") ?? "", /Accept/i);
    assert.deepEqual(ids(json.body.incoming), [bo.id]);
    const signedOut = await fetch(new URL("/friends", base), {
      headers: { accept: "text/html" },
      redirect: "manual",
    });
    await signedOut.body?.cancel();
    assert.equal(signedOut.status, 302);
  });
});

/** Reads an event stream until its text so far matches `pattern`, under a deadline. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  pattern: RegExp,
  seen: { text: string },
): Promise<void> {
  const decoder = new TextDecoder();
  await withDeadline(
    (async () => {
      while (!pattern.test(seen.text)) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}`);
        seen.text += decoder.decode(value, { stream: true });
      }
    })(),
    DEFAULT_DEADLINE_MS,
    `the event stream to say ${pattern}`,
  );
}

Deno.test("GET /friends/events streams friends_changed to the friends page and ends at sign-out", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const anonymous = await request(base, "GET", "/friends/events");
    assert.equal(anonymous.status, 401);

    const res = await fetch(new URL("/friends/events", base), {
      headers: { authorization: `Bearer ${ada.token}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    assert.equal(res.headers.get("content-encoding"), null);
    const reader = res.body!.getReader();
    const seen = { text: "" };
    try {
      await readUntil(reader, /: open/, seen);
      assert.doesNotMatch(seen.text, /friends_changed/);
      await bo.api.post("/friends", { username: ada.username });
      await readUntil(reader, /event: friends_changed\ndata: \{\}\n\n/, seen);
      // Signing out that token ends the stream.
      const out = await request(base, "POST", "/auth/logout", {
        token: ada.token,
      });
      assert.equal(out.status, 204);
      await withDeadline(
        (async () => {
          while (!(await reader.read()).done) { /* drain */ }
        })(),
        DEFAULT_DEADLINE_MS,
        "the stream to end after sign-out",
      );
    } finally {
      await reader.cancel().catch(() => {});
    }
  });
});
