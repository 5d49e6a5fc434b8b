/** What `/openapi.json` and `/docs` answer: the document (built once) and the reference page. */
import denoJson from "../../deno.json" with { type: "json" };
import { buildDocument } from "./document.ts";

let text: string | undefined;

/** The document as JSON text, built on first use (its schemas never change while running). */
export function openApiText(): string {
  text ??= JSON.stringify(buildDocument(denoJson.version));
  return text;
}

/**
 * The `/docs` page: Swagger UI from this origin (copied from swagger-ui-dist
 * at build time) started by `/docs.js`, so it runs under the page CSP.
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hearth API reference</title>
<link rel="icon" href="/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
<link rel="stylesheet" href="/docs.css">
</head>
<body>
<main id="docs" aria-label="Hearth API reference">
<noscript><p>This reference needs JavaScript; the document itself is at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
</main>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/docs.js"></script>
</body>
</html>
`;
