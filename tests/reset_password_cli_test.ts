/**
 * `hearth reset-password`: run as a process beside a running server on the
 * same database, it prints a temporary password, ends the account's
 * sessions, and sign-in with it answers `mustChangePassword` until changed.
 */
import assert from "node:assert/strict";
import { request, signIn, signUp } from "./helpers/api.ts";
import { bufferOutputOf, showLogOnFailure } from "./helpers/server_log.ts";
import { spawnHearth } from "./helpers/process.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const ENV = { NO_COLOR: "1", HEARTH_BCRYPT_COST: "4" };

async function resetCommand(args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "reset-password", ...args],
    cwd: ROOT,
    env: ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return {
    code: output.code,
    stdout: text.decode(output.stdout).trim(),
    stderr: text.decode(output.stderr),
  };
}

Deno.test("hearth reset-password prints a temporary password that must be changed", async () => {
  const dir = await Deno.makeTempDir();
  const db = `${dir}/hearth.db`;
  const hearth = await spawnHearth({
    db,
    env: ENV,
    onLine: bufferOutputOf("main.ts"),
  });
  try {
    await showLogOnFailure("main.ts", async () => {
      const ada = await signUp(hearth.base);
      const second = await signIn(hearth.base, ada.username, ada.password);

      const ran = await resetCommand(["--db", db, ada.username]);
      assert.equal(ran.code, 0, ran.stderr);
      const temporary = ran.stdout;
      assert.match(temporary, /^[A-Za-z0-9_-]{16}$/);
      for (const token of [ada.token, second]) {
        const me = await request(hearth.base, "GET", "/me", { token });
        assert.equal(me.status, 401, "every session ended");
      }
      const old = await request(hearth.base, "POST", "/auth/login", {
        json: { username: ada.username, password: ada.password },
      });
      assert.equal(old.status, 401);
      const temp = await request(hearth.base, "POST", "/auth/login", {
        json: { username: ada.username, password: temporary },
      });
      assert.equal(temp.status, 200);
      assert.equal(temp.body.mustChangePassword, true);
      const changed = await request(hearth.base, "POST", "/me/password", {
        token: temp.body.access_token,
        json: { currentPassword: temporary, newPassword: "chosen anew, long" },
      });
      assert.equal(changed.status, 204);
      const after = await request(hearth.base, "POST", "/auth/login", {
        json: { username: ada.username, password: "chosen anew, long" },
      });
      assert.equal(after.body.mustChangePassword, false);

      const unknown = await resetCommand(["--db", db, "nobody_at_all"]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no user "nobody_at_all"/);
      assert.equal(unknown.stdout, "");
      assert.equal((await resetCommand(["--db", db])).code, 2);
      assert.equal((await resetCommand(["--db", db, "--bogus", "x"])).code, 2);
      const help = await resetCommand(["--help"]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /Usage: hearth reset-password/);
    });
  } finally {
    await hearth.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
