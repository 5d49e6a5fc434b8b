/**
 * Compression over a real server, read off the wire: text answers (pages,
 * JSON, scripts, styles, SVG) come coded with brotli or gzip as the client
 * asks, decode to exactly the plain bytes, carry `Vary: Accept-Encoding`, and
 * are never coded twice; tiny bodies, already-compressed files and ranges are
 * sent as they are.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  postMessage,
  signUp,
  uploadFile,
  withHearth,
} from "./helpers/api.ts";
import { decoded, rawRequest } from "./helpers/raw_http.ts";

const text = new TextDecoder();

function varies(headers: Headers): boolean {
  return (headers.get("vary") ?? "").toLowerCase().includes("accept-encoding");
}

Deno.test("JSON answers are coded as the client asks and decode to the same bytes", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const room = await createChannel(ada.api);
    for (let i = 0; i < 30; i++) {
      await postMessage(ada.api, room.id, `message ${i}: the same words again`);
    }
    const path = `/channels/${room.id}/messages`;
    const auth = { authorization: `Bearer ${ada.token}` };
    const plain = await rawRequest(base, path, auth);
    assert.equal(plain.headers.get("content-encoding"), null);
    assert.ok(varies(plain.headers), "Vary even when sent plain");
    assert.ok(plain.bytes.byteLength > 2048);
    for (
      const [accept, coding] of [
        // Dynamic answers prefer gzip on a tie: far cheaper to code.
        ["gzip, deflate, br", "gzip"],
        ["gzip", "gzip"],
        ["br", "br"],
        ["br;q=0.5, gzip", "gzip"],
        ["br, gzip;q=0.5", "br"],
        ["br;q=0, *", "gzip"],
        ["gzip;q=0, *", "br"],
        ["*", "gzip"],
      ]
    ) {
      const coded = await rawRequest(base, path, {
        ...auth,
        "accept-encoding": accept,
      });
      assert.equal(coded.status, 200);
      assert.equal(coded.headers.get("content-encoding"), coding, accept);
      // Coded whole, in one call: sent with its length, not chunked.
      assert.equal(
        coded.headers.get("content-length"),
        String(coded.bytes.byteLength),
        accept,
      );
      assert.ok(varies(coded.headers));
      assert.ok(coded.bytes.byteLength < plain.bytes.byteLength / 3);
      assert.deepEqual(decoded(coded), plain.bytes, accept);
      assert.equal(
        coded.headers.get("cache-control"),
        "private, no-store",
        "the signed-in caching survives",
      );
    }
    const refused = await rawRequest(base, path, {
      ...auth,
      "accept-encoding": "identity, br;q=0, gzip;q=0",
    });
    assert.equal(refused.headers.get("content-encoding"), null);
    assert.deepEqual(refused.bytes, plain.bytes);
  });
});

Deno.test("pages are compressed; tiny bodies are not, but still vary", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const room = await createChannel(ada.api);
    const page = await rawRequest(base, `/c/${room.id}`, {
      cookie: `hearth_token=${ada.token}`,
      "accept-encoding": "br",
    });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    assert.equal(page.headers.get("content-encoding"), "br");
    assert.match(text.decode(decoded(page)), /^<!DOCTYPE html>/i);

    const tiny = await rawRequest(base, "/healthz", {
      "accept-encoding": "br",
    });
    assert.equal(tiny.headers.get("content-encoding"), null);
    assert.ok(varies(tiny.headers));
    assert.deepEqual(JSON.parse(text.decode(tiny.bytes)), { ok: true });

    const head = await rawRequest(
      base,
      `/c/${room.id}`,
      { cookie: `hearth_token=${ada.token}`, "accept-encoding": "gzip" },
      "HEAD",
    );
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-encoding"), "gzip");
    assert.equal(head.bytes.byteLength, 0);
  });
});

Deno.test("static files and bundles are served as the build's coded copies, with their own ETags", async () => {
  await withHearth(async ({ base }) => {
    // The largest bundle: the small entry script is below the coding threshold.
    const bundles = await Array.fromAsync(
      Deno.readDir(new URL("../_fresh/js/", import.meta.url)),
    );
    const script = "/_fresh/js/" + bundles.filter((e) => e.name.endsWith(".js"))
      .map((e) => e.name).sort((a, b) =>
        Deno.statSync(new URL(`../_fresh/js/${b}`, import.meta.url)).size -
        Deno.statSync(new URL(`../_fresh/js/${a}`, import.meta.url)).size
      )[0];
    // Below the threshold: no coded copy, sent plain, still varying.
    const icon = await rawRequest(base, "/icon.svg", {
      "accept-encoding": "br",
    });
    assert.equal(icon.headers.get("content-encoding"), null);
    assert.ok(varies(icon.headers));
    for (const path of ["/styles.css", script]) {
      const plain = await rawRequest(base, path);
      const etag = plain.headers.get("etag")!;
      assert.equal(plain.headers.get("content-encoding"), null);
      assert.ok(varies(plain.headers), path);
      for (const coding of ["br", "gzip"]) {
        const coded = await rawRequest(base, path, {
          "accept-encoding": coding,
        });
        assert.equal(coded.headers.get("content-encoding"), coding, path);
        assert.ok(varies(coded.headers));
        // Precompressed: a known length, not a chunked stream.
        assert.equal(
          coded.headers.get("content-length"),
          String(coded.bytes.byteLength),
        );
        assert.ok(coded.bytes.byteLength < plain.bytes.byteLength);
        // Decoding once gives the file: it was not coded twice.
        assert.deepEqual(decoded(coded), plain.bytes, `${path} ${coding}`);
        const codedTag = coded.headers.get("etag")!;
        assert.notEqual(codedTag, etag);
        assert.equal(codedTag, `${etag.slice(0, -1)}-${coding}"`);
        const again = await rawRequest(base, path, {
          "accept-encoding": coding,
          "if-none-match": codedTag,
        });
        assert.equal(again.status, 304);
        assert.ok(varies(again.headers));
        const head = await rawRequest(
          base,
          path,
          { "accept-encoding": coding },
          "HEAD",
        );
        assert.equal(head.headers.get("content-encoding"), coding);
        assert.equal(
          head.headers.get("content-length"),
          String(coded.bytes.byteLength),
        );
        assert.equal(head.bytes.byteLength, 0);
      }
    }
  });
});

Deno.test("file downloads: text is coded whole, never ranged; compressed formats never", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const room = await createChannel(ada.api);
    const auth = { authorization: `Bearer ${ada.token}` };
    const svg = new TextEncoder().encode(
      `<svg xmlns="http://www.w3.org/2000/svg">${
        '<rect width="1" height="1"/>'.repeat(200)
      }</svg>`,
    );
    const svgUrl = (await uploadFile(ada.api, room.id, svg, "shapes.svg")).url;
    const whole = await rawRequest(base, svgUrl, {
      ...auth,
      "accept-encoding": "br",
    });
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get("content-encoding"), "br");
    assert.deepEqual(decoded(whole), svg);
    assert.match(whole.headers.get("etag") ?? "", /^W\//);
    assert.match(whole.headers.get("content-disposition") ?? "", /attachment/);

    const ranged = await rawRequest(base, svgUrl, {
      ...auth,
      "accept-encoding": "br",
      range: "bytes=10-99",
    });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get("content-encoding"), null);
    assert.equal(
      ranged.headers.get("content-range"),
      `bytes 10-99/${svg.length}`,
    );
    assert.deepEqual(ranged.bytes, svg.subarray(10, 100));

    // PNG bytes: compressed already, so sent as stored whatever the client takes.
    const png = new Uint8Array(4096);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const pngUrl = (await uploadFile(ada.api, room.id, png, "noise.png")).url;
    const image = await rawRequest(base, pngUrl, {
      ...auth,
      "accept-encoding": "gzip, br",
    });
    assert.equal(image.status, 200);
    assert.equal(image.headers.get("content-encoding"), null);
    assert.deepEqual(image.bytes, png);
  });
});
