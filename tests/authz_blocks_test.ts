/**
 * The authorization matrix of blocks: every route a block changes, asked by
 * someone the other person blocked, by the blocker themself, and by a
 * stranger with no block, each toward the same person and their two-person
 * DM. A block refuses direct contact both ways (403); reading, lists and
 * undoing stay open. Each row's changes are undone before the next.
 */
import assert from "node:assert/strict";
import {
  type Account,
  type Api,
  postMessage,
  request,
  signUp,
  socketUrl,
  uniqueName,
  upgradeStatus,
  withHearth,
} from "./helpers/api.ts";

const COLUMNS = ["blocked", "blocker", "stranger"] as const;
type Column = typeof COLUMNS[number];
type Row = [method: string, path: string, ...want: number[]];

/**
 * {targetId} and {target} are the other person (their id, their username),
 * {dm} the two-person DM of the caller and them, {seq} the caller's message
 * there, written before the block. The stranger's DM exists already, so
 * `POST /dms` finds it (200).
 */
// deno-fmt-ignore
const MATRIX: Row[] = [
  //  method  path                                        blocked blocker stranger
  ["POST",  "/friends",                                   403,    403,    201],
  ["PUT",   "/friends/{targetId}",                        404,    404,    404],
  ["DELETE","/friends/{targetId}",                        204,    204,    204],
  ["GET",   "/friends",                                   200,    200,    200],
  ["PUT",   "/blocks/{targetId}",                         204,    204,    204],
  ["GET",   "/blocks",                                    200,    200,    200],
  ["POST",  "/dms",                                       403,    403,    200],
  ["GET",   "/channels/{dm}/messages",                    200,    200,    200],
  ["POST",  "/channels/{dm}/messages",                    403,    403,    201],
  ["POST",  "/channels/{dm}/files",                       403,    403,    201],
  ["PATCH", "/channels/{dm}/messages/{seq}",              403,    403,    200],
  ["PUT",   "/channels/{dm}/messages/{seq}/reactions/{emoji}", 403, 403, 204],
  ["WS",    "/ws/channels/{dm}",                          101,    101,    101],
];

interface Cell {
  caller: Account & { api: Api };
  ids: Record<string, string>;
}

async function setUp(base: string): Promise<Record<Column, Cell>> {
  const ada = await signUp(base, uniqueName("ada"));
  const bo = await signUp(base, uniqueName("bo"));
  const cy = await signUp(base, uniqueName("cy"));
  const dm = (await bo.api.post("/dms", { usernames: [ada.username] })).body;
  const cyDm = (await cy.api.post("/dms", { usernames: [ada.username] })).body;
  const bos = await postMessage(bo.api, dm.id, "from bo");
  const adas = await postMessage(ada.api, dm.id, "from ada");
  const cys = await postMessage(cy.api, cyDm.id, "from cy");
  const blocked = await ada.api.send("PUT", `/blocks/${bo.id}`, {});
  assert.equal(blocked.status, 204);
  const emoji = encodeURIComponent("👍");
  const cell = (
    caller: Account & { api: Api },
    target: Account,
    dmId: string,
    seq: number,
  ): Cell => ({
    caller,
    ids: {
      target: target.username,
      targetId: target.id,
      dm: dmId,
      seq: String(seq),
      emoji,
    },
  });
  return {
    blocked: cell(bo, ada, dm.id, bos.seq),
    blocker: cell(ada, bo, dm.id, adas.seq),
    stranger: cell(cy, ada, cyDm.id, cys.seq),
  };
}

function bodyFor(method: string, template: string, cell: Cell) {
  if (template === "/friends" && method === "POST") {
    return { json: { username: cell.ids.target } };
  }
  if (template === "/dms") return { json: { usernames: [cell.ids.target] } };
  if (template.endsWith("/files")) {
    const form = new FormData();
    form.set("file", new File(["hi"], "a.txt", { type: "text/plain" }));
    return { body: form };
  }
  if (method === "PATCH") return { json: { content: "edited" } };
  if (template.endsWith("/messages") && method === "POST") {
    return { json: { content: "hello" } };
  }
  return {};
}

// Puts things back after a cell that changed them; the blocker's own block stays.
async function restore(
  method: string,
  template: string,
  column: Column,
  status: number,
  cell: Cell,
): Promise<void> {
  if (status >= 300) return;
  const { api } = cell.caller;
  const target = cell.ids.targetId;
  if (template === "/friends" && method === "POST") {
    assert.equal(
      (await api.send("DELETE", `/friends/${target}`, {})).status,
      204,
    );
  }
  if (template === "/blocks/{targetId}" && column !== "blocker") {
    assert.equal(
      (await api.send("DELETE", `/blocks/${target}`, {})).status,
      204,
    );
  }
}

Deno.test("authorization matrix of blocks: blocked, blocker and stranger on every route a block touches", async () => {
  await withHearth(async ({ base }) => {
    const cells = await setUp(base);
    const wrong: string[] = [];
    for (const [method, template, ...want] of MATRIX) {
      for (const [i, column] of COLUMNS.entries()) {
        const cell = cells[column];
        const path = template.replace(/\{(\w+)\}/g, (_, k) => cell.ids[k]);
        const status = method === "WS"
          ? await upgradeStatus(socketUrl(base, cell.ids.dm, cell.caller.token))
          : (await request(base, method, path, {
            token: cell.caller.token,
            ...bodyFor(method, template, cell),
          })).status;
        if (status !== want[i]) {
          wrong.push(
            `${method} ${template} as ${column}: ${status}, want ${want[i]}`,
          );
        }
        await restore(method, template, column, status, cell);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
