import { errorResponse } from "../lib/http/errors.ts";
import { define } from "../utils.ts";

/** The one place errors become responses: JSON for the API, a page for browsers. */
export const handler = define.handlers((ctx) => errorResponse(ctx));

const TITLES: Record<number, string> = {
  404: "This page does not exist",
  403: "You cannot see this",
  401: "Please sign in",
  410: "This link no longer works",
};

export default define.page<typeof handler>(function ErrorPage({ data }) {
  return (
    <main class="error-page">
      <h1>{TITLES[data.status] ?? "Something went wrong"}</h1>
      <p>{data.detail}</p>
      {data.status >= 500 && <p class="muted">Request id: {data.requestId}</p>}
      <p>
        <a href="/">Back to Hearth</a>
      </p>
    </main>
  );
});
