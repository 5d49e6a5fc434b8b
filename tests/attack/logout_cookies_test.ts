/**
 * Signing out leaves nothing of the session behind in the browser: every
 * cookie Hearth sets (the session and the last channel opened) is cleared.
 */
import assert from "node:assert/strict";
import { createChannel, request, signUp, withHearth } from "../helpers/api.ts";

/** The cookie names a response's Set-Cookie headers expire (Max-Age=0, empty value). */
function cleared(headers: Headers): string[] {
  return headers.getSetCookie().flatMap((line) => {
    const [pair, ...attrs] = line.split(";").map((part) => part.trim());
    const [name, value] = pair.split("=");
    return value === "" && attrs.includes("Max-Age=0") &&
        attrs.includes("Path=/")
      ? [name]
      : [];
  }).sort();
}

Deno.test("POST /auth/logout clears the session cookie and hearth_last_channel", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const room = await createChannel(ada.api);
    const cookie = `hearth_token=${ada.token}`;
    // Opening a channel page is what sets the last-channel cookie.
    const page = await request(base, "GET", `/c/${room.id}`, {
      headers: { cookie, accept: "text/html" },
    });
    assert.equal(page.status, 200);
    const set = page.headers.getSetCookie().map((c) => c.split("=")[0]);
    assert.deepEqual(set, ["hearth_last_channel"]);

    const out = await request(base, "POST", "/auth/logout", {
      headers: { cookie: `${cookie}; hearth_last_channel=${room.id}` },
    });
    assert.equal(out.status, 204);
    assert.deepEqual(cleared(out.headers), [
      "hearth_last_channel",
      "hearth_token",
    ]);
  });
});
