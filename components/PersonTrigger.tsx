/**
 * Names and avatars that open someone's profile card. The chat island
 * provides `ProfileContext`; without it (anywhere else) they are plain text.
 */
import { createContext, type JSX } from "preact";
import { useContext } from "preact/hooks";
import type { Person } from "../lib/client/people.ts";
import { Avatar } from "./Avatar.tsx";

/** What the chat page offers its names and avatars. */
export interface ProfileOpener {
  /** `ref` completed from what the page knows (the open channel's members). */
  lookup(ref: Person): Person;
  /** Opens the card; focus goes back to `trigger` when it closes. */
  open(ref: Person, trigger: HTMLElement | null): void;
}

/** Provided by the chat island; null elsewhere. */
export const ProfileContext = createContext<ProfileOpener | null>(null);

/** A name that opens the person's card (a button, so Enter opens it too). */
export function PersonName(
  { person, class: className = "" }: { person: Person; class?: string },
) {
  const opener = useContext(ProfileContext);
  if (!opener) return <span class={className}>{person.displayName}</span>;
  return (
    <button
      type="button"
      class={`person-name ${className}`}
      aria-haspopup="dialog"
      onClick={(event) => opener.open(person, event.currentTarget)}
    >
      {person.displayName}
    </button>
  );
}

/**
 * A person's avatar, with their uploaded image when the page knows it. With
 * `label` it is a button of its own (where the name is a link already);
 * otherwise a click opens the card and keyboards use the name beside it.
 */
export function PersonAvatar(
  { person, size, online, label }: {
    person: Person;
    size?: "sm" | "md";
    online?: boolean;
    /** The button's accessible name, e.g. "Profile of Bea". */
    label?: string;
  },
) {
  const opener = useContext(ProfileContext);
  const known = opener?.lookup(person) ?? person;
  const avatar = (
    <Avatar
      id={person.id}
      name={known.displayName}
      size={size}
      online={online}
      src={known.avatarUrl}
    />
  );
  if (!opener) return avatar;
  if (label) {
    return (
      <button
        type="button"
        class="person-avatar"
        aria-haspopup="dialog"
        aria-label={label}
        onClick={(event) => opener.open(person, event.currentTarget)}
      >
        {avatar}
      </button>
    );
  }
  const onClick = (event: JSX.TargetedMouseEvent<HTMLSpanElement>) => {
    // Focus comes back to the name beside it, the keyboard's way in.
    const row = event.currentTarget.closest(".msg, .member, li");
    opener.open(
      person,
      row?.querySelector<HTMLElement>(".person-name") ?? null,
    );
  };
  return <span class="person-avatar" onClick={onClick}>{avatar}</span>;
}
