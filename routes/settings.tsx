import { page } from "fresh";
import SettingsForm from "../islands/SettingsForm.tsx";
import { requireUser } from "../lib/auth/session.ts";
import { changeSettings, readSettings } from "../lib/chat/settings.ts";
import { Admin } from "../lib/chat/standing.ts";
import { readJson } from "../lib/http/body.ts";
import { wantsHtml } from "../lib/http/errors.ts";
import { settingsBody } from "../lib/shared/admin_requests.ts";
import { define } from "../utils.ts";

// `/settings` is two things: the signed-in person's settings page, for a
// browser navigation (Accept: text/html), and the instance's settings API
// (`GET` / `PATCH`, admins and above) for everything else.
export const handler = define.handlers({
  async GET(ctx) {
    if (!wantsHtml(ctx.req)) {
      const admin = Admin.check(ctx.state.services, requireUser(ctx));
      return Response.json(await readSettings(admin), {
        headers: { vary: "accept", "cache-control": "private, no-store" },
      });
    }
    const session = ctx.state.session;
    if (!session) return ctx.redirect("/");
    return page({
      user: session.user,
      mustChange: ctx.url.searchParams.has("reset"),
    }, { headers: { vary: "accept", "cache-control": "private, no-store" } });
  },
  async PATCH(ctx) {
    const admin = Admin.check(ctx.state.services, requireUser(ctx));
    const change = await readJson(ctx.req, settingsBody);
    return Response.json(await changeSettings(admin, change));
  },
});

/** Settings: my display name, status, avatar and password. */
export default define.page<typeof handler>(({ data }) => (
  <main class="welcome">
    <section class="welcome-card settings" aria-labelledby="settings-title">
      <p class="brand">
        <a href="/">
          <img src="/icon.svg" alt="" width="40" height="40" /> Hearth
        </a>
      </p>
      <h1 id="settings-title">Settings</h1>
      <SettingsForm user={data.user} mustChange={data.mustChange} />
    </section>
  </main>
));
