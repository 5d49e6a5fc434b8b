/** What the authorization matrices (tests/authz*_test.ts) share: the routes to cover, and how a result is shown. */
import manifest from "../../fresh.gen.ts";
import { png } from "../../lib/files/_image_fixtures.ts";
import { request } from "./api.ts";

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
