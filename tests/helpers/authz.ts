/** What the authorization matrices (tests/authz*_test.ts) share: the routes to cover, and how a result is shown. */
import manifest from "../../fresh.gen.ts";
import { png } from "../../lib/files/_image_fixtures.ts";
import assert from "node:assert/strict";
import { type Api, request } from "./api.ts";

/** One row as shown: its method, path and a cell per column. */
export interface RenderedRow {
  method: string;
  path: string;
  cells: string[];
}

/** `channels/[id]/join` for `/channels/{public}/join?x=1` (or `#api`); "" for `/`. */
export function routeOfRow(template: string): string {
  return template.split(/[?#]/)[0].replace(/\{\w+\}/g, "[id]").slice(1);
}

/** Every method of every route file, as `GET channels/[id]/messages`. */
export function manifestRoutes(): string[] {
  const found: string[] = [];
  for (const [file, mod] of Object.entries(manifest.routes)) {
    const name = file.split("/").pop()!;
    if (name.startsWith("_")) continue;
    const route = file.replace(/\.(tsx|ts|jsx|js)$/, "")
      .replace(/(^|\/)index$/, "")
      .replace(/\[[^\]]+\]/g, "[id]");
    const handler = mod.handler;
    const methods = handler && typeof handler === "object"
      ? Object.keys(handler)
      : ["GET"];
    for (const method of methods) found.push(`${method} ${route}`);
  }
  return found.sort();
}

/** The rows as a table with a column per caller, for a failure message. */
export function renderMatrix(
  columns: readonly string[],
  rows: RenderedRow[],
): string {
  const header = ["method", "path", ...columns];
  const table = [header, ...rows.map((r) => [r.method, r.path, ...r.cells])];
  const widths = header.map((_, i) =>
    Math.max(...table.map((line) => line[i].length))
  );
  return table.map((line) =>
    line.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()
  ).join("\n");
}

/** Uploads a small PNG as the caller's avatar. */
export function avatarUpload(base: string, token: string | undefined) {
  const form = new FormData();
  form.set("file", new File([png(20, 20)], "me.png"));
  return request(base, "PUT", "/me/avatar", { token, body: form });
}

/** Asks `username` to be friends, as the matrices' requester does. */
export async function askFriend(api: Api, username: string): Promise<void> {
  const res = await api.post("/friends", { username });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

/** Makes an incoming webhook of `channelId`: its id and the secret of its URL. */
export async function webhookOf(api: Api, channelId: string) {
  const res = await api.post(`/channels/${channelId}/webhooks`, {
    name: "Hook",
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.id as string, secret: res.body.url.split("/").pop() };
}

/** A status, and a broken error contract if any (e.g. a 4xx without `{detail, code}`). */
export interface Outcome {
  status: number;
  problem?: string;
}

/** Opens an event stream and closes it once its status is known (its body never ends). */
export async function openStream(
  base: string,
  path: string,
  token: string | undefined,
): Promise<Outcome> {
  const res = await fetch(new URL(path, base), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (res.status < 400) {
    await res.body?.cancel();
    return { status: res.status };
  }
  const body = await res.json().catch(() => null);
  const problem = typeof body?.detail === "string" &&
      typeof body?.code === "string"
    ? undefined
    : `no {detail, code} body: ${JSON.stringify(body)}`;
  return { status: res.status, problem };
}
