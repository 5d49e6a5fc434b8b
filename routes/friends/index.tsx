import { page } from "fresh";
import FriendsPage from "../../islands/FriendsPage.tsx";
import { requireUser } from "../../lib/auth/session.ts";
import { askFriend, listFriends } from "../../lib/chat/friends.ts";
import { loadFriendsPage } from "../../lib/chat/friends_page.ts";
import { OtherPerson } from "../../lib/chat/person.ts";
import { readJson } from "../../lib/http/body.ts";
import { wantsHtml } from "../../lib/http/errors.ts";
import { friendRequestBody } from "../../lib/shared/requests.ts";
import { define } from "../../utils.ts";

// One address, two answers: a browser's navigation gets the page, an API
// client the lists as JSON.
const VARY = { vary: "Accept" };

export const handler = define.handlers({
  async GET(ctx) {
    const { services } = ctx.state;
    if (wantsHtml(ctx.req)) {
      const session = ctx.state.session;
      if (!session) return ctx.redirect("/");
      return page(await loadFriendsPage(services, session.user), {
        headers: { "cache-control": "private, no-store", ...VARY },
      });
    }
    const lists = await listFriends(services, requireUser(ctx));
    return Response.json(lists, { headers: VARY });
  },
  async POST(ctx) {
    const user = requireUser(ctx);
    const { username } = await readJson(ctx.req, friendRequestBody);
    const other = await OtherPerson.byName(ctx.state.services, user, username);
    const state = await askFriend(other);
    return Response.json({ state, user: other.target }, {
      status: state === "friends" ? 200 : 201,
    });
  },
});

/** Friends: my friends, requests both ways, whom I blocked, and "Add friend". */
export default define.page<typeof handler>(({ data }) => (
  <main class="welcome">
    <section class="welcome-card friends" aria-labelledby="friends-title">
      <p class="brand">
        <a href="/">
          <img src="/icon.svg" alt="" width="40" height="40" /> Hearth
        </a>
      </p>
      <h1 id="friends-title">Friends</h1>
      <FriendsPage {...data} />
    </section>
  </main>
));
