import { useEffect, useState } from "preact/hooks";
import type { JSX } from "preact";
import {
  heldToRules,
  slowModeLabel,
  untilLabel,
  waitLabel,
} from "../lib/client/channel_rules.ts";
import type { ChatStore } from "../lib/client/store.ts";

/** What the channel's rules and a timeout mean for the composer right now. */
export interface PostingRules {
  /** Posting is closed to me here (read-only, timed out): the box is disabled. */
  blocked: boolean;
  /** Slow mode's wait after my last message is not over: Send waits. */
  waiting: boolean;
  /** The line saying why, or null when nothing holds me back. */
  notice: JSX.Element | null;
}

/**
 * The composer's rules: a timeout ("You are timed out until 14:05"), a
 * read-only channel (who may post), slow mode ("Slow mode: one message every
 * 30 s", and after a send the countdown to the next). Ticks once a second
 * while a countdown or a timeout runs, so each ends on its own.
 */
export function usePostingRules(store: ChatStore): PostingRules {
  const { me, posting } = store;
  const channel = store.channel.value;
  const until = posting.timedOutUntil.value;
  const slowUntil = posting.slowUntil.value;
  const [now, setNow] = useState(() => Date.now());
  const timedOut = until !== null && Date.parse(until) > now;
  const counting = slowUntil > now;
  useEffect(() => {
    if (!timedOut && !counting) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [timedOut, counting]);
  // A new refusal or send restarts the clock from the present.
  useEffect(() => setNow(Date.now()), [until, slowUntil]);

  if (!channel) return { blocked: false, waiting: false, notice: null };
  const held = heldToRules(me, channel);
  const readOnly = channel.postPolicy === "moderators";
  const slow = channel.slowModeSeconds ?? 0;
  let text: string | null = null;
  if (timedOut) {
    text = `You are timed out until ${
      untilLabel(until!)
    }: you can read but not post.`;
  } else if (readOnly) {
    text = held
      ? `Only moderators and the channel's owner can post in #${channel.name}.`
      : "Read-only channel: only moderators and the channel's owner can post.";
  } else if (slow > 0) {
    text = `Slow mode: one message every ${slowModeLabel(slow)}`;
    if (!held) text += " (you are exempt).";
    else if (counting) {
      text += `. Next message in ${waitLabel(slowUntil - now)}.`;
    } else text += ".";
  }
  return {
    blocked: timedOut || (readOnly && held),
    waiting: !timedOut && held && counting,
    notice: text === null ? null : (
      // No live region: the countdown would be read out every second.
      <p id="posting-notice" class="posting-notice">
        {text}
      </p>
    ),
  };
}
