/**
 * Avatars over HTTP: an upload is drawn as a centred square of at most
 * 256 px, served to the signed in at a versioned URL cached for good, and
 * removed again; anything but an image is refused.
 */
import assert from "node:assert/strict";
import { PhotonImage } from "@cf-wasm/photon/node";
import { jpeg, png } from "../lib/files/_image_fixtures.ts";
import {
  Api,
  createChannel,
  FrameSocket,
  request,
  signUp,
  withHearth,
} from "./helpers/api.ts";

function form(bytes: Uint8Array<ArrayBuffer>, field = "file"): FormData {
  const body = new FormData();
  body.append(field, new File([bytes], "me.png"));
  return body;
}

Deno.test("PUT /me/avatar draws a centred square, served at a versioned URL; DELETE removes it", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const put = await ada.api.send("PUT", "/me/avatar", {
      body: form(png(600, 300)),
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const url = put.body.avatarUrl;
    assert.match(url, new RegExp(`^/avatars/${ada.id}/1$`));
    assert.equal((await ada.api.get("/me")).body.avatarUrl, url);

    const res = await fetch(new URL(url, base), {
      headers: { authorization: `Bearer ${bo.token}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("cache-control") ?? "", /max-age=31536000/);
    assert.equal(res.headers.get("content-type"), "image/jpeg");
    const drawn = PhotonImage.new_from_byteslice(
      new Uint8Array(await res.arrayBuffer()),
    );
    assert.deepEqual([drawn.get_width(), drawn.get_height()], [256, 256]);
    drawn.free();
    assert.equal((await new Api(base).get(url)).status, 401);

    // A small image is cropped, never enlarged; the old URL is gone.
    const again = await ada.api.send("PUT", "/me/avatar", {
      body: form(jpeg(40, 90)),
    });
    assert.equal(again.status, 200);
    assert.match(again.body.avatarUrl, /\/2$/);
    assert.equal((await bo.api.get(url)).status, 404);
    const small = await fetch(new URL(again.body.avatarUrl, base), {
      headers: { authorization: `Bearer ${bo.token}` },
    });
    const image = PhotonImage.new_from_byteslice(
      new Uint8Array(await small.arrayBuffer()),
    );
    assert.deepEqual([image.get_width(), image.get_height()], [40, 40]);
    image.free();

    const removed = await ada.api.send("DELETE", "/me/avatar", {});
    assert.equal(removed.status, 200);
    assert.equal(removed.body.avatarUrl, null);
    assert.equal((await bo.api.get(again.body.avatarUrl)).status, 404);
    assert.equal((await bo.api.get(`/avatars/${ada.id}/x`)).status, 404);
  });
});

Deno.test("PUT /me/avatar refuses what is not an image, and anonymous callers", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const text = new TextEncoder().encode("not a picture at all");
    const notImage = await ada.api.send("PUT", "/me/avatar", {
      body: form(text),
    });
    assert.equal(notImage.status, 422);
    assert.equal(notImage.body.code, "not_an_image");
    const noFile = await ada.api.send("PUT", "/me/avatar", {
      body: form(png(10, 10), "other"),
    });
    assert.equal(noFile.status, 422);
    const json = await ada.api.send("PUT", "/me/avatar", { json: {} });
    assert.equal(json.status, 415);
    const anonymous = await request(base, "PUT", "/me/avatar", {
      body: form(png(10, 10)),
    });
    assert.equal(anonymous.status, 401);
    assert.equal(
      (await new Api(base).send("DELETE", "/me/avatar", {})).status,
      401,
    );
  });
});

Deno.test("member lists, ready frames, the chat page and DM people carry avatar, role and status where set", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const put = await bo.api.send("PUT", "/me/avatar", {
      body: form(png(64, 64)),
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    await bo.api.send("PATCH", "/me", { json: { status: "Out to lunch" } });
    const promoted = await ada.api.send("PATCH", `/users/${bo.id}`, {
      json: { role: "moderator" },
    });
    assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
    const room = await createChannel(ada.api);
    await bo.api.post(`/channels/${room.id}/join`);

    // Ready frames list the members online: Bo is.
    const boSocket = await FrameSocket.open(base, room.id, bo.token);
    await boSocket.next("ready");
    const socket = await FrameSocket.open(base, room.id, ada.token);
    try {
      const ready = await socket.next("ready");
      const seen = ready.members.find((m) => m.id === bo.id);
      assert.deepEqual(seen, {
        id: bo.id,
        username: bo.username,
        displayName: bo.username,
        online: true,
        avatarUrl: put.body.avatarUrl,
        role: "moderator",
        status: "Out to lunch",
      });
      // Defaults are left out: Ada has no avatar and no status.
      const self = ready.members.find((m) => m.id === ada.id);
      assert.equal(self && "avatarUrl" in self, false);
      assert.equal(self && "status" in self, false);

      // The page lists the members online, as ready does: Bo's socket is open.
      const page = await fetch(new URL(`/c/${room.id}`, base), {
        headers: { authorization: `Bearer ${ada.token}` },
      });
      const html = await page.text();
      assert.ok(
        html.includes(put.body.avatarUrl),
        "the page's members carry it",
      );
    } finally {
      await socket.close();
      await boSocket.close();
    }

    const dm = await ada.api.send("POST", "/dms", {
      json: { usernames: [bo.username] },
    });
    const people = dm.body.people as { id: string; avatarUrl: string | null }[];
    assert.equal(
      people.find((p) => p.id === bo.id)?.avatarUrl,
      put.body.avatarUrl,
    );
    assert.equal(people.find((p) => p.id === ada.id)?.avatarUrl, null);
  });
});
