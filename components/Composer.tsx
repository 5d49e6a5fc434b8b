import { useEffect, useRef, useState } from "preact/hooks";
import { afterInsert, COUNTER_FROM, textFile } from "../lib/client/compose.ts";
import { loadDraft, saveDraft } from "../lib/client/drafts.ts";
import { emojiSuggestions, loadEmoji } from "../lib/client/emoji.ts";
import { typingText } from "../lib/client/format.ts";
import type { ChatStore } from "../lib/client/store.ts";
import {
  MAX_SUGGESTIONS,
  memberSuggestions,
  type Trigger,
} from "../lib/client/suggest.ts";
import { MAX_CONTENT_LENGTH } from "../lib/shared/limits.ts";
import { contentLength } from "../lib/shared/text.ts";
import { Icon } from "./Icon.tsx";
import { usePostingRules } from "./PostingNotice.tsx";
import { SuggestionList, useSuggestions } from "./Suggestions.tsx";
import { UploadList } from "./UploadList.tsx";

// The message box grows with its text up to this height, then scrolls.
const MAX_HEIGHT = 200;

const count = (n: number) => n.toLocaleString("en-US");

/** Why the composer holds back, with what it offers instead. */
type Notice =
  | { kind: "too-long"; length: number }
  | { kind: "paste"; length: number; text: string };

/**
 * The message box: Enter sends, Shift+Enter adds a line; files come from the
 * Attach button or a paste. Sending is optimistic (see the store). The text
 * is kept as a draft per channel until it is sent; a counter shows near the
 * length limit, and nothing is ever cut: a paste that would pass the limit is
 * refused, with an offer to send it as a text file instead.
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
  const [length, setLength] = useState(0);
  const [notice, setNotice] = useState<Notice | null>(null);
  const rules = usePostingRules(store);
  const userId = store.me.id;
  const channelId = store.channelId ?? "";
  // Members not loaded yet are asked of the server when the loaded ones fall short.
  const mentions = async (query: string) => {
    const found = memberSuggestions(store.members.value, query, userId);
    return found.length < MAX_SUGGESTIONS
      ? memberSuggestions(await store.membersMatching(query), query, userId)
      : found;
  };
  const suggestions = useSuggestions(box, {
    suggest: (trigger: Trigger) =>
      trigger.kind === "mention"
        ? mentions(trigger.query)
        // Without the list (offline, say) there is simply nothing to offer.
        : loadEmoji().then(
          (data) => emojiSuggestions(data.emoji, trigger.query),
          () => [],
        ),
    onInserted: () => onInput(),
    announce: (text) => store.announcement.value = text,
  });

  // Text typed before attaching a file (picker, paste or drop) is its caption.
  useEffect(
    () => store.takeCaptionsFrom({ take: takeCaption, restore: putBack }),
    [],
  );

  useEffect(() => {
    // The server renders an empty box; the draft comes back once live.
    const el = box.current;
    const draft = loadDraft(userId, channelId);
    if (el && draft && !el.value) {
      el.value = draft;
      changed();
    }
  }, []);

  function changed(): void {
    const el = box.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
    const now = contentLength(el.value);
    setLength(now);
    if (notice?.kind === "too-long" && now <= MAX_CONTENT_LENGTH) {
      setNotice(null);
    }
  }

  function submit(event?: Event): void {
    event?.preventDefault();
    const el = box.current;
    if (!el || !el.value.trim() || rules.blocked || rules.waiting) return;
    const size = contentLength(el.value);
    if (size > MAX_CONTENT_LENGTH) {
      setNotice({ kind: "too-long", length: size });
      return;
    }
    store.send(el.value);
    el.value = "";
    saveDraft(userId, channelId, "");
    setNotice(null);
    changed();
    el.focus();
  }

  // Empties the box into a caption; text over the limit stays to be shortened.
  function takeCaption(): string {
    const el = box.current;
    if (!el?.value.trim() || contentLength(el.value) > MAX_CONTENT_LENGTH) {
      return "";
    }
    const caption = el.value;
    el.value = "";
    saveDraft(userId, channelId, "");
    changed();
    return caption;
  }

  // A cancelled upload's caption comes back, unless something was typed since.
  function putBack(caption: string): void {
    const el = box.current;
    if (!el || el.value.trim()) return;
    el.value = caption;
    saveDraft(userId, channelId, caption);
    changed();
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (suggestions.onKeyDown(event)) return;
    // Up in an empty box edits one's last message (its editor takes the focus).
    const plain = !event.shiftKey && !event.altKey && !event.ctrlKey &&
      !event.metaKey && !event.isComposing;
    if (
      event.key === "ArrowUp" && plain && box.current?.value === "" &&
      store.editLast()
    ) {
      event.preventDefault();
      return;
    }
    // While an input method composes (Japanese, say), Enter confirms the word.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      submit(event);
    }
  }

  function onInput(): void {
    changed();
    const value = box.current?.value ?? "";
    saveDraft(userId, channelId, value);
    if (value.trim()) onTyping();
    void suggestions.update();
  }

  function onPaste(event: ClipboardEvent): void {
    const files = event.clipboardData?.files;
    if (files && files.length > 0) {
      event.preventDefault();
      store.upload(Array.from(files));
      return;
    }
    const el = box.current;
    const pasted = event.clipboardData?.getData("text/plain") ?? "";
    if (!el || !pasted) return;
    const result = afterInsert(
      el.value,
      el.selectionStart,
      el.selectionEnd,
      pasted,
    );
    const size = contentLength(result);
    if (size > MAX_CONTENT_LENGTH) {
      event.preventDefault();
      setNotice({ kind: "paste", length: size, text: pasted });
    }
  }

  // The refused paste, or the whole over-long message, goes up as a file.
  function sendAsFile(current: Notice): void {
    const el = box.current;
    if (current.kind === "paste") {
      store.upload([textFile(current.text)], false);
    } else if (el) {
      store.upload([textFile(el.value)], false);
      el.value = "";
      saveDraft(userId, channelId, "");
      changed();
    }
    setNotice(null);
    el?.focus();
  }

  function onPick(): void {
    const input = picker.current;
    if (input?.files?.length) store.upload(Array.from(input.files));
    if (input) input.value = "";
  }

  const typing = typingText(store.typingNames.value);
  const over = length > MAX_CONTENT_LENGTH;
  return (
    <form class="composer" onSubmit={submit}>
      <UploadList store={store} />
      <SuggestionList state={suggestions.state} onPick={suggestions.pick} />
      {notice && (
        <div class="composer-notice" role="alert">
          <span>
            {notice.kind === "paste"
              ? `Not pasted: the message would be ${
                count(notice.length)
              } characters, and the limit is ${count(MAX_CONTENT_LENGTH)}.`
              : `Not sent: the message is ${
                count(notice.length)
              } characters, and the limit is ${
                count(MAX_CONTENT_LENGTH)
              }. Shorten it or send it as a file.`}
          </span>
          <span class="msg-actions">
            <button
              type="button"
              class="link-button"
              onClick={() => sendAsFile(notice)}
            >
              Send as a text file
            </button>
            <button
              type="button"
              class="link-button"
              onClick={() => {
                setNotice(null);
                box.current?.focus();
              }}
            >
              Dismiss
            </button>
          </span>
        </div>
      )}
      {rules.notice}
      <div class="composer-box">
        <button
          type="button"
          class="icon-button"
          disabled={rules.blocked || rules.waiting}
          onClick={() => picker.current?.click()}
          title="Attach files (the text in the box becomes their caption)"
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
          aria-describedby={`${rules.notice ? "posting-notice " : ""}${
            length >= COUNTER_FROM ? "composer-count " : ""
          }composer-hint`}
          disabled={rules.blocked}
          aria-invalid={over || undefined}
          placeholder={`Message ${channelName}`}
          rows={1}
          {...suggestions.boxProps}
          onKeyDown={onKeyDown}
          onInput={onInput}
          onPaste={onPaste}
          // The caret moved without typing: the trigger under it may differ.
          onClick={() => void suggestions.update()}
          onKeyUp={(event) => {
            // Up and Down belong to an open list; other caret keys may
            // move onto or off a trigger.
            const steering = suggestions.state &&
              (event.key === "ArrowUp" || event.key === "ArrowDown");
            if (/^(Arrow|Home|End)/.test(event.key) && !steering) {
              void suggestions.update();
            }
          }}
          onBlur={suggestions.close}
        />
        <button
          type="submit"
          class="send-button"
          disabled={rules.blocked || rules.waiting}
        >
          <Icon name="send" size={18} />
          <span class="send-label">Send</span>
        </button>
      </div>
      <div class="composer-foot">
        <span class="typing">{typing}</span>
        {length >= COUNTER_FROM && (
          <span
            id="composer-count"
            class={over ? "composer-count over" : "composer-count"}
          >
            <span aria-hidden="true">
              {count(length)} / {count(MAX_CONTENT_LENGTH)}
            </span>
            <span class="sr-only">
              {count(length)} of {count(MAX_CONTENT_LENGTH)} characters
            </span>
          </span>
        )}
        <span id="composer-hint" class="hint">
          <kbd>Enter</kbd> to send, <kbd>Shift</kbd>+<kbd>Enter</kbd>{" "}
          for a new line, <kbd>↑</kbd> to edit your last message
        </span>
      </div>
    </form>
  );
}
