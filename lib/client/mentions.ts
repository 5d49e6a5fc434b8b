/** Whether a message mentions the signed-in user, for highlighting it in the log. */
import type { Me, Message } from "./types.ts";

/**
 * True when `message` mentions `me`: by the server's `mentions` list of user
 * ids when the message carries one, else by `@username` in its text (case
 * ignored; the name must end there, so `@ada` is not found in `@adam` or
 * `@ada.b`, but is in `@ada.` at the end of a sentence). A person's own
 * messages are never highlighted.
 */
export function mentionsMe(
  message: Message & { mentions?: string[] },
  me: Me,
): boolean {
  if (message.author.id === me.id) return false;
  if (Array.isArray(message.mentions)) return message.mentions.includes(me.id);
  const name = me.username.replace(/[.\-]/g, "\\$&");
  return new RegExp(
    `(?:^|[^A-Za-z0-9_.@-])@${name}(?!\\.?[A-Za-z0-9_-])`,
    "i",
  ).test(message.content);
}
