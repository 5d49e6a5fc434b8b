/**
 * A client generated from `/openapi.json` by openapi-typescript type-checks a
 * small program that posts a message, reads frames and names error codes,
 * and refuses one that breaks the document (a message frame without its
 * required clientId, an undeclared error code).
 */
import assert from "node:assert/strict";
import openapiTS, { astToString } from "openapi-typescript";
import { buildDocument } from "../lib/openapi/document.ts";
import { withDeadline } from "./helpers/deadline.ts";

const PROGRAM = `
import type { components, paths } from "./api.ts";

type Schemas = components["schemas"];
type Post = paths["/channels/{id}/messages"]["post"];
type PostBody = NonNullable<Post["requestBody"]>["content"]["application/json"];
type Posted = Post["responses"][201]["content"]["application/json"];
type Conflict = paths["/channels"]["post"]["responses"][409]["content"]["application/json"];

/** Posts a message with a typed body and answer. */
export async function post(
  base: string,
  token: string,
  channelId: string,
  body: PostBody,
): Promise<Posted> {
  const res = await fetch(\`\${base}/channels/\${channelId}/messages\`, {
    method: "POST",
    headers: { authorization: \`Bearer \${token}\`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return await res.json() as Posted;
}

/** One line of a message. */
export function line(message: Schemas["Message"]): string {
  const reply = message.replyTo ? \` (to \${message.replyTo.seq})\` : "";
  return \`\${message.seq} \${message.author.displayName}\${reply}: \${message.content}\`;
}

/** What a server frame says. */
export function describe(frame: Schemas["ServerFrame"]): string {
  switch (frame.type) {
    case "ready":
      return \`\${frame.members.length} members, last seq \${frame.lastSeq}\`;
    case "message":
      return line(frame.message);
    case "error":
      return \`\${frame.code}: \${frame.detail}\`;
    default:
      return frame.type;
  }
}

export const hello: Schemas["ClientFrame"] = {
  type: "message",
  content: "hello",
  clientId: "c-1",
};
export const taken: Conflict["code"] = "channel_exists";
`;

const BROKEN = `
import type { components, paths } from "./api.ts";

export const noClientId: components["schemas"]["ClientMessageFrame"] = {
  type: "message",
  content: "hello",
};
type Conflict = paths["/channels"]["post"]["responses"][409]["content"]["application/json"];
export const unknown: Conflict["code"] = "no_such_code";
`;

async function denoCheck(dir: string, file: string) {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", file],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code, errors: new TextDecoder().decode(stderr) };
}

Deno.test("a client generated from the document type-checks a program against it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hearth-client-" });
  try {
    await withDeadline(
      (async () => {
        const ast = await openapiTS(buildDocument("test") as never);
        await Deno.writeTextFile(`${dir}/api.ts`, astToString(ast));
        await Deno.writeTextFile(`${dir}/program.ts`, PROGRAM);
        await Deno.writeTextFile(`${dir}/broken.ts`, BROKEN);
        const good = await denoCheck(dir, "program.ts");
        assert.equal(good.code, 0, good.errors);
        const bad = await denoCheck(dir, "broken.ts");
        assert.notEqual(bad.code, 0, "the broken program type-checked");
        assert.match(bad.errors, /clientId/);
        assert.match(bad.errors, /no_such_code/);
      })(),
      120_000,
      "Generating the client and type-checking the programs",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
