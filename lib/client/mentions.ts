/** Whether a message mentions the signed-in user, for highlighting it in the log. */
import type { Me, Message } from "./types.ts";

/**
 * True when `message` mentions `me`: the server's `mentions` list names them
 * (it holds only members, resolved when the message was stored or edited, so
 * `@adam` never lights up for `@ada`). A person's own messages are never
 * highlighted.
 */
export function mentionsMe(message: Message, me: Me): boolean {
  if (message.author.id === me.id) return false;
  return message.mentions.includes(me.id);
}
