import { DEFAULT_INSTANCE_NAME, instanceName } from "../lib/chat/settings.ts";
import { define } from "../utils.ts";

/** The HTML shell around every page, titled with the instance's name. */
export default define.page(async function App({ Component, state }) {
  // A page still renders when the name cannot be read.
  const name = await instanceName(state.services).catch(() =>
    DEFAULT_INSTANCE_NAME
  );
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{name}</title>
        <link rel="icon" href="/icon.svg" type="image/svg+xml" />
        <link rel="manifest" href="/manifest.webmanifest" />
        <link rel="stylesheet" href="/styles.css" />
      </head>
      <body>
        <Component />
      </body>
    </html>
  );
});
