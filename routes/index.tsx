import SignInForm from "../islands/SignInForm.tsx";
import { define } from "../utils.ts";

/** The front door: sign in or create an account. */
export default define.page(function Home() {
  return (
    <main class="welcome">
      <section class="welcome-card">
        <h1 class="brand">
          <img src="/icon.svg" alt="" width="40" height="40" /> Hearth
        </h1>
        <p class="muted">
          Chat and share files with your people, on your own server.
        </p>
        <SignInForm />
      </section>
    </main>
  );
});
