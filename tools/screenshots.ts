/**
 * `deno run -A tools/screenshots.ts`: starts Hearth on a throwaway database,
 * fills it with a small team's conversation, and saves PNGs of the main
 * screens (light and dark, 1280x800 and 375x812; settings and the admin page
 * light and wide) under docs/screenshots/.
 * Run `deno task build` first.
 */
import type { BrowserContext, Page } from "playwright-core";
import { parseConfig } from "../lib/config.ts";
import { startServer } from "../lib/server.ts";
import { setLogSink } from "../lib/log.ts";
import { launchBrowser } from "../tests/helpers/browser.ts";

const OUT = new URL("../docs/screenshots/", import.meta.url);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };

// Seeding reads a few known fields from API answers; no need to type them all.
// deno-lint-ignore no-explicit-any
type Loose = any;

interface Person {
  id: string;
  token: string;
}

async function main(): Promise<void> {
  setLogSink(() => {});
  const parsed = parseConfig(
    [
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--db",
      ":memory:",
      "--registration",
      "open",
    ],
    () => undefined,
  );
  if (parsed.kind !== "serve") throw new Error("bad config");
  const server = await startServer({ ...parsed.config, passwordCost: 4 });
  const base = `http://127.0.0.1:${server.port}`;
  const browser = await launchBrowser();
  const sockets: WebSocket[] = [];
  try {
    await Deno.mkdir(OUT, { recursive: true });
    const seeded = await seed(base, await renderPicture(browser));
    // Grace and Linus are online: their sockets light up the member list.
    for (const who of [seeded.people.grace, seeded.people.linus]) {
      const url =
        `ws://127.0.0.1:${server.port}/ws/channels/${seeded.general}?token=${who.token}`;
      sockets.push(new WebSocket(url));
    }
    await new Promise((r) => setTimeout(r, 300));

    for (const scheme of ["light", "dark"] as const) {
      // The front door.
      const anon = await browser.newContext({
        viewport: DESKTOP,
        colorScheme: scheme,
      });
      const door = await anon.newPage();
      await door.goto(base + "/");
      await door.getByRole("button", { name: "Sign in", disabled: false })
        .waitFor();
      await shot(door, `signin-desktop-${scheme}`);
      await anon.close();

      // The chat, wide.
      const wide = await signedIn(
        browser,
        base,
        seeded.people.ada,
        DESKTOP,
        scheme,
      );
      const chat = await wide.newPage();
      await openChat(chat, `${base}/c/${seeded.general}`);
      typing(sockets[0]);
      await chat.getByText(/is typing/).waitFor();
      await shot(chat, `chat-desktop-${scheme}`);
      if (scheme === "light") {
        await chat.goto(base + "/browse");
        await chat.locator(".app[data-ready]").waitFor();
        await shot(chat, "browse-desktop-light");
        await openChat(chat, `${base}/c/${seeded.general}`);
        await chat.getByRole("button", { name: "New channel" }).click();
        await chat.getByRole("textbox", { name: "Channel name" }).fill(
          "book-club",
        );
        await shot(chat, "new-channel-desktop-light");
        await chat.goto(base + "/settings");
        await chat.getByRole("heading", { level: 1, name: "Settings" })
          .waitFor();
        await shot(chat, "settings-desktop-light");
        // The owner's admin page, on its first tab.
        await chat.goto(base + "/admin");
        await chat.getByRole("tab", { selected: true }).waitFor();
        await chat.waitForTimeout(300);
        await shot(chat, "admin-desktop-light");
      }
      await wide.close();

      // The chat on a phone, and its channel drawer.
      const narrow = await signedIn(
        browser,
        base,
        seeded.people.ada,
        PHONE,
        scheme,
      );
      const phone = await narrow.newPage();
      await openChat(phone, `${base}/c/${seeded.general}`);
      await shot(phone, `chat-mobile-${scheme}`);
      await phone.getByRole("button", { name: "Open channels" }).click();
      await phone.locator(".drawer-open .sidebar").waitFor();
      await phone.waitForTimeout(300);
      await shot(phone, `drawer-mobile-${scheme}`);
      await narrow.close();
    }
    console.log(`Saved screenshots to ${OUT.pathname}`);
  } finally {
    for (const socket of sockets) socket.close();
    await browser.close();
    await server.shutdown();
  }
}

// Grace starts typing, so the screenshot shows the indicator.
function typing(socket: WebSocket): void {
  socket.send(JSON.stringify({ type: "typing" }));
}

async function signedIn(
  browser: Awaited<ReturnType<typeof launchBrowser>>,
  base: string,
  person: Person,
  viewport: { width: number; height: number },
  colorScheme: "light" | "dark",
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, colorScheme });
  await context.addCookies([{
    name: "hearth_token",
    value: person.token,
    url: base,
    httpOnly: true,
    sameSite: "Lax",
  }]);
  return context;
}

async function openChat(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator(".app[data-ready]").waitFor();
  await page.locator(".banner").waitFor({ state: "detached" });
  // Inline images load lazily; wait until every one in view has arrived.
  await page.waitForFunction(() =>
    Array.from(document.images).every((img) => img.complete)
  );
  await page.waitForTimeout(200);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: new URL(`${name}.png`, OUT).pathname });
  console.log(`  ${name}.png`);
}

/** A small landscape picture drawn by the browser, to share as an image. */
async function renderPicture(
  browser: Awaited<ReturnType<typeof launchBrowser>>,
): Promise<Uint8Array<ArrayBuffer>> {
  const page = await browser.newPage({ viewport: { width: 640, height: 400 } });
  await page.setContent(`<body style="margin:0">
    <div style="width:640px;height:400px;position:relative;overflow:hidden;
      background:linear-gradient(180deg,#f7b267 0%,#f4845f 45%,#7d4e57 100%)">
      <div style="position:absolute;left:380px;top:120px;width:140px;height:140px;
        border-radius:50%;background:#ffe8a3;opacity:.95"></div>
      <div style="position:absolute;left:-60px;right:-60px;top:250px;height:300px;
        border-radius:50% 50% 0 0;background:#3d2c3e"></div>
      <div style="position:absolute;left:200px;right:-200px;top:290px;height:300px;
        border-radius:50% 50% 0 0;background:#2a1f2d"></div>
    </div></body>`);
  const png = await page.screenshot({ type: "png" });
  await page.close();
  return new Uint8Array(png);
}

async function seed(base: string, picture: Uint8Array<ArrayBuffer>) {
  const names = {
    ada: "Ada Lovelace",
    grace: "Grace Hopper",
    linus: "Linus Pauling",
    margaret: "Margaret Hamilton",
  };
  const people = {} as Record<keyof typeof names, Person>;
  for (const [username, displayName] of Object.entries(names)) {
    const password = "correct horse battery";
    const user = await call(base, "POST", "/auth/register", undefined, {
      username,
      password,
      displayName,
    });
    const login = await call(base, "POST", "/auth/login", undefined, {
      username,
      password,
    });
    people[username as keyof typeof names] = {
      id: user.id,
      token: login.access_token,
    };
  }
  const { ada, grace, linus, margaret } = people;
  const channels = await call(base, "GET", "/channels", ada.token);
  const general = channels[0].id as string;
  const design = await call(base, "POST", "/channels", grace.token, {
    name: "design",
    topic: "Mockups, feedback and pixels",
  });
  const random = await call(base, "POST", "/channels", linus.token, {
    name: "random",
    topic: "Everything else",
  });
  await call(base, "POST", "/channels", margaret.token, {
    name: "launch-plan",
    topic: "Dates, owners and the checklist",
  });
  const ops = await call(base, "POST", "/channels", ada.token, {
    name: "ops",
    topic: "Servers and backups",
    private: true,
  });
  void ops;
  await call(base, "POST", `/channels/${design.id}/join`, ada.token);
  await call(base, "POST", `/channels/${random.id}/join`, ada.token);

  const say = (who: Person, channel: string, content: string) =>
    call(base, "POST", `/channels/${channel}/messages`, who.token, {
      content,
      clientId: crypto.randomUUID(),
    });
  await say(grace, general, "Morning all! Coffee is on in the kitchen ☕");
  await say(
    linus,
    general,
    "Morning! The staging server is back up after last night's upgrade.",
  );
  await say(linus, general, "Release notes: https://example.org/notes/2.4");
  await say(
    ada,
    general,
    "Thanks Linus. I'll run the migration checks before lunch.",
  );
  await say(ada, general, "Anything else blocking the release?");
  await say(
    margaret,
    general,
    "Just the onboarding copy. Grace, could you take a last look?",
  );
  await say(grace, general, "On it. Here's the new welcome illustration:");
  await upload(
    base,
    grace,
    general,
    "welcome-sunset.png",
    "image/png",
    picture,
  );
  const notes = new TextEncoder().encode(
    "Launch checklist\n\n1. Freeze\n2. Migrate\n3. Announce\n",
  );
  await upload(
    base,
    margaret,
    general,
    "launch-checklist.txt",
    "text/plain",
    notes,
  );
  await say(
    margaret,
    general,
    "And the checklist, with owners next to each step.",
  );
  await say(ada, general, "Lovely. Shipping Thursday then!");
  const last = await say(
    grace,
    general,
    "Perfect, I'll send the announcement draft after lunch.",
  );
  await call(base, "POST", `/channels/${general}/read`, ada.token, {
    seq: last.seq,
  });
  for (let i = 1; i <= 3; i++) {
    await say(grace, design.id, `Mockup round ${i} is in the shared folder.`);
  }
  await say(linus, random.id, "Who's up for a walk at four?");
  return { people, general };
}

async function upload(
  base: string,
  who: Person,
  channel: string,
  name: string,
  type: string,
  bytes: Uint8Array<ArrayBuffer>,
): Promise<void> {
  const form = new FormData();
  form.append("file", new File([bytes], name, { type }));
  const res = await fetch(`${base}/channels/${channel}/files`, {
    method: "POST",
    headers: { authorization: `Bearer ${who.token}` },
    body: form,
  });
  if (!res.ok) {
    throw new Error(`upload ${name}: ${res.status} ${await res.text()}`);
  }
  await res.body?.cancel();
}

async function call(
  base: string,
  method: string,
  path: string,
  token?: string,
  json?: unknown,
): Promise<Loose> {
  const headers = new Headers();
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (json !== undefined) headers.set("content-type", "application/json");
  const res = await fetch(base + path, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

if (import.meta.main) await main();
