/**
 * Shared steps for the chat browser suites: a server, Chromium, people who
 * sign up through the real UI, and questions about what a page shows.
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "../helpers/browser.ts";
import { startTestServer } from "../helpers/server.ts";
import { setLogLevel } from "../../lib/log.ts";

/** A running server as the chat suites use it. */
export type Server = Awaited<ReturnType<typeof startTestServer>>;

/** Options for browser contexts: viewport, colour scheme, a touch screen. */
export interface ContextOptions {
  viewport?: { width: number; height: number };
  colorScheme?: "light" | "dark";
  hasTouch?: boolean;
}

/** Starts a quiet server with fast password hashing; `args` add flags. */
export function startServer(args: string[] = []): Promise<Server> {
  setLogLevel("warn");
  return startTestServer(args, { passwordCost: 4 });
}

/**
 * Runs `body` with a fresh server and browser, closing both whatever happens.
 * Uncaught page errors fail the test.
 */
export async function withChat(
  body: (env: ChatEnv) => Promise<void>,
  args: string[] = [],
): Promise<void> {
  const server = await startServer(args);
  const browser = await launchBrowser();
  const env = new ChatEnv(server, browser);
  try {
    await body(env);
    assert.deepEqual(env.pageErrors, [], "no uncaught errors in pages");
  } finally {
    await browser.close();
    await env.server.shutdown();
  }
}

/** A server and a browser, and the people using them. */
export class ChatEnv {
  /** Uncaught errors seen in any page. */
  readonly pageErrors: string[] = [];

  /** Wraps a server and a browser. */
  constructor(public server: Server, readonly browser: Browser) {}

  /** The server's base URL. */
  get base(): string {
    return this.server.base;
  }

  /** A new browser context (a separate person) with one page. */
  async person(options: ContextOptions = {}): Promise<Person> {
    const context = await this.browser.newContext({
      viewport: options.viewport ?? { width: 1280, height: 800 },
      colorScheme: options.colorScheme ?? "light",
      hasTouch: options.hasTouch ?? false,
      acceptDownloads: true,
    });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    page.on("pageerror", (error) => this.pageErrors.push(error.message));
    return new Person(this, context, page);
  }

  /** A person who signed up through the front door and landed in a channel. */
  async signedUp(
    username: string,
    options: ContextOptions = {},
  ): Promise<Person> {
    const person = await this.person(options);
    await person.signUp(username);
    return person;
  }
}

/** One person in one browser context. */
export class Person {
  username = "";

  /** Wraps a context and its page. */
  constructor(
    readonly env: ChatEnv,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  /** Creates an account on `/` with the UI and waits for the chat page. */
  async signUp(username: string, password = "correct horse battery") {
    this.username = username;
    const { page } = this;
    await page.goto(this.env.base + "/");
    await signInReady(page);
    await page.getByRole("textbox", { name: "Username" }).fill(username);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    // Either the chat opens, or the form says why not (fail fast with its words).
    const error = page.locator(".form-error:not(:empty)");
    await Promise.race([
      page.waitForURL(/\/c\/[^/]+$/),
      error.waitFor().then(async () => {
        throw new Error(`sign-up failed: ${await error.textContent()}`);
      }),
    ]);
    await this.ready();
  }

  /** Waits until the chat island is live and its socket connected. */
  async ready(): Promise<void> {
    await chatReady(this.page);
    await this.page.locator(".banner").waitFor({ state: "detached" });
  }

  /** The message log. */
  log() {
    return this.page.getByRole("log");
  }

  /** The channel navigation. */
  nav() {
    return this.page.getByRole("navigation", { name: "Channels" });
  }

  /** Types `text` into the message box and presses Enter. */
  async send(text: string): Promise<void> {
    const box = this.page.getByRole("textbox", { name: "Message" });
    await box.fill(text);
    await box.press("Enter");
  }

  /** Waits until a stored (not pending) message with exactly `text` shows. */
  async sees(text: string): Promise<void> {
    await this.log().locator('.msg[data-status="sent"] .msg-text', {
      hasText: text,
    }).first().waitFor();
  }

  /** How many messages in the log have exactly `text`. */
  async count(text: string): Promise<number> {
    return await this.page.locator(".msg-text").evaluateAll(
      (nodes, wanted) => nodes.filter((n) => n.textContent === wanted).length,
      text,
    );
  }

  /** The seqs of the stored messages in the log, in page order. */
  async seqs(): Promise<number[]> {
    return await this.page.locator(".msg[data-seq]").evaluateAll((nodes) =>
      nodes.map((n) => Number((n as HTMLElement).dataset.seq))
    );
  }

  /** Creates a channel with the sidebar's form and waits until it is open. */
  async createChannel(name: string, topic = ""): Promise<void> {
    const { page } = this;
    const before = page.url();
    await this.nav().getByRole("button", { name: "New channel" }).click();
    const dialog = page.getByRole("dialog", { name: "New channel" });
    await dialog.getByRole("textbox", { name: "Channel name" }).fill(name);
    if (topic) {
      await dialog.getByRole("textbox", { name: /Topic/ }).fill(topic);
    }
    await dialog.getByRole("button", { name: "Create" }).click();
    await page.waitForURL((url) =>
      url.href !== before && /\/c\//.test(url.href)
    );
    await this.ready();
    await page.getByRole("heading", { level: 1, name }).waitFor();
  }

  /** Opens a channel from the sidebar. */
  async open(channelName: string): Promise<void> {
    const before = this.page.url();
    await this.nav().getByRole("link", { name: channelName }).first().click();
    await this.page.waitForURL((url) => url.href !== before);
    await this.ready();
  }
}

/** Waits until the sign-in form works: its buttons are enabled once it is live. */
export async function signInReady(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Create account", disabled: false })
    .waitFor();
}

/** Waits until the chat is live: its root says so once it has mounted. */
export async function chatReady(page: Page): Promise<void> {
  await page.locator(".app[data-ready]").waitFor();
}

/** Asserts that `seqs` run 1, 2, 3 … with nothing missing or repeated. */
export function assertGapless(seqs: number[], label: string): void {
  const expected = seqs.map((_, i) => (seqs[0] ?? 1) + i);
  assert.deepEqual(seqs, expected, `${label}: seqs in order, once each`);
}

/**
 * Asserts that each person's log shows every one of `texts` exactly once and
 * nothing else, with seqs that run without a gap.
 */
export async function assertEachOnce(
  people: Person[],
  texts: string[],
): Promise<void> {
  for (const person of people) {
    for (const text of texts) {
      assert.equal(await person.count(text), 1, `${text} shows once`);
    }
    const seqs = await person.seqs();
    assert.equal(seqs.length, texts.length);
    assertGapless(seqs, person.username);
  }
}

/** Drops a file onto the chat, as dragging one from the desktop does. */
export async function dropFile(
  person: Person,
  name: string,
  bytes: Uint8Array,
) {
  const transfer = await person.page.evaluateHandle(
    ({ name, data }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], name));
      return dt;
    },
    { name, data: Array.from(bytes) },
  );
  const main = person.page.getByRole("main");
  await main.dispatchEvent("dragenter", { dataTransfer: transfer });
  await person.page.getByText(/Drop files to share/).waitFor();
  await main.dispatchEvent("dragover", { dataTransfer: transfer });
  await main.dispatchEvent("drop", { dataTransfer: transfer });
}
