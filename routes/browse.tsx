import { page } from "fresh";
import BrowsePage from "../islands/BrowsePage.tsx";
import { loadBrowsePage } from "../lib/chat/pages.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const session = ctx.state.session;
    if (!session) return ctx.redirect("/");
    // A cursor is a lower-cased channel name; anything longer is no cursor.
    const after = ctx.url.searchParams.get("after") ?? undefined;
    const cursor = after !== undefined && after.length <= 400
      ? after
      : undefined;
    return page(
      await loadBrowsePage(ctx.state.services, session.user, cursor),
      {
        headers: { "cache-control": "private, no-store" },
      },
    );
  },
});

export default define.page<typeof handler>(({ data }) => (
  <BrowsePage {...data} />
));
