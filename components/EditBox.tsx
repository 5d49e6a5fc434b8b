import { useEffect, useRef, useState } from "preact/hooks";
import { MAX_CONTENT_LENGTH } from "../lib/shared/limits.ts";

/** Edits a message in place: Enter saves, Shift+Enter is a new line, Esc cancels. */
export function EditBox(
  { content, onSave, onCancel }: {
    content: string;
    onSave(content: string): void;
    onCancel(): void;
  },
) {
  const [text, setText] = useState(content);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const save = () => {
    const trimmed = text.trim();
    if (trimmed === "" || trimmed === content) onCancel();
    else onSave(trimmed);
  };
  return (
    <div class="msg-edit">
      <textarea
        ref={box}
        class="msg-edit-box"
        aria-label="Edit message"
        maxLength={MAX_CONTENT_LENGTH * 2}
        rows={Math.min(8, text.split("\n").length + 1)}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            onCancel();
          } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            save();
          }
        }}
      />
      <div class="msg-note">
        Enter to save, Esc to cancel
        <button type="button" class="link-button" onClick={save}>Save</button>
        <button type="button" class="link-button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
