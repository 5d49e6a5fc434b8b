/**
 * The staff part of a profile card: take someone out of the open channel,
 * time them out (or lift it), ban them with a reason, change their role.
 * Offered by the viewer's role (see `staffOffer`); the server decides. Loaded
 * on demand, only when a staff member opens a card.
 */
import { useState } from "preact/hooks";
import {
  type Person,
  roleLabel,
  roleOfPerson,
  type StaffOffer,
} from "../lib/client/people.ts";
import {
  ban,
  liftTimeout,
  removeFromChannel,
  setRole,
  timeOut,
} from "../lib/client/profile_api.ts";
import { MAX_REASON_LENGTH } from "../lib/shared/limits.ts";
import type { Role } from "../lib/shared/roles.ts";
import type { RemovableFrom } from "./ProfileCard.tsx";

/** What the card hands its staff controls. */
export interface ModerationProps {
  person: Person;
  offer: StaffOffer;
  viewerRole: Role;
  removableFrom: RemovableFrom | null;
  /** Whether an action is under way (every button waits). */
  busy: boolean;
  /** Runs an action; what it answers is said in the card, a failure in words. */
  run(action: () => Promise<string | void>): Promise<void>;
  onRoleChanged(role: Person["role"]): void;
}

// The lengths offered; the API takes any number of seconds up to 28 days.
const DURATIONS: [number, string][] = [
  [60, "1 minute"],
  [5 * 60, "5 minutes"],
  [10 * 60, "10 minutes"],
  [60 * 60, "1 hour"],
  [24 * 60 * 60, "1 day"],
  [7 * 24 * 60 * 60, "1 week"],
];

/** The staff controls for one person. */
export function ModerationActions(
  { person, offer, removableFrom, busy, run, onRoleChanged }: ModerationProps,
) {
  const [seconds, setSeconds] = useState(DURATIONS[2][0]);
  const [role, setChosenRole] = useState<Role>(roleOfPerson(person));
  const [banning, setBanning] = useState(false);
  const [reason, setReason] = useState("");
  const name = person.displayName;
  const current = roleOfPerson(person);

  // One staff action: a button that runs it and says what happened.
  const action = (
    label: string,
    act: () => Promise<string>,
    kind = "button secondary",
    disabled = false,
  ) => (
    <button
      type="button"
      class={kind}
      disabled={busy || disabled}
      onClick={() => run(act)}
    >
      {label}
    </button>
  );

  return (
    <section class="moderation" aria-labelledby="moderation-title">
      <h3 id="moderation-title">Moderation</h3>
      {removableFrom &&
        action(`Remove from ${removableFrom.label}`, async () => {
          await removeFromChannel(removableFrom.id, person.id);
          return `${name} was removed from ${removableFrom.label}.`;
        })}
      {offer.timeOut && (
        <div class="moderation-row">
          <label class="field">
            <span>Time out for</span>
            <select
              value={seconds}
              onChange={(e) => setSeconds(Number(e.currentTarget.value))}
            >
              {DURATIONS.map(([value, text]) => (
                <option key={value} value={value}>{text}</option>
              ))}
            </select>
          </label>
          {action("Time out", async () => {
            const until = await timeOut(person.id, seconds);
            return `${name} is timed out until ${
              new Date(until).toLocaleString()
            }.`;
          })}
          {action("Lift timeout", async () => {
            await liftTimeout(person.id);
            return `${name} may write again.`;
          }, "link-button")}
        </div>
      )}
      {offer.roles.length > 0 && (
        <div class="moderation-row">
          <label class="field">
            <span>Role</span>
            <select
              value={role}
              onChange={(e) => setChosenRole(e.currentTarget.value as Role)}
            >
              {[current, ...offer.roles].map((value) => (
                <option key={value} value={value}>
                  {roleLabel(value) || "Member"}
                </option>
              ))}
            </select>
          </label>
          {action(
            "Change role",
            async () => {
              await setRole(person.id, role);
              onRoleChanged(role === "member" ? undefined : role);
              return `${name} is ${role === "admin" ? "an" : "a"} ${role} now.`;
            },
            "button secondary",
            role === current,
          )}
        </div>
      )}
      {offer.ban && !banning && (
        <button
          type="button"
          class="button danger"
          disabled={busy}
          onClick={() => setBanning(true)}
        >
          Ban…
        </button>
      )}
      {offer.ban && banning && (
        <div class="moderation-ban">
          <label class="field">
            <span>Reason for banning {name}</span>
            <input
              type="text"
              value={reason}
              maxLength={MAX_REASON_LENGTH}
              onInput={(e) => setReason(e.currentTarget.value)}
              autoFocus
            />
          </label>
          <p class="muted">
            They are signed out everywhere at once and cannot sign in again.
          </p>
          <div class="dialog-buttons">
            <button
              type="button"
              class="button secondary"
              onClick={() => setBanning(false)}
            >
              Cancel
            </button>
            {action(`Ban ${name}`, async () => {
              await ban(person.id, reason);
              setBanning(false);
              return `${name} is banned.`;
            }, "button danger")}
          </div>
        </div>
      )}
    </section>
  );
}
