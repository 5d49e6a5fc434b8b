/**
 * What the message box offers to complete as one types: `@name` from the
 * channel's members, `:shortcode:` from the emoji list. Pure functions over the
 * box's text and caret; components/Suggestions.tsx shows and drives them.
 */
import type { Member } from "./types.ts";

/** What is being completed: its kind, where its trigger character sits, what follows it. */
export interface Trigger {
  kind: "mention" | "emoji";
  /** Index of the `@` or `:` in the text. */
  start: number;
  /** The characters typed after it, up to the caret. */
  query: string;
}

/** One offered completion. */
export interface Suggestion {
  /** Unique among the offered ones; part of the option's element id. */
  key: string;
  /** What the option shows first (a name, an emoji). */
  label: string;
  /** What it shows after, dimmer (`@username`, `:shortcode:`). */
  detail: string;
  /** The text that replaces the trigger and query. */
  insert: string;
}

/** Most options shown at once. */
export const MAX_SUGGESTIONS = 8;

// A trigger starts the text or follows whitespace or an opening bracket or
// quote, so e-mail addresses and times (12:30) open nothing.
const MENTION = /(?:^|[\s([{"'])@([A-Za-z0-9_.-]{0,32})$/;
const EMOJI = /(?:^|[\s([{"'])(:[a-z0-9_+-]{2,40})$/i;

/** The trigger that ends at `caret` in `text`, if any. */
export function findTrigger(text: string, caret: number): Trigger | null {
  const before = text.slice(0, caret);
  const mention = MENTION.exec(before);
  if (mention) {
    const query = mention[1];
    return { kind: "mention", start: caret - query.length - 1, query };
  }
  const emoji = EMOJI.exec(before);
  if (emoji) {
    const query = emoji[1].slice(1);
    return { kind: "emoji", start: caret - query.length - 1, query };
  }
  return null;
}

/** `text` with the trigger replaced by `insert` and a space; the caret after it. */
export function applySuggestion(
  text: string,
  trigger: Trigger,
  caret: number,
  insert: string,
): { text: string; caret: number } {
  const after = text.slice(caret);
  const spaced = after.startsWith(" ") ? insert : `${insert} `;
  return {
    text: text.slice(0, trigger.start) + spaced + after,
    caret: trigger.start + spaced.length,
  };
}

/**
 * Members whose username or display name starts with `query` (ignoring case),
 * usernames first, then names containing it; never `meId` itself.
 */
export function memberSuggestions(
  members: Member[],
  query: string,
  meId: string,
): Suggestion[] {
  const q = query.toLowerCase();
  const rank = (m: Member): number => {
    const username = m.username.toLowerCase();
    const name = m.displayName.toLowerCase();
    if (username.startsWith(q)) return 0;
    if (name.split(/\s+/).some((word) => word.startsWith(q))) return 1;
    if (username.includes(q) || name.includes(q)) return 2;
    return -1;
  };
  return members
    .filter((m) => m.id !== meId)
    .map((m) => ({ m, r: rank(m) }))
    .filter(({ r }) => r >= 0)
    .sort((a, b) => a.r - b.r || a.m.username.localeCompare(b.m.username, "en"))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ m }) => ({
      key: m.id,
      label: m.displayName,
      detail: `@${m.username}`,
      insert: `@${m.username}`,
    }));
}
