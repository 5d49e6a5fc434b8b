import { useState } from "preact/hooks";
import { api } from "../../lib/client/api.ts";
import type { Invite } from "../../lib/shared/wire.ts";
import { failureText, useLoad } from "./use_load.ts";

/** Every invite link of the instance, with Revoke. */
export function InvitesTab() {
  const { data, error, reload } = useLoad<Invite[]>("/invites");
  const [failed, setFailed] = useState("");

  async function revoke(code: string): Promise<void> {
    setFailed("");
    try {
      await api(`/invites/${encodeURIComponent(code)}`, { method: "DELETE" });
      reload();
    } catch (failure) {
      setFailed(failureText(failure));
    }
  }

  return (
    <div class="stack">
      <h2>Invite links</h2>
      <p class="form-error" role="alert">{error || failed}</p>
      {data?.length === 0 && <p class="muted">No invite links.</p>}
      {data && data.length > 0 && (
        <table class="admin-table">
          <thead>
            <tr>
              <th scope="col">Link</th>
              <th scope="col">Into</th>
              <th scope="col">Uses</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.map((invite) => (
              <tr key={invite.code}>
                <td>
                  <code>{invite.code}</code>
                </td>
                <td>
                  {invite.channelId === null ? "the instance" : "a channel"}
                </td>
                <td>
                  {invite.uses}
                  {invite.maxUses === null ? "" : ` of ${invite.maxUses}`}
                </td>
                <td>
                  {invite.expiresAt === null
                    ? "never"
                    : new Date(invite.expiresAt).toLocaleString()}
                </td>
                <td>
                  <button
                    type="button"
                    class="button danger small"
                    aria-label={`Revoke invite ${invite.code}`}
                    onClick={() => revoke(invite.code)}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
