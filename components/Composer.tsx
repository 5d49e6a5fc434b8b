import { useRef } from "preact/hooks";
import { typingText } from "../lib/client/format.ts";
import type { ChatStore } from "../lib/client/store.ts";
import { MAX_CONTENT_LENGTH } from "../lib/shared/limits.ts";
import { Icon } from "./Icon.tsx";
import { UploadList } from "./UploadList.tsx";

// The message box grows with its text up to this height, then scrolls.
const MAX_HEIGHT = 200;

/**
 * The message box: Enter sends, Shift+Enter adds a line; files come from the
 * Attach button or a paste. Sending is optimistic (see the store).
 */
export function Composer(
  { store, channelName, onTyping }: {
    store: ChatStore;
    channelName: string;
    onTyping(): void;
  },
) {
  const box = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);

  function fit(): void {
    const el = box.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  }

  function submit(event?: Event): void {
    event?.preventDefault();
    const el = box.current;
    if (!el || !el.value.trim()) return;
    store.send(el.value);
    el.value = "";
    fit();
    el.focus();
  }

  function onKeyDown(event: KeyboardEvent): void {
    // While an input method composes (Japanese, say), Enter confirms the word.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      submit(event);
    }
  }

  function onInput(): void {
    fit();
    if (box.current?.value.trim()) onTyping();
  }

  function onPaste(event: ClipboardEvent): void {
    const files = event.clipboardData?.files;
    if (files && files.length > 0) {
      event.preventDefault();
      store.upload(Array.from(files));
    }
  }

  function onPick(): void {
    const input = picker.current;
    if (input?.files?.length) store.upload(Array.from(input.files));
    if (input) input.value = "";
  }

  const typing = typingText(store.typingNames.value);
  return (
    <form class="composer" onSubmit={submit}>
      <UploadList store={store} />
      <div class="composer-box">
        <button
          type="button"
          class="icon-button"
          onClick={() => picker.current?.click()}
          title="Attach files"
        >
          <Icon name="paperclip" />
          <span class="sr-only">Attach</span>
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          tabIndex={-1}
          onChange={onPick}
        />
        <textarea
          ref={box}
          id="composer"
          class="composer-input"
          aria-label="Message"
          aria-describedby="composer-hint"
          placeholder={`Message ${channelName}`}
          rows={1}
          maxLength={MAX_CONTENT_LENGTH}
          onKeyDown={onKeyDown}
          onInput={onInput}
          onPaste={onPaste}
        />
        <button type="submit" class="send-button">
          <Icon name="send" size={18} />
          <span class="send-label">Send</span>
        </button>
      </div>
      <div class="composer-foot">
        <span class="typing">{typing}</span>
        <span id="composer-hint" class="hint">
          <kbd>Enter</kbd> to send, <kbd>Shift</kbd>+<kbd>Enter</kbd>{" "}
          for a new line
        </span>
      </div>
    </form>
  );
}
