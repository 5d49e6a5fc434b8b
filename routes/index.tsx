import SignInForm from "../islands/SignInForm.tsx";
import { landingPath } from "../lib/chat/pages.ts";
import { LAST_CHANNEL_COOKIE, readCookie } from "../lib/http/cookies.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const session = ctx.state.session;
    if (!session) return ctx.render(<Home />);
    // Signed in already: straight back to where they were.
    const last = readCookie(ctx.req.headers.get("cookie"), LAST_CHANNEL_COOKIE);
    return ctx.redirect(
      await landingPath(ctx.state.services, session.user, last),
    );
  },
});

/** The front door: sign in or create an account. */
function Home() {
  return (
    <main class="welcome">
      <section class="welcome-card" aria-labelledby="welcome-title">
        <h1 class="brand" id="welcome-title">
          <img src="/icon.svg" alt="" width="40" height="40" /> Hearth
        </h1>
        <p class="muted">
          Chat and share files with your people, on your own server.
        </p>
        <SignInForm />
      </section>
      <p class="welcome-foot muted">
        New here? Pick a username and password, then choose{" "}
        <strong>Create account</strong>.
      </p>
    </main>
  );
}

export default define.page(Home);
