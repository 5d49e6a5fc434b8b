import { DOCS_PAGE } from "../lib/openapi/serve.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  GET() {
    return new Response(DOCS_PAGE, {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-cache",
      },
    });
  },
});
