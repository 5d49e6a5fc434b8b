import type { RefObject } from "preact";
import { useRef, useState } from "preact/hooks";
import {
  applySuggestion,
  findTrigger,
  type Suggestion,
  type Trigger,
} from "../lib/client/suggest.ts";

const LIST_ID = "composer-suggestions";
const optionId = (i: number) => `composer-option-${i}`;

/** The open list: what is being completed, the options, the highlighted one. */
export interface SuggestionState {
  trigger: Trigger;
  items: Suggestion[];
  active: number;
}

/** Where options come from; may answer later (emoji data loads on first use). */
export type SuggestionSource = (
  trigger: Trigger,
) => Suggestion[] | Promise<Suggestion[]>;

/**
 * Completion for a text box: call `update` when its text or caret moves and
 * give it the box's keys first. The box keeps its textbox role and points at
 * the list with `aria-controls` and `aria-activedescendant`, so focus never
 * leaves it while the arrows move through the options.
 */
export function useSuggestions(
  box: RefObject<HTMLTextAreaElement>,
  { suggest, onInserted, announce }: {
    suggest: SuggestionSource;
    /** The box's text changed by a completion. */
    onInserted(): void;
    /** Says something to screen readers. */
    announce(text: string): void;
  },
) {
  const [state, setState] = useState<SuggestionState | null>(null);
  // Escape closes the list until a new trigger is typed.
  const dismissed = useRef(-1);
  const ticket = useRef(0);
  const current = useRef<SuggestionState | null>(null);
  current.current = state;

  function close(): void {
    ticket.current++;
    if (current.current) setState(null);
  }

  async function update(): Promise<void> {
    const el = box.current;
    if (!el || el.selectionStart !== el.selectionEnd) return close();
    const trigger = findTrigger(el.value, el.selectionStart);
    if (trigger?.start !== dismissed.current) dismissed.current = -1;
    if (!trigger || trigger.start === dismissed.current) return close();
    const mine = ++ticket.current;
    const items = await suggest(trigger);
    if (mine !== ticket.current) return;
    if (items.length === 0) return close();
    const previous = current.current;
    const same = previous?.trigger.start === trigger.start;
    if (!same) {
      announce(
        `${items.length} ${
          trigger.kind === "mention" ? "members" : "emoji"
        } found. Up and Down to choose, Enter or Tab to insert, Escape to close.`,
      );
    }
    setState({
      trigger,
      items,
      active: same ? Math.min(previous.active, items.length - 1) : 0,
    });
  }

  function pick(index: number): void {
    const el = box.current;
    const open = current.current;
    if (!el || !open) return;
    const item = open.items[index];
    const done = applySuggestion(
      el.value,
      open.trigger,
      el.selectionStart,
      item.insert,
    );
    el.value = done.text;
    el.setSelectionRange(done.caret, done.caret);
    close();
    el.focus();
    onInserted();
  }

  /** Handles the keys that steer an open list; true when the key was used. */
  function onKeyDown(event: KeyboardEvent): boolean {
    const open = current.current;
    if (!open || event.isComposing) return false;
    const count = open.items.length;
    const move = (by: number) =>
      setState({ ...open, active: (open.active + by + count) % count });
    switch (event.key) {
      case "ArrowDown":
        move(1);
        break;
      case "ArrowUp":
        move(-1);
        break;
      case "Enter":
      case "Tab":
        if (event.shiftKey) return false;
        pick(open.active);
        break;
      case "Escape":
        dismissed.current = open.trigger.start;
        close();
        break;
      default:
        return false;
    }
    event.preventDefault();
    return true;
  }

  /** The attributes that tie the box to the list. */
  const boxProps = {
    "aria-autocomplete": "list" as const,
    "aria-controls": state ? LIST_ID : undefined,
    "aria-activedescendant": state ? optionId(state.active) : undefined,
  };

  return { state, update, close, pick, onKeyDown, boxProps };
}

/** The options, above the box; a click picks one without taking focus. */
export function SuggestionList(
  { state, onPick }: {
    state: SuggestionState | null;
    onPick(index: number): void;
  },
) {
  if (!state) return null;
  return (
    <ul
      id={LIST_ID}
      class="suggestions"
      role="listbox"
      aria-label={state.trigger.kind === "mention" ? "Members" : "Emoji"}
    >
      {state.items.map((item, i) => (
        <li
          key={item.key}
          id={optionId(i)}
          role="option"
          aria-selected={i === state.active}
          class={i === state.active ? "suggestion active" : "suggestion"}
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => onPick(i)}
        >
          <span class="suggestion-label">{item.label}</span>
          <span class="suggestion-detail">{item.detail}</span>
        </li>
      ))}
    </ul>
  );
}
