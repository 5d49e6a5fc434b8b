import SignInForm from "../islands/SignInForm.tsx";
import { landingPath } from "../lib/chat/pages.ts";
import { LAST_CHANNEL_COOKIE, readCookie } from "../lib/http/cookies.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const session = ctx.state.session;
    // `?banned`: a page whose socket was closed by a ban lands here.
    if (!session) {
      return ctx.render(<Home banned={ctx.url.searchParams.has("banned")} />);
    }
    // Signed in already: straight back to where they were.
    const last = readCookie(ctx.req.headers.get("cookie"), LAST_CHANNEL_COOKIE);
    return ctx.redirect(
      await landingPath(ctx.state.services, session.user, last),
    );
  },
});

/** The front door: sign in or create an account; `banned` says why a session ended. */
function Home({ banned = false }: { banned?: boolean }) {
  return (
    <main class="welcome">
      <section class="welcome-card" aria-labelledby="welcome-title">
        <h1 class="brand" id="welcome-title">
          <img src="/icon.svg" alt="" width="40" height="40" /> Hearth
        </h1>
        <p class="muted">
          Chat and share files with your people, on your own server.
        </p>
        <SignInForm
          notice={banned ? "This account has been banned." : undefined}
        />
      </section>
      <p class="welcome-foot muted">
        New here? Pick a username and password, then choose{" "}
        <strong>Create account</strong>.
      </p>
    </main>
  );
}

export default define.page(() => <Home />);
