/**
 * Draws the PNG icons the web manifest lists (192 and 512 px) from
 * static/icon.svg with Chromium, so the one drawing stays the source.
 * Run after changing the icon: `deno run -A tools/icons.ts`.
 */
import { launchBrowser } from "../tests/helpers/browser.ts";

const STATIC = new URL("../static/", import.meta.url);
const SIZES = [192, 512];

const svg = await Deno.readTextFile(new URL("icon.svg", STATIC));
const browser = await launchBrowser();
try {
  for (const size of SIZES) {
    const page = await browser.newPage({
      viewport: { width: size, height: size },
    });
    const dataUrl = `data:image/svg+xml;base64,${
      new TextEncoder().encode(svg).toBase64()
    }`;
    await page.setContent(
      `<body style="margin:0"><img src="${dataUrl}" width="${size}" height="${size}" style="display:block"></body>`,
    );
    await page.locator("img").evaluate((img: HTMLImageElement) => img.decode());
    const png = await page.screenshot({ omitBackground: true });
    await Deno.writeFile(new URL(`icon-${size}.png`, STATIC), png);
    await page.close();
    console.log(`static/icon-${size}.png`);
  }
} finally {
  await browser.close();
}
