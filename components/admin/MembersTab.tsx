import { useState } from "preact/hooks";
import { api } from "../../lib/client/api.ts";
import { failureText, useLoad } from "./use_load.ts";

interface Person {
  id: string;
  username: string;
  displayName: string;
  role: "owner" | "admin" | "moderator" | "member";
}

const RANK = { member: 0, moderator: 1, admin: 2, owner: 3 } as const;

/** Timeout lengths offered, in seconds. */
const DURATIONS: [string, number][] = [
  ["10 minutes", 600],
  ["1 hour", 3600],
  ["1 day", 86400],
  ["1 week", 7 * 86400],
];

/**
 * People by username: change roles and ban or unban (admins and above),
 * time out or lift a timeout (moderators and above), always on people of a
 * lower rank than one's own.
 */
export function MembersTab(
  { me, admin }: { me: { id: string; role: string }; admin: boolean },
) {
  const [q, setQ] = useState("");
  const people = useLoad<Person[]>(
    `/users?limit=50&q=${encodeURIComponent(q)}`,
  );
  const bans = useLoad<{ user: { id: string } }[]>(admin ? "/bans" : null);
  const banned = new Set(bans.data?.map((b) => b.user.id) ?? []);
  const timeouts = useLoad<{ userId: string; until: string }[]>("/timeouts");
  const until = new Map(timeouts.data?.map((t) => [t.userId, t.until]) ?? []);
  const myRank = RANK[me.role as Person["role"]] ?? 0;
  return (
    <div class="stack">
      <h2>Members</h2>
      <label class="field">
        <span>Search by username</span>
        <input
          type="search"
          value={q}
          autocomplete="off"
          onInput={(e) => setQ(e.currentTarget.value.trim())}
        />
      </label>
      <p class="form-error" role="alert">{people.error}</p>
      <ul class="admin-list">
        {people.data?.map((person) => (
          <PersonItem
            key={person.id}
            person={person}
            admin={admin}
            owner={me.role === "owner"}
            canAct={RANK[person.role] < myRank}
            banned={banned.has(person.id)}
            timedOutUntil={until.get(person.id)}
            onChange={() => {
              people.reload();
              bans.reload();
              timeouts.reload();
            }}
          />
        ))}
      </ul>
    </div>
  );
}

function PersonItem(
  { person, admin, owner, canAct, banned, timedOutUntil, onChange }: {
    person: Person;
    admin: boolean;
    owner: boolean;
    canAct: boolean;
    banned: boolean;
    /** When their timeout ends, if they are timed out. */
    timedOutUntil?: string;
    onChange(): void;
  },
) {
  const [reason, setReason] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState("");
  const id = encodeURIComponent(person.id);
  const roles = owner
    ? ["member", "moderator", "admin"]
    : ["member", "moderator"];

  async function act(
    what: string,
    path: string,
    method: string,
    body?: unknown,
  ): Promise<void> {
    setError("");
    setNote("");
    try {
      await api(path, { method, body });
      setNote(what);
      onChange();
    } catch (failure) {
      setError(failureText(failure));
    }
  }
  const why = reason.trim() || undefined;
  const label = `@${person.username}`;

  return (
    <li class="admin-item">
      <p>
        <strong>{person.displayName}</strong>{" "}
        <span class="muted">{label} · {person.role}</span>
        {banned && <span class="badge-banned">banned</span>}
        {timedOutUntil && (
          <span class="muted">
            {TIMED_OUT_UNTIL}
            <time dateTime={timedOutUntil}>
              {new Date(timedOutUntil).toLocaleString()}
            </time>
          </span>
        )}
      </p>
      {canAct && (
        <>
          {/* The reason goes with whichever action is taken, on one row. */}
          <div class="admin-actions person-actions">
            <label class="field admin-reason">
              <span>
                Reason for {label} <span class="muted">(optional)</span>
              </span>
              <input
                value={reason}
                maxLength={500}
                onInput={(e) => setReason(e.currentTarget.value)}
              />
            </label>
            {admin && (
              <label class="inline-field">
                <span>Role</span>
                <select
                  aria-label={`Role of ${label}`}
                  value={person.role}
                  onChange={(e) =>
                    act(
                      `${label} is now a ${e.currentTarget.value}.`,
                      `/users/${id}`,
                      "PATCH",
                      { role: e.currentTarget.value },
                    )}
                >
                  {roles.map((role) => (
                    <option key={role} value={role}>{role}</option>
                  ))}
                </select>
              </label>
            )}
            <label class="inline-field">
              <span>Time out for</span>
              <select
                aria-label={`Time out ${label} for`}
                onChange={(e) => {
                  const seconds = Number(e.currentTarget.value);
                  e.currentTarget.value = "";
                  if (seconds > 0) {
                    void act(
                      `${label} is timed out.`,
                      `/timeouts/${id}`,
                      "PUT",
                      {
                        seconds,
                        reason: why,
                      },
                    );
                  }
                }}
              >
                <option value="">choose…</option>
                {DURATIONS.map(([text, seconds]) => (
                  <option key={seconds} value={seconds}>{text}</option>
                ))}
              </select>
            </label>
            {timedOutUntil && (
              <button
                type="button"
                class="button secondary small"
                onClick={() =>
                  act(
                    `${label}'s timeout is lifted.`,
                    `/timeouts/${id}`,
                    "DELETE",
                  )}
              >
                Lift timeout
              </button>
            )}
            {admin && !banned && (
              <button
                type="button"
                class="button danger small"
                onClick={() =>
                  act(`${label} is banned.`, `/bans/${id}`, "PUT", {
                    reason: why,
                  })}
              >
                Ban
              </button>
            )}
            {admin && banned && (
              <button
                type="button"
                class="button secondary small"
                onClick={() =>
                  act(`${label} is unbanned.`, `/bans/${id}`, "DELETE")}
              >
                Unban
              </button>
            )}
          </div>
        </>
      )}
      <p class="form-error" role="alert">{error}</p>
      <p class="form-note" role="status">{note}</p>
    </li>
  );
}

// Spaced on both sides, between the role and the time.
const TIMED_OUT_UNTIL = " · timed out until ";
