/**
 * Thumbnails over a real server: an image upload gets one (smaller, the same
 * shape, cached for long, members only), a decompression bomb or a broken
 * image gets none and the upload still succeeds, and a backup carries them.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  signIn,
  signUp,
  uploadFile,
  withHearth,
} from "./helpers/api.ts";
import {
  gif,
  jpeg,
  png,
  pngDeclaring,
  webp,
} from "../lib/files/_image_fixtures.ts";
import { imageSize } from "../lib/files/image_size.ts";
import { exportAll, toStream } from "../lib/backup/_test_fixture.ts";
import { importBackup } from "../lib/backup/import.ts";
import { startTestServer } from "./helpers/server.ts";

async function fetchBytes(base: string, path: string, token?: string) {
  const res = await fetch(new URL(path, base), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    status: res.status,
    headers: res.headers,
    bytes: new Uint8Array(await res.arrayBuffer()),
  };
}

Deno.test("an image upload gets a smaller thumbnail of the same shape, for members only", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bob = await signUp(base);
    const room = await createChannel(ada.api, undefined, { private: true });
    for (
      const [name, bytes, width, height] of [
        ["photo.png", png(1600, 1200), 1600, 1200],
        ["photo.jpg", jpeg(1200, 1800), 1200, 1800],
        ["photo.webp", webp(1000, 250), 1000, 250],
        ["anim.gif", gif(900, 600), 900, 600],
      ] as const
    ) {
      const file = await uploadFile(ada.api, room.id, bytes, name);
      assert.equal(file.width, width);
      assert.equal(file.height, height);
      assert.equal(file.thumbnailUrl, `/files/${file.id}/thumbnail`);
      const thumb = await fetchBytes(base, file.thumbnailUrl!, ada.token);
      assert.equal(thumb.status, 200, name);
      // The GIF is two flat colours, a few hundred bytes: no photo is that small.
      if (!name.endsWith(".gif")) {
        assert.ok(
          thumb.bytes.byteLength < bytes.byteLength / 2,
          `${name}: ${thumb.bytes.byteLength} < ${bytes.byteLength} / 2`,
        );
      }
      const type = thumb.headers.get("content-type")!;
      assert.equal(type, "image/jpeg");
      const size = imageSize(thumb.bytes, type)!;
      assert.ok(size.width <= 720 && size.height <= 480, name);
      assert.ok(
        Math.abs(size.width / size.height - width / height) < 0.02,
        `${name}: ${size.width}x${size.height} keeps ${width}x${height}`,
      );
      assert.equal(
        thumb.headers.get("cache-control"),
        "private, max-age=31536000, immutable",
      );
      assert.match(thumb.headers.get("content-disposition")!, /^inline/);
      assert.equal(
        thumb.headers.get("content-security-policy"),
        "sandbox; default-src 'none'",
      );
      // Not a member, and not signed in: the same 404 as for no such file.
      for (const token of [bob.token, undefined]) {
        const refused = await fetchBytes(base, file.thumbnailUrl, token);
        assert.equal(refused.status, 404);
      }
    }
    // The message history carries the thumbnail too.
    const history = await ada.api.get(`/channels/${room.id}/messages`);
    assert.ok(
      history.body.every((m: { file: { thumbnailUrl?: string } }) =>
        m.file.thumbnailUrl?.endsWith("/thumbnail")
      ),
    );
  });
});

Deno.test("a photo turned by EXIF is laid out and thumbnailed upright", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const room = await createChannel(ada.api);
    const file = await uploadFile(
      ada.api,
      room.id,
      jpeg(1600, 800, 6),
      "p.jpg",
    );
    assert.deepEqual([file.width, file.height], [800, 1600]);
    const thumb = await fetchBytes(base, file.thumbnailUrl!, ada.token);
    assert.deepEqual(imageSize(thumb.bytes, "image/jpeg"), {
      width: 240,
      height: 480,
    });
  });
});

Deno.test("a decompression bomb, a broken image or a file that is no image get no thumbnail, and the upload succeeds", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const room = await createChannel(ada.api);
    const started = performance.now();
    const bomb = await uploadFile(
      ada.api,
      room.id,
      pngDeclaring(60_000, 60_000),
      "bomb.png",
    );
    assert.equal(bomb.thumbnailUrl, undefined);
    assert.ok(performance.now() - started < 5_000, "refused before decoding");
    const broken = png(400, 300);
    broken.fill(7, 60);
    const brokenFile = await uploadFile(ada.api, room.id, broken, "broken.png");
    assert.equal(brokenFile.type, "image/png");
    assert.equal(brokenFile.thumbnailUrl, undefined);
    const text = new TextEncoder().encode("just words");
    const plain = await uploadFile(ada.api, room.id, text, "notes.txt");
    assert.equal(plain.thumbnailUrl, undefined);
    const none = await fetchBytes(
      base,
      `/files/${plain.id}/thumbnail`,
      ada.token,
    );
    assert.equal(none.status, 404);
    // The server is still well and thumbnails the next image.
    const after = await uploadFile(ada.api, room.id, png(800, 600), "ok.png");
    assert.ok(after.thumbnailUrl);
  });
});

Deno.test("a backup carries thumbnails, and they serve after a restore", async () => {
  const dir = await Deno.makeTempDir();
  const db = `${dir}/restored.db`;
  try {
    let url = "";
    let original: Uint8Array = new Uint8Array();
    let lines: string[] = [];
    const username = `ada_${crypto.randomUUID().slice(0, 6)}`;
    await withHearth(async ({ base, services }) => {
      const ada = await signUp(base, username);
      const room = await createChannel(ada.api);
      const file = await uploadFile(ada.api, room.id, png(1200, 900), "a.png");
      url = file.thumbnailUrl!;
      original = (await fetchBytes(base, url, ada.token)).bytes;
      lines = await exportAll(services.kv);
    });
    {
      using kv = await Deno.openKv(db);
      await importBackup(kv, toStream(lines));
    }
    const server = await startTestServer(["--db", db], { passwordCost: 4 });
    try {
      const token = await signIn(
        server.base,
        username,
        "correct horse battery",
      );
      const restored = await fetchBytes(server.base, url, token);
      assert.equal(restored.status, 200);
      assert.deepEqual(restored.bytes, original);
    } finally {
      await server.shutdown();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deleting an image's message removes the image's and its thumbnail's bytes from KV", async () => {
  await withHearth(async ({ base, services }) => {
    const ada = await signUp(base);
    const room = await createChannel(ada.api, "photos");
    const file = await uploadFile(ada.api, room.id, png(800, 600), "a.png");
    assert.ok(file.thumbnailUrl);
    const stored = async () => {
      const ids = new Set<string>();
      for await (const entry of services.kv.list({ prefix: ["file_chunks"] })) {
        ids.add(String(entry.key[1]));
      }
      return ids;
    };
    // The image and its thumbnail, each a file of its own.
    assert.equal((await stored()).size, 2);
    const history = await ada.api.get(`/channels/${room.id}/messages`);
    const seq = history.body.find((m: { file: { id: string } | null }) =>
      m.file?.id === file.id
    ).seq;
    const res = await ada.api.send(
      "DELETE",
      `/channels/${room.id}/messages/${seq}`,
      {},
    );
    assert.equal(res.status, 204);
    assert.deepEqual([...await stored()], []);
    const thumb = await fetchBytes(base, file.thumbnailUrl, ada.token);
    assert.equal(thumb.status, 404);
  });
});
