import { type Browser, chromium } from "playwright-core";

/** The Chromium the tests drive; Debian's package unless HEARTH_CHROMIUM says otherwise. */
export const CHROMIUM = Deno.env.get("HEARTH_CHROMIUM") ?? "/usr/bin/chromium";

/** Launches headless Chromium; a missing browser is a failure, never a skip. */
export async function launchBrowser(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: run \`deno task test\`, which installs it`,
    );
  }
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
