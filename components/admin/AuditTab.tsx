import { useState } from "preact/hooks";
import { api } from "../../lib/client/api.ts";
import type { AuditView } from "../../lib/shared/admin_wire.ts";
import { failureText, useLoad } from "./use_load.ts";

/** The actions the log records, as the filter offers them. */
const ACTIONS = [
  "role_change",
  "ownership_transfer",
  "ban",
  "unban",
  "timeout",
  "timeout_lifted",
  "member_removed",
  "message_deleted",
  "channel_change",
  "channel_delete",
  "invite_create",
  "invite_revoke",
  "settings_change",
  "report_closed",
];

const PAGE = 50;

/** The audit log, newest first, filtered by action and by person (as actor or target), paged. */
export function AuditTab() {
  const [query, setQuery] = useState("");
  const [pages, setPages] = useState<string[]>([]);
  const [error, setError] = useState("");
  const before = pages.at(-1);
  const { data, error: loadError } = useLoad<AuditView[]>(
    `/audit?limit=${PAGE}${query}${before ? `&before=${before}` : ""}`,
  );

  async function filter(event: Event): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const action = String(form.get("action") ?? "");
    const person = String(form.get("person") ?? "").trim().replace(/^@/, "");
    const as = String(form.get("as") ?? "actorId");
    setError("");
    let next = action ? `&action=${action}` : "";
    if (person) {
      try {
        const found = await api<{ id: string; username: string }[]>(
          `/users?q=${encodeURIComponent(person)}&limit=50`,
        );
        const match = found.find((u) =>
          u.username.toLowerCase() === person.toLowerCase()
        );
        if (!match) return setError(`Nobody is called "${person}".`);
        next += `&${as}=${match.id}`;
      } catch (failure) {
        return setError(failureText(failure));
      }
    }
    setPages([]);
    setQuery(next);
  }

  return (
    <div class="stack">
      <h2>Audit log</h2>
      <form
        class="admin-filters"
        onSubmit={filter}
        aria-label="Filter the audit log"
      >
        <label class="field">
          <span>Action</span>
          <select name="action">
            <option value="">Any action</option>
            {ACTIONS.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </label>
        <label class="field">
          <span>Person (username)</span>
          <input name="person" autocomplete="off" />
        </label>
        <label class="field">
          <span>As</span>
          <select name="as">
            <option value="actorId">who acted</option>
            <option value="targetId">who it was done to</option>
          </select>
        </label>
        <button type="submit" class="button small">Filter</button>
      </form>
      <p class="form-error" role="alert">{error || loadError}</p>
      {data?.length === 0 && <p class="muted">No entries.</p>}
      {data && data.length > 0 && (
        <table class="admin-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {data.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <time dateTime={entry.at}>
                    {new Date(entry.at).toLocaleString()}
                  </time>
                </td>
                <td>@{entry.actor.username ?? entry.actor.id}</td>
                <td>{entry.action}</td>
                <td>
                  <code>{entry.target}</code>
                </td>
                <td>{entry.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="admin-actions">
        {pages.length > 0 && (
          <button
            type="button"
            class="button secondary small"
            onClick={() => setPages(pages.slice(0, -1))}
          >
            Newer
          </button>
        )}
        {data?.length === PAGE && (
          <button
            type="button"
            class="button secondary small"
            onClick={() => setPages([...pages, data[data.length - 1].id])}
          >
            Older
          </button>
        )}
      </div>
    </div>
  );
}
