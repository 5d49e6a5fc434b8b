import type { ComponentType } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiFailure } from "../lib/client/api.ts";
import {
  offersAnything,
  type Person,
  roleLabel,
  roleOfPerson,
  staffOffer,
} from "../lib/client/people.ts";
import { addFriend, dmPath } from "../lib/client/friends.ts";
import type { Me } from "../lib/client/types.ts";
import { Avatar } from "./Avatar.tsx";
import { Icon } from "./Icon.tsx";
import type { ModerationProps } from "./ModerationActions.tsx";

/** The channel a card was opened in, when the viewer may take people out of it. */
export interface RemovableFrom {
  id: string;
  /** How the card names it, e.g. "#random". */
  label: string;
}

// Below this width the card sits in the middle of the screen, not by the name.
const NARROW = 600;

/**
 * Someone's profile card: avatar, names (the @username always: display names
 * need not be unique, so this is how an impersonator is told apart), role,
 * status and presence, with "Message" and "Add friend", and the staff
 * controls the viewer's role allows (loaded only for staff). A modal dialog:
 * focus moves in, Escape or Close ends it, and focus goes back to `trigger`.
 */
export function ProfileCard(
  { person, listed, me, trigger, removableFrom, onRoleChanged, onClose }: {
    /** As complete as the page knows them. */
    person: Person;
    /** Whether they are in the open channel: only then are role and presence known. */
    listed: boolean;
    me: Me;
    trigger: HTMLElement | null;
    /** Set when the viewer manages the open channel (and it is not a DM). */
    removableFrom: RemovableFrom | null;
    /** Called once their role was changed here. */
    onRoleChanged(role: Person["role"]): void;
    onClose(): void;
  },
) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [notice, setNotice] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [Moderation, setModeration] = useState<
    ComponentType<ModerationProps> | null
  >(null);
  const self = person.id === me.id;
  const role = roleOfPerson(person);
  const offer = staffOffer(me.role, role);
  // Staff controls need the role, known only for people in this channel.
  const staff = listed && !self &&
    (offersAnything(offer) || removableFrom !== null);

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    el.showModal();
    const rect = trigger?.getBoundingClientRect();
    // Beside the name, kept inside the window as the card grows (the ban
    // form opens in it); centred on narrow screens.
    const place = () => {
      if (!rect || innerWidth < NARROW) return;
      const clamp = (value: number, size: number, room: number) =>
        Math.max(8, Math.min(value, room - size - 8));
      el.style.margin = "0";
      el.style.left = `${clamp(rect.right + 8, el.offsetWidth, innerWidth)}px`;
      el.style.top = `${clamp(rect.top, el.offsetHeight, innerHeight)}px`;
    };
    place();
    const resized = new ResizeObserver(place);
    resized.observe(el);
    return () => {
      resized.disconnect();
      // Closed by Escape, Close or the page moving on: the trigger gets focus back.
      if (el.open) el.close();
      trigger?.focus();
    };
  }, []);

  useEffect(() => {
    if (!staff) return;
    // Most people never moderate: their page never downloads these controls.
    import("./ModerationActions.tsx").then(
      (module) => setModeration(() => module.ModerationActions),
      () => setError("The moderation controls could not be loaded."),
    );
  }, []);

  async function run(action: () => Promise<string | void>): Promise<void> {
    setBusy(true);
    setError("");
    setNotice("");
    try {
      const said = await action();
      if (said) setNotice(said);
    } catch (failure) {
      setError(
        failure instanceof ApiFailure
          ? failure.message
          : "That did not work. Please try again.",
      );
    } finally {
      setBusy(false);
    }
  }

  const label = roleLabel(role);
  return (
    <dialog
      ref={dialog}
      class="dialog profile-card"
      aria-labelledby="profile-name"
      aria-describedby="profile-handle"
      onClose={onClose}
      onKeyDown={(event) => {
        // Escape is the card's: the page's own Escape (closing the member
        // list or the drawer) must not run as well.
        if (event.key === "Escape") event.stopPropagation();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog box itself, outside the card) closes it.
        if (event.target === dialog.current) dialog.current?.close();
      }}
    >
      <div class="profile-inner">
        <button
          type="button"
          class="icon-button profile-close"
          onClick={() => dialog.current?.close()}
          aria-label="Close"
        >
          <Icon name="x" />
        </button>
        <div class="profile-head">
          <Avatar
            id={person.id}
            name={person.displayName}
            size="lg"
            src={person.avatarUrl}
          />
          <div class="profile-names">
            <h2 id="profile-name">{person.displayName}</h2>
            <p id="profile-handle" class="profile-handle">
              @{person.username}
            </p>
            {(label || self) && (
              <p class="profile-badges">
                {label && (
                  <span class={`role-badge role-${role}`}>{label}</span>
                )}
                {self && <span class="muted">This is you</span>}
              </p>
            )}
          </div>
        </div>
        {person.status && <p class="profile-status">{person.status}</p>}
        {person.online !== undefined && (
          <p class="profile-presence">
            <span
              class={person.online ? "presence-dot online" : "presence-dot"}
              aria-hidden="true"
            />
            {person.online ? "Online" : "Offline"}
          </p>
        )}
        {!self && (
          <div class="profile-actions">
            <button
              type="button"
              class="button"
              disabled={busy}
              onClick={() =>
                run(async () => location.assign(await dmPath(person.username)))}
            >
              Message
            </button>
            <button
              type="button"
              class="button secondary"
              disabled={busy}
              onClick={() =>
                run(async () =>
                  await addFriend(person.username) === "friends"
                    ? `You and ${person.displayName} are friends now.`
                    : `Friend request sent to ${person.displayName}.`
                )}
            >
              Add friend
            </button>
          </div>
        )}
        {staff && Moderation && (
          <Moderation
            person={person}
            offer={offer}
            viewerRole={me.role}
            removableFrom={removableFrom}
            busy={busy}
            run={run}
            onRoleChanged={onRoleChanged}
          />
        )}
        <p class="profile-notice" role="status">{notice}</p>
        <p class="form-error" role="alert">{error}</p>
      </div>
    </dialog>
  );
}
