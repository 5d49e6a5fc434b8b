import { page } from "fresh";
import SettingsForm from "../islands/SettingsForm.tsx";
import { define } from "../utils.ts";

export const handler = define.handlers({
  GET(ctx) {
    const session = ctx.state.session;
    if (!session) return ctx.redirect("/");
    return page({
      user: session.user,
      mustChange: ctx.url.searchParams.has("reset"),
    }, { headers: { "cache-control": "private, no-store" } });
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
