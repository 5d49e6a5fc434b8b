import type { ChatStore } from "../lib/client/store.ts";
import { PersonName } from "./PersonName.tsx";

/** Above the message box while a reply is being written: whom it answers, and a way out. */
export function ReplyBar({ store }: { store: ChatStore }) {
  const original = store.replyingTo.value;
  if (original === null) return null;
  return (
    <div class="reply-bar" role="status">
      <span class="reply-bar-text">
        Replying to{" "}
        <strong>
          <PersonName person={original.author} />
        </strong>
        <span class="msg-reply-text">
          {original.content || original.file?.name}
        </span>
      </span>
      <button
        type="button"
        class="link-button"
        onClick={() => store.replyingTo.value = null}
      >
        Cancel reply
      </button>
    </div>
  );
}
