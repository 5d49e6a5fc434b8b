import { page } from "fresh";
import InviteJoin from "../../islands/InviteJoin.tsx";
import SignInForm from "../../islands/SignInForm.tsx";
import { type InvitePage, loadInvitePage } from "../../lib/chat/invites.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const data = await loadInvitePage(
      ctx.state.services,
      ctx.params.code,
      ctx.state.session?.user ?? null,
    );
    return page(data, { headers: { "cache-control": "private, no-store" } });
  },
});

/** The page an invite link opens: who invites you to what, and the way in. */
export default define.page<typeof handler>(({ data }) => (
  <main class="welcome">
    <section class="welcome-card" aria-labelledby="invite-title">
      <p class="brand">
        <img src="/icon.svg" alt="" width="40" height="40" /> Hearth
      </p>
      <InviteBody {...data} />
    </section>
  </main>
));

function InviteBody({ preview, me, member }: InvitePage) {
  const where = preview.channel ? `#${preview.channel.name}` : "Hearth";
  const next = preview.channel
    ? `/c/${encodeURIComponent(preview.channel.id)}`
    : "/";
  return (
    <>
      <h1 id="invite-title">
        {preview.inviter.displayName} invited you to{" "}
        <span class="invite-target">{where}</span>
      </h1>
      {me === null
        ? (
          <>
            <p class="muted">
              Create an account to join, or sign in if you have one.
            </p>
            <SignInForm invite={preview.code} next={next} />
          </>
        )
        : member
        ? (
          <p>
            You are in {where} already.{" "}
            <a class="button" href={next}>Open {where}</a>
          </p>
        )
        : (
          <>
            <p class="muted">You are signed in as {me.displayName}.</p>
            <InviteJoin code={preview.code} where={where} next={next} />
          </>
        )}
    </>
  );
}
