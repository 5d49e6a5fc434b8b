/**
 * Formatting for people: times, days, sizes, names. The server renders in UTC
 * with a fixed locale; the browser switches to local time once hydrated, so
 * the first client render matches the server's HTML exactly.
 */

/** Where a format runs: the server (UTC, English) or the browser (local). */
export type Clock = "server" | "local";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(
  clock: Clock,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = clock + JSON.stringify(options);
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(
      clock === "server" ? "en-US" : undefined,
      clock === "server" ? { ...options, timeZone: "UTC" } : options,
    );
    formatters.set(key, found);
  }
  return found;
}

/** "3:07 PM": the time of day a message was sent. */
export function formatTime(iso: string, clock: Clock): string {
  return formatter(clock, { hour: "numeric", minute: "2-digit" }).format(
    new Date(iso),
  );
}

/** "Tuesday, 4 March 2025, 3:07 PM": the full moment, for a tooltip. */
export function formatFull(iso: string, clock: Clock): string {
  return formatter(clock, { dateStyle: "full", timeStyle: "short" }).format(
    new Date(iso),
  );
}

/** A calendar-day key ("2025-03-04") in the clock's time zone. */
export function dayKey(iso: string, clock: Clock): string {
  return formatter(clock, {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(iso));
}

/** "Today", "Yesterday" or "Tuesday, March 4": the heading of a day's messages. */
export function dayLabel(iso: string, clock: Clock, now = new Date()): string {
  const key = dayKey(iso, clock);
  if (key === dayKey(now.toISOString(), clock)) return "Today";
  const yesterday = new Date(now.getTime() - 86_400_000).toISOString();
  if (key === dayKey(yesterday, clock)) return "Yesterday";
  const sameYear = new Date(iso).getFullYear() === now.getFullYear();
  return formatter(clock, {
    weekday: "long",
    month: "long",
    day: "numeric",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(new Date(iso));
}

/** "1.4 MB": a byte count, in the units people read. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** One or two letters for an avatar. */
export function initials(name: string): string {
  const words = name.trim().split(/[\s._-]+/).filter(Boolean);
  if (words.length === 0) return "?";
  const letters = words.length === 1
    ? [...words[0]].slice(0, 2)
    : [[...words[0]][0], [...words[1]][0]];
  return letters.join("").toUpperCase();
}

/** A stable hue (0-359) for someone's avatar, from their id. */
export function hueFor(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) {
    hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  }
  return hash % 360;
}

/** "Ada is typing…", "Ada and Bo are typing…" or "Several people are typing…". */
export function typingText(names: string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return "Several people are typing…";
}

/**
 * A person as one line of text: the display name, with the unique username
 * after it when the two differ ("Alice (@mallory)"), for places that show
 * plain text only, such as a notification's title.
 */
export function personLabel(
  person: { displayName: string; username: string },
): string {
  return person.displayName === person.username
    ? person.displayName
    : `${person.displayName} (@${person.username})`;
}
