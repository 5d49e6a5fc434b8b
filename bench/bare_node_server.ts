/**
 * The second HTTP baseline of bench/http_read.ts: a bare `node:http` server
 * (the listener Hearth serves through) answering `GET /page` with the bytes of
 * the file named by its argument in one `res.end` (as `application/json`,
 * never compressed). Against bare_http_server.ts it shows what the listener
 * itself costs. No auth, no storage, no middleware.
 * Run: `deno run -A bench/bare_node_server.ts page.json`.
 */
import http from "node:http";

const page = await Deno.readFile(Deno.args[0]);

const server = http.createServer((_req, res) => {
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": page.byteLength,
  });
  res.end(page);
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") {
    throw new Error("no address");
  }
  console.log(`listening on http://127.0.0.1:${address.port}`);
});
