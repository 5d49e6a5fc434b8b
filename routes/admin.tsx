import { page } from "fresh";
import AdminPanel from "../islands/AdminPanel.tsx";
import { isAdmin, Moderator } from "../lib/chat/standing.ts";
import { instanceName } from "../lib/chat/settings.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const session = ctx.state.session;
    if (!session) return ctx.redirect("/");
    // Moderators and above; anyone else gets the 403 page.
    const staff = Moderator.check(ctx.state.services, session.user);
    return page({
      me: { id: staff.user.id, role: staff.user.role },
      admin: isAdmin(staff.user),
      name: await instanceName(ctx.state.services),
    }, { headers: { "cache-control": "private, no-store" } });
  },
});

/** Admin: members, invites, reports, the audit log and the instance's settings. */
export default define.page<typeof handler>(({ data }) => (
  <main class="admin-page">
    <header class="admin-header">
      <a href="/" class="brand">
        <img src="/icon.svg" alt="" width="32" height="32" /> {data.name}
      </a>
      <h1>Admin</h1>
    </header>
    <AdminPanel me={data.me} admin={data.admin} />
  </main>
));
