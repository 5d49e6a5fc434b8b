import { page } from "fresh";
import ChatApp from "../../islands/ChatApp.tsx";
import { isHttps } from "../../lib/http/origin.ts";
import { loadChannelPage } from "../../lib/chat/pages.ts";
import { lastChannelCookie } from "../../lib/http/cookies.ts";
import { define } from "../../utils.ts";

// A permalink's `?m=<seq>`; anything else opens the channel at its newest.
function focusOf(url: URL): number {
  const m = url.searchParams.get("m") ?? "";
  return /^[1-9]\d{0,14}$/.test(m) ? Number(m) : 0;
}

export const handler = define.handlers({
  async GET(ctx) {
    const session = ctx.state.session;
    if (!session) return ctx.redirect("/");
    const data = await loadChannelPage(
      ctx.state.services,
      session.user,
      ctx.params.id,
      focusOf(ctx.url),
    );
    const headers = new Headers({ "cache-control": "private, no-store" });
    if (data.channel?.joined) {
      headers.set(
        "set-cookie",
        lastChannelCookie(
          data.channel.id,
          isHttps(ctx.req, ctx.state.services.config.trustProxy),
        ),
      );
    }
    return page(data, { headers });
  },
});

export default define.page<typeof handler>(({ data }) => (
  <ChatApp {...data} view="channel" />
));
