/**
 * `X-Forwarded-Host` and `X-Forwarded-Proto` describe the public origin only
 * when a proxy Hearth trusts set them. Without `--trust-proxy` anyone can send
 * them, so they must neither make a foreign `Origin` look like this site's nor
 * mark cookies `Secure`; with it, a proxied browser works as before.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  request,
  signUp,
  socketUrl,
  upgradeStatus,
  withHearth,
} from "../helpers/api.ts";

const PUBLIC = "https://chat.example.net";
const FORWARDED = {
  origin: PUBLIC,
  "x-forwarded-host": "chat.example.net",
  "x-forwarded-proto": "https",
};

/** What each forwarded-header decision came out as, on a server started with `args`. */
async function outcomes(args: string[]) {
  let result: Record<string, unknown> = {};
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const room = await createChannel(ada.api);
    const cookie = `hearth_token=${ada.token}`;
    const login = await request(base, "POST", "/auth/login", {
      json: { username: ada.username, password: ada.password },
      headers: { "x-forwarded-proto": "https" },
    });
    const page = await request(base, "GET", `/c/${room.id}`, {
      headers: { cookie, accept: "text/html", "x-forwarded-proto": "https" },
    });
    const patch = await request(base, "PATCH", "/me", {
      json: { displayName: "Ada" },
      headers: { cookie, ...FORWARDED },
    });
    const signIn = await request(base, "POST", "/auth/login", {
      json: { username: ada.username, password: ada.password },
      headers: FORWARDED,
    });
    result = {
      loginSecure: /;\s*Secure/i.test(login.headers.getSetCookie()[0] ?? ""),
      pageSecure: /;\s*Secure/i.test(page.headers.getSetCookie()[0] ?? ""),
      patch: patch.status,
      signIn: signIn.status,
      socket: await upgradeStatus(socketUrl(base, room.id, ada.token), {
        ...FORWARDED,
      }),
    };
  }, args);
  return result;
}

Deno.test("without --trust-proxy, X-Forwarded-Host and -Proto are not believed", async () => {
  assert.deepEqual(await outcomes([]), {
    loginSecure: false,
    pageSecure: false,
    patch: 403,
    signIn: 403,
    socket: 403,
  });
});

Deno.test("with --trust-proxy, the proxy's public origin and scheme are used", async () => {
  assert.deepEqual(await outcomes(["--trust-proxy"]), {
    loginSecure: true,
    pageSecure: true,
    patch: 200,
    signIn: 200,
    socket: 101,
  });
});
