/**
 * `/openapi.json` against the code: every route file of the manifest has an
 * entry with every method it handles, the document's schemas compile, and a
 * sample of real answers (success and error, HTTP and socket) fits them.
 */
import assert from "node:assert/strict";
import manifest from "../fresh.gen.ts";
import { OPERATIONS, pathOfRouteFile } from "../lib/openapi/registry.ts";
import { documentationGaps } from "../lib/openapi/coverage.ts";
import { buildDocument } from "../lib/openapi/document.ts";
import {
  checked,
  DocumentChecker,
  type OpenApiDocument,
} from "./helpers/openapi.ts";
import { Ajv2020 } from "ajv/dist/2020.js";
import { png } from "../lib/files/_image_fixtures.ts";
import { FrameSocket, request, signUp, withHearth } from "./helpers/api.ts";

Deno.test("every route of the manifest has its operations in the document", () => {
  const gaps = documentationGaps(manifest.routes, OPERATIONS);
  assert.deepEqual(gaps, [], gaps.join("\n"));
  // Each documented method is in the document with a success status, and
  // with 401 where it needs a session.
  const document: OpenApiDocument = buildDocument("test");
  for (const [file, entry] of Object.entries(OPERATIONS)) {
    if (typeof entry === "string") continue;
    const path = pathOfRouteFile(file);
    for (const [method, op] of Object.entries(entry)) {
      const statuses = Object.keys(
        document.paths[path][method.toLowerCase()].responses,
      );
      assert.ok(
        statuses.some((status) => /^[123]\d\d$/.test(status)),
        `${method} ${path} declares no success status`,
      );
      if (op.auth === "user") {
        assert.ok(statuses.includes("401"), `${method} ${path} lacks 401`);
      }
    }
  }
});

Deno.test("the document is OpenAPI 3.1 whose schemas compile and ids are unique", () => {
  const document: OpenApiDocument = buildDocument("test");
  assert.equal(document.openapi, "3.1.0");
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema(document, "hearth");
  const ids: string[] = [];
  for (const name of Object.keys(document.components.schemas)) {
    assert.ok(ajv.getSchema(`hearth#/components/schemas/${name}`), name);
  }
  for (const item of Object.values(document.paths)) {
    for (
      const op of Object.values(item as Record<string, { operationId: string }>)
    ) {
      ids.push(op.operationId);
    }
  }
  assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
  // Every $ref points at a component that exists.
  const refs = JSON.stringify(document).matchAll(
    /"\$ref":"#\/components\/schemas\/([^"]+)"/g,
  );
  for (const [, name] of refs) {
    assert.ok(document.components.schemas[name], `dangling $ref ${name}`);
  }
  // The socket's frames and its clientId rule are in the document.
  const socket = document.paths["/ws/channels/{id}"].get;
  assert.deepEqual(socket["x-websocket"].clientFrames, {
    $ref: "#/components/schemas/ClientFrame",
  });
  const frame = document.components.schemas.ClientMessageFrame;
  assert.ok(frame.required.includes("clientId"));
  assert.equal(frame.properties.clientId.pattern, "^[A-Za-z0-9_.:-]{1,64}$");
});

Deno.test("every operation answers a caller without a session with a declared status and body", async () => {
  await withHearth(async (server) => {
    const document: OpenApiDocument = buildDocument("test");
    const check = new DocumentChecker(document);
    const sample: Record<string, string> = { seq: "1", emoji: "%F0%9F%91%8D" };
    for (const [template, item] of Object.entries(document.paths)) {
      const path = template.replace(/\{(\w+)\}/g, (_, n) => sample[n] ?? "x");
      for (const method of Object.keys(item as object)) {
        const res = await request(server.base, method.toUpperCase(), path, {
          json: method === "get" ? undefined : {},
        });
        check.answer(method.toUpperCase(), template, res.status, res.body);
      }
    }
    assert.deepEqual(check.problems, [], check.problems.join("\n"));
    assert.ok(check.checked.size >= 50, `only ${check.checked.size}`);
  });
});

Deno.test("a sample of real answers and frames fits the document", async () => {
  await withHearth(async (server) => {
    const base = server.base;
    const served = await fetch(`${base}/openapi.json`);
    assert.equal(served.status, 200);
    const check = new DocumentChecker(await served.json());

    const anon = checked(check, { base });
    await anon("GET", "/healthz", "/healthz");
    const aliceName = `alice_${crypto.randomUUID().slice(0, 6)}`;
    await anon("POST", "/auth/register", "/auth/register", {
      json: { username: aliceName, password: "correct horse battery" },
    });
    const login = await anon("POST", "/auth/login", "/auth/login", {
      json: { username: aliceName, password: "correct horse battery" },
    });
    await anon("POST", "/auth/login", "/auth/login", {
      json: { username: aliceName, password: "wrong horse battery" },
    });
    await anon("GET", "/me", "/me");
    const alice = checked(check, { base, token: login.body.access_token });
    const bob = await signUp(base);
    const asBob = checked(check, bob.api);

    await alice("GET", "/me", "/me");
    await alice("PATCH", "/me", "/me", { json: { status: "here" } });
    await alice("PATCH", "/me", "/me", { json: {} });
    await alice("PUT", "/me/avatar", "/me/avatar", { body: avatarForm() });
    const room = await alice("POST", "/channels", "/channels", {
      json: { name: `room-${crypto.randomUUID().slice(0, 6)}` },
    });
    await alice("POST", "/channels", "/channels", {
      json: { name: room.body.name },
    });
    await alice("POST", "/channels", "/channels", {
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    const id = room.body.id;
    await alice("GET", "/channels", "/channels");
    await alice("GET", "/channels", "/channels?scope=all");
    await alice(
      "GET",
      "/channels/{id}/candidates",
      `/channels/${id}/candidates?q=u`,
    );
    await alice("POST", "/channels/{id}/members", `/channels/${id}/members`, {
      json: { username: bob.username },
    });
    await alice("GET", "/channels/{id}/members", `/channels/${id}/members`);
    await alice("PATCH", "/channels/{id}", `/channels/${id}`, {
      json: { topic: "t" },
    });

    const socket = await FrameSocket.open(base, id, login.body.access_token);
    try {
      const posted = await alice(
        "POST",
        "/channels/{id}/messages",
        `/channels/${id}/messages`,
        {
          json: { content: `hello @${bob.username}`, clientId: "sample-1" },
        },
      );
      await alice(
        "POST",
        "/channels/{id}/messages",
        `/channels/${id}/messages`,
        {
          json: { content: "again", clientId: "sample-1" },
        },
      );
      await asBob(
        "POST",
        "/channels/{id}/messages",
        `/channels/${id}/messages`,
        {
          json: { content: "a reply", replyTo: posted.body.seq },
        },
      );
      const seq = posted.body.seq;
      const form = new FormData();
      form.append(
        "file",
        new File([png(4, 3)], "dot.png", { type: "image/png" }),
      );
      form.append("content", "a picture");
      const shared = await alice(
        "POST",
        "/channels/{id}/files",
        `/channels/${id}/files`,
        {
          body: form,
        },
      );
      await alice("GET", "/files/{id}", `/files/${shared.body.file.id}`);
      await anon("GET", "/files/{id}", `/files/${shared.body.file.id}`);
      const emoji = encodeURIComponent("👍");
      await asBob(
        "PUT",
        "/channels/{id}/messages/{seq}/reactions/{emoji}",
        `/channels/${id}/messages/${seq}/reactions/${emoji}`,
      );
      await asBob(
        "PUT",
        "/channels/{id}/messages/{seq}/reactions/{emoji}",
        `/channels/${id}/messages/${seq}/reactions/x`,
      );
      await alice(
        "PATCH",
        "/channels/{id}/messages/{seq}",
        `/channels/${id}/messages/${seq}`,
        {
          json: { content: "hello, edited" },
        },
      );
      await asBob(
        "DELETE",
        "/channels/{id}/messages/{seq}/reactions/{emoji}",
        `/channels/${id}/messages/${seq}/reactions/${emoji}`,
      );
      await asBob(
        "PATCH",
        "/channels/{id}/messages/{seq}",
        `/channels/${id}/messages/${seq}`,
        {
          json: { content: "not mine" },
        },
      );
      await alice("GET", "/channels/{id}/messages", `/channels/${id}/messages`);
      await alice(
        "GET",
        "/channels/{id}/messages",
        `/channels/${id}/messages?limit=x`,
      );
      await alice(
        "GET",
        "/channels/{id}/changes",
        `/channels/${id}/changes?since=0`,
      );
      await asBob("GET", "/mentions", "/mentions");
      await alice("GET", "/search", "/search?q=hello");
      await alice("POST", "/channels/{id}/read", `/channels/${id}/read`, {
        json: { seq },
      });
      await alice(
        "PUT",
        "/channels/{id}/notifications",
        `/channels/${id}/notifications`,
        {
          json: { muted: true },
        },
      );
      await alice(
        "DELETE",
        "/channels/{id}/messages/{seq}",
        `/channels/${id}/messages/${seq}`,
      );
      await alice(
        "PATCH",
        "/channels/{id}/messages/{seq}",
        `/channels/${id}/messages/${seq}`,
        {
          json: { content: "too late" },
        },
      );
      socket.send({
        type: "message",
        content: "over the socket",
        clientId: "sock-1",
      });
      socket.send({ type: "message", content: "no clientId" });
      await socket.next("message", (f) => f.message.clientId === "sock-1");
      await socket.next("error");
      for (const frame of socket.frames) {
        check.component("ServerFrame", frame, `${frame.type} frame`);
      }
    } finally {
      await socket.close();
    }
    await alice("GET", "/channels/{id}/messages", "/channels/nope/messages");
    await asBob("POST", "/dms", "/dms", { json: { usernames: [aliceName] } });
    const invite = await alice("POST", "/invites", "/invites", {
      json: { maxUses: 2 },
    });
    await alice("GET", "/invites", "/invites");
    await anon("GET", "/invites/{code}", `/invites/${invite.body.code}`);
    await anon("GET", "/invites/{code}", "/invites/unknown-code");
    await alice("GET", "/users", "/users?q=");
    await asBob("GET", "/users", "/users");
    await alice("PUT", "/timeouts/{userId}", `/timeouts/${bob.id}`, {
      json: { seconds: 60 },
    });
    await asBob("POST", "/channels/{id}/messages", `/channels/${id}/messages`, {
      json: { content: "timed out" },
    });
    await alice("DELETE", "/timeouts/{userId}", `/timeouts/${bob.id}`);
    await alice("PUT", "/bans/{userId}", `/bans/${bob.id}`, {
      json: { reason: "test" },
    });
    await alice("GET", "/bans", "/bans");
    await alice("DELETE", "/bans/{userId}", `/bans/${bob.id}`);
    await alice("GET", "/audit", "/audit");
    await alice("GET", "/push/key", "/push/key");
    await alice("POST", "/push/subscriptions", "/push/subscriptions", {
      json: { endpoint: "https://push.example/1", keys: pushKeys() },
    });
    await alice("DELETE", "/push/subscriptions", "/push/subscriptions", {
      json: { endpoint: "https://push.example/1" },
    });
    await alice("PATCH", "/users/{id}", `/users/${bob.id}`, {
      json: { role: "moderator" },
    });
    await alice("DELETE", "/me/avatar", "/me/avatar");
    await asBob("POST", "/me/password", "/me/password", {
      json: {
        currentPassword: "wrong one here",
        newPassword: "a new passphrase",
      },
    });
    await asBob("DELETE", "/me/sessions", "/me/sessions");
    await asBob(
      "POST",
      "/invites/{code}/accept",
      `/invites/${invite.body.code}/accept`,
    );
    await asBob("DELETE", "/invites/{code}", `/invites/${invite.body.code}`);
    await alice("DELETE", "/invites/{code}", `/invites/${invite.body.code}`);
    await asBob("POST", "/channels/{id}/join", `/channels/${id}/join`);
    await alice(
      "DELETE",
      "/channels/{id}/members/{userId}",
      `/channels/${id}/members/${bob.id}`,
    );
    await alice("POST", "/channels/{id}/leave", `/channels/${id}/leave`);
    await alice("DELETE", "/channels/{id}", `/channels/${id}`);
    await alice("POST", "/auth/logout", "/auth/logout");

    assert.deepEqual(check.problems, [], check.problems.join("\n"));
    assert.ok(
      check.checked.size >= 50,
      `only ${check.checked.size} operations`,
    );
    // The checker itself refuses what does not fit: a user with a numeric id
    // and an extra key, an undeclared status, a frame of an unknown type.
    check.answer("GET", "/me", 200, { ...login.body.user, id: 1, extra: true });
    check.answer("GET", "/me", 418, null);
    check.component("ServerFrame", { type: "nonsense" }, "made up");
    assert.equal(check.problems.length, 3, check.problems.join("\n"));
  });
});

/** A push subscription's keys of the right lengths (not a real key). */
function pushKeys() {
  return { p256dh: "B" + "A".repeat(86), auth: "A".repeat(22) };
}

function avatarForm(): FormData {
  const form = new FormData();
  form.append("file", new File([png(8, 8)], "me.png", { type: "image/png" }));
  return form;
}
