import { openApiText } from "../lib/openapi/serve.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  GET() {
    return new Response(openApiText(), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "cache-control": "no-cache",
      },
    });
  },
});
