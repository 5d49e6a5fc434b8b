import assert from "node:assert/strict";
import { z } from "zod";
import { documentationGaps } from "./coverage.ts";
import { json, type OperationRegistry } from "./operation.ts";

const handles = (...methods: string[]) => ({
  handler: Object.fromEntries(methods.map((m) => [m, () => new Response()])),
});

const REGISTRY: OperationRegistry = {
  "me.ts": {
    GET: {
      id: "getMe",
      summary: "Who I am",
      auth: "user",
      responses: { 200: json(z.object({}), "Me") },
    },
  },
  "index.tsx": "a page",
  "gone.ts": {},
};

Deno.test("documentationGaps() names each undocumented route and method, and stale entries", () => {
  const gaps = documentationGaps({
    "_app.tsx": {},
    "index.tsx": { handler: undefined },
    "me.ts": handles("GET", "PATCH"),
    "friends/[id].ts": handles("PUT", "DELETE"),
  }, REGISTRY);
  assert.deepEqual(gaps, [
    "PATCH /me (routes/me.ts) has no operation",
    "lib/openapi/operations/ (README: OpenAPI document) has an entry for routes/gone.ts, which is no route",
    "routes/friends/[id].ts (/friends/{id}) has no entry in lib/openapi/operations/ (README: OpenAPI document)",
  ]);
});

Deno.test("documentationGaps() finds nothing when every method is documented", () => {
  const registry = { ...REGISTRY };
  delete registry["gone.ts"];
  assert.deepEqual(
    documentationGaps({ "me.ts": handles("GET"), "index.tsx": {} }, registry),
    [],
  );
  assert.deepEqual(
    documentationGaps({ "me.ts": handles("GET", "POST") }, registry).length,
    2,
  );
});
