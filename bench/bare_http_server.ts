/**
 * The HTTP baseline of bench/http_read.ts: a bare `Deno.serve` that answers
 * `GET /page` with the bytes of the file named by its argument (as
 * `application/json`, never compressed) and `POST /post` with a small JSON
 * answer after reading the body. No auth, no storage, no middleware.
 * Run: `deno run -A bench/bare_http_server.ts page.json`.
 */
const page = await Deno.readFile(Deno.args[0]);
const created = new TextEncoder().encode('{"seq":1}');

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
}, async (req) => {
  if (req.method === "POST") {
    await req.arrayBuffer();
    return new Response(created, {
      status: 201,
      headers: { "content-type": "application/json" },
    });
  }
  return new Response(page, {
    headers: { "content-type": "application/json" },
  });
});
