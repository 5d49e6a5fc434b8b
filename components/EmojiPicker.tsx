/**
 * The reaction picker, loaded on first use (components/ReactionPicker.tsx
 * imports it on demand, so it and its data weigh nothing on the chat page).
 * A modal dialog: a search box that keeps the focus, and one listbox of
 * emoji in sections (Frequently used, Recent, then emojibase's groups, or the
 * search results); the arrows move through the grid, Enter picks, Esc closes.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type EmojiData, loadEmoji, searchEmoji } from "../lib/client/emoji.ts";
import { type GridKey, moveInGrid } from "../lib/client/emoji_grid.ts";
import { loadRecentEmoji } from "../lib/client/recent_emoji.ts";
import { QUICK_EMOJI } from "./MessageMenu.tsx";

// Options per row; the CSS grid has as many columns.
const COLUMNS = 8;
// emojibase's group of skin tones and hair styles: parts, not emoji to react with.
const COMPONENT_GROUP = 2;
const optionId = (i: number) => `emoji-option-${i}`;
const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

interface Section {
  name: string;
  emoji: string[];
}

/** Sections of emoji to show for `query`, from `data` once it has loaded. */
function sectionsFor(
  data: EmojiData | null,
  recent: string[],
  query: string,
): Section[] {
  if (data && query.trim()) {
    return [{
      name: "Search results",
      emoji: searchEmoji(data.emoji, query).map(([emoji]) => emoji),
    }];
  }
  const sections = [{ name: "Frequently used", emoji: QUICK_EMOJI }];
  if (recent.length > 0) sections.push({ name: "Recent", emoji: recent });
  if (!data) return sections;
  return sections.concat(
    data.groups.map((name, group) => ({
      name: capitalized(name),
      emoji: group === COMPONENT_GROUP ? [] : data.emoji
        .filter((row) => row[1] === group)
        .map(([emoji]) => emoji),
    })).filter((section) => section.emoji.length > 0),
  );
}

/** Picks one emoji for a reaction; `onClose` when dismissed or after a pick. */
export function EmojiPicker(
  { userId, onPick, onClose }: {
    userId: string;
    onPick(emoji: string): void;
    onClose(): void;
  },
) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [data, setData] = useState<EmojiData | null>(null);
  const [failed, setFailed] = useState(false);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const [recent] = useState(() => loadRecentEmoji(userId));

  useEffect(() => {
    dialog.current?.showModal();
    loadEmoji().then(setData, () => setFailed(true));
  }, []);

  const names = useMemo(
    () => new Map(data?.emoji.map(([emoji, , name]) => [emoji, name])),
    [data],
  );
  const sections = useMemo(
    () => sectionsFor(data, recent, query),
    [data, recent, query],
  );
  const flat = sections.flatMap((s) => s.emoji);
  const current = Math.min(active, Math.max(0, flat.length - 1));

  useEffect(() => {
    document.getElementById(optionId(current))?.scrollIntoView({
      block: "nearest",
    });
  }, [current, sections]);

  // The modal leaves the top layer first: until then nothing outside it
  // can take the focus back.
  function dismiss(): void {
    dialog.current?.close();
    onClose();
  }

  function pick(emoji: string | undefined): void {
    if (emoji === undefined) return;
    onPick(emoji);
    dismiss();
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.isComposing) return;
    if (event.key === "Enter") {
      event.preventDefault();
      pick(flat[current]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      dismiss();
    } else if (/^Arrow(Left|Right|Up|Down)$/.test(event.key)) {
      event.preventDefault();
      setActive(
        moveInGrid(
          sections.map((s) => s.emoji.length),
          COLUMNS,
          current,
          event.key as GridKey,
        ),
      );
    }
  }

  const activeEmoji = flat[current];
  const status = failed
    ? "The emoji list could not be loaded: only the frequent ones are here."
    : !data
    ? "Loading emoji…"
    : query.trim() && flat.length === 0
    ? `No emoji match "${query.trim()}".`
    : query.trim()
    ? `${flat.length} found.`
    : "";
  let index = 0;
  return (
    <dialog
      ref={dialog}
      class="dialog emoji-picker"
      aria-labelledby="emoji-picker-title"
      onCancel={(event) => {
        event.preventDefault();
        dismiss();
      }}
      // A click on the backdrop (outside the dialog's box) dismisses it.
      onClick={(event) => event.target === dialog.current && dismiss()}
    >
      <h2 id="emoji-picker-title" class="sr-only">Pick an emoji</h2>
      <input
        type="text"
        class="emoji-search"
        role="combobox"
        aria-label="Search emoji"
        aria-expanded="true"
        aria-controls="emoji-options"
        aria-activedescendant={activeEmoji ? optionId(current) : undefined}
        aria-describedby="emoji-status"
        placeholder="Search emoji"
        autocomplete="off"
        value={query}
        onInput={(event) => {
          setQuery(event.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <p id="emoji-status" class="muted emoji-status" role="status">
        {status}
      </p>
      <div
        id="emoji-options"
        class="emoji-options"
        role="listbox"
        aria-label="Emoji"
      >
        {sections.map((section) => (
          <div key={section.name} role="group" aria-label={section.name}>
            <div class="emoji-section-name" aria-hidden="true">
              {section.name}
            </div>
            <div class="emoji-cells">
              {section.emoji.map((emoji) => {
                const i = index++;
                const name = names.get(emoji) ?? emoji;
                return (
                  <div
                    key={emoji}
                    id={optionId(i)}
                    role="option"
                    aria-selected={i === current}
                    aria-label={name}
                    title={name}
                    class={i === current
                      ? "emoji-option active"
                      : "emoji-option"}
                    // The search box keeps the focus; a click only picks.
                    onMouseDown={(event) => event.preventDefault()}
                    onClick={() => pick(emoji)}
                  >
                    {emoji}
                  </div>
                );
              })}
            </div>
          </div>
        ))}
      </div>
      <div class="emoji-preview" aria-hidden="true">
        {activeEmoji && (
          <>
            <span class="emoji-preview-emoji">{activeEmoji}</span>
            <span>{names.get(activeEmoji) ?? ""}</span>
          </>
        )}
      </div>
      <div class="dialog-buttons">
        <button type="button" class="button secondary" onClick={dismiss}>
          Close
        </button>
      </div>
    </dialog>
  );
}
