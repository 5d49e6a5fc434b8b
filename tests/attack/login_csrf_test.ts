/**
 * Sign-in CSRF: a page on another site must not be able to sign a visitor in
 * to an account of its choosing, or register one, while clients that are not
 * browsers (and so send neither `Origin` nor `Sec-Fetch-Site`) keep working.
 */
import assert from "node:assert/strict";
import { request, uniqueName, withHearth } from "../helpers/api.ts";

const PASSWORD = "correct horse battery";

/** A form post to /auth/login, as a cross-site `<form>` would send it. */
function formLogin(base: string, username: string, headers = {}) {
  return request(base, "POST", "/auth/login", {
    body: new URLSearchParams({ username, password: PASSWORD }),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...headers,
    },
  });
}

function register(base: string, headers: Record<string, string> = {}) {
  return request(base, "POST", "/auth/register", {
    json: { username: uniqueName(), password: PASSWORD },
    headers,
  });
}

Deno.test("sign-in and registration from another site are refused with 403 cross_site", async () => {
  await withHearth(async ({ base }) => {
    const attacker = uniqueName("attacker");
    const made = await request(base, "POST", "/auth/register", {
      json: { username: attacker, password: PASSWORD },
    });
    assert.equal(made.status, 201);
    const crossSite: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: base.replace("127.0.0.1", "localhost") },
      { origin: "https://evil.example", "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of crossSite) {
      const login = await formLogin(base, attacker, headers);
      assert.equal(login.status, 403, JSON.stringify(headers));
      assert.equal(login.body.code, "cross_site");
      assert.match(login.body.detail, /another site/);
      assert.deepEqual(login.headers.getSetCookie(), [], "no session cookie");
      const json = await request(base, "POST", "/auth/login", {
        json: { username: attacker, password: PASSWORD },
        headers,
      });
      assert.equal(json.status, 403, JSON.stringify(headers));
      const reg = await register(base, headers);
      assert.equal(reg.status, 403, JSON.stringify(headers));
      assert.equal(reg.body.code, "cross_site");
    }
  });
});

Deno.test("sign-in and registration from this site, an --origin, or no browser at all still work", async () => {
  const allowed = "https://chat.example.org";
  await withHearth(async ({ base }) => {
    const name = uniqueName();
    const made = await request(base, "POST", "/auth/register", {
      json: { username: name, password: PASSWORD },
      headers: { origin: base, "sec-fetch-site": "same-origin" },
    });
    assert.equal(made.status, 201);
    const fine: Record<string, string>[] = [
      {}, // curl and scripts send neither header
      { origin: base },
      { origin: base, "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "none" }, // typed into the address bar
      { origin: allowed, "sec-fetch-site": "cross-site" },
    ];
    for (const headers of fine) {
      const login = await formLogin(base, name, headers);
      assert.equal(login.status, 200, JSON.stringify(headers));
      assert.equal(login.headers.getSetCookie().length, 1);
      assert.equal((await register(base, headers)).status, 201);
    }
  }, ["--origin", allowed]);
});
