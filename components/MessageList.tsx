import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { mayDeleteOthers } from "../lib/client/channel_rules.ts";
import { mentionsMe } from "../lib/client/mentions.ts";
import type { ChatStore } from "../lib/client/store.ts";
import { showMessage } from "../lib/client/permalink.ts";
import { buildRows, entryKey } from "../lib/client/timeline.ts";
import { Icon } from "./Icon.tsx";
import { BlockedMessage } from "./BlockedMessage.tsx";
import { MessageItem } from "./MessageItem.tsx";
import { ReactionPicker } from "./ReactionPicker.tsx";
import { useMenuFocus } from "./use_menu_focus.ts";

// Within this many pixels of the newest message counts as "at the bottom".
const BOTTOM_SLACK = 40;
// Older history loads once the reader scrolls this close to the top.
const LOAD_MARGIN = 400;

interface Saved {
  /** 0 at the bottom, negative above it (the log scrolls from its end). */
  scrollTop: number;
  /** Distance from the top of the history. */
  fromTop: number;
  atBottom: boolean;
}

/**
 * The message log. It is a `column-reverse` scroller, so it opens at the newest
 * message before any script runs and stays pinned there as messages arrive or
 * the window resizes; older pages prepend above without moving the view.
 */
export function MessageList(
  { store, channelName }: { store: ChatStore; channelName: string },
) {
  const scroller = useRef<HTMLDivElement>(null);
  const saved = useRef<Saved>({ scrollTop: 0, fromTop: 0, atBottom: true });
  const [pill, setPill] = useState(false);
  // A permalink's message stays in view until the reader moves the log.
  const focusing = useRef(store.focusSeq > 0);

  const entries = store.entries.value;
  const menus = useMenuFocus(entries);
  const rows = buildRows(entries, store.clock.value, store.firstUnreadSeq);
  const firstSeq = store.messages.value[0]?.seq ?? 0;
  const last = entries.at(-1);
  const lastKey = last ? entryKey(last) : "";
  const previous = useRef({ firstSeq, lastKey });
  // Render runs before the DOM changes: this reading is where the reader was,
  // whether or not a scroll event has reported it yet.
  if (
    lastKey !== previous.current.lastKey ||
    firstSeq !== previous.current.firstSeq
  ) measure();

  function measure(): void {
    const el = scroller.current;
    if (!el) return;
    const max = el.scrollHeight - el.clientHeight;
    saved.current = {
      scrollTop: el.scrollTop,
      fromTop: el.scrollTop + max,
      atBottom: el.scrollTop > -BOTTOM_SLACK,
    };
  }

  // Marks read what the reader can see: the newest message whose top is in view.
  function reportSeen(): void {
    const el = scroller.current;
    if (!el || document.visibilityState !== "visible") return;
    const bottom = el.getBoundingClientRect().bottom;
    const items = el.querySelectorAll<HTMLElement>("[data-seq]");
    for (let i = items.length - 1; i >= 0; i--) {
      if (items[i].getBoundingClientRect().top < bottom - 8) {
        store.markSeen(Number(items[i].dataset.seq));
        return;
      }
    }
  }

  function onScroll(): void {
    measure();
    if (saved.current.atBottom) setPill(false);
    if (saved.current.fromTop < LOAD_MARGIN) void store.loadOlder();
    reportSeen();
  }

  function toBottom(): void {
    const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
    scroller.current?.scrollTo({
      top: 0,
      behavior: smooth ? "smooth" : "auto",
    });
    setPill(false);
  }

  // On open, show a permalink's message, or else the first unread message
  // if it is above the fold.
  useLayoutEffect(() => {
    const el = scroller.current;
    const divider = el?.querySelector(".unread-divider");
    if (focusing.current) {
      focusing.current = showMessage(store.focusSeq);
    } else if (el && divider) {
      const offset = divider.getBoundingClientRect().top -
        el.getBoundingClientRect().top;
      if (offset < 0) el.scrollTop += offset - 16;
    }
    measure();
    reportSeen();
    const onVisible = () => reportSeen();
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, []);

  useLayoutEffect(() => {
    const el = scroller.current;
    const before = previous.current;
    previous.current = { firstSeq, lastKey };
    if (!el) return;
    if (before.firstSeq && firstSeq < before.firstSeq) {
      // History went in above; keep the reader where they were.
      el.scrollTop = saved.current.scrollTop;
    }
    if (focusing.current && showMessage(store.focusSeq)) {
      // The rest of the history arrived below a permalink's message.
    } else if (lastKey !== before.lastKey && last) {
      const mine = last.message.author.id === store.me.id;
      if (saved.current.atBottom || mine) {
        el.scrollTop = 0;
        setPill(false);
      } else {
        // Reading history: new messages must not move the text being read.
        el.scrollTop = saved.current.fromTop -
          (el.scrollHeight - el.clientHeight);
        setPill(true);
      }
    }
    measure();
    reportSeen();
  }, [firstSeq, lastKey]);

  // Images and files change nothing above the fold (fixed boxes), but a
  // narrower window can; keep the measurements fresh.
  useEffect(() => {
    const onResize = () => measure();
    addEventListener("resize", onResize);
    return () => removeEventListener("resize", onResize);
  }, []);

  const moderates = mayDeleteOthers(store.me, store.channel.value);
  const actions = {
    retry: store.retry,
    discard: store.discard,
    viewImage: store.viewImage,
    react: store.react,
    edit: store.edit,
    menu: store,
  };
  return (
    <div class="log-wrap">
      <div
        ref={scroller}
        class="log"
        role="log"
        aria-live="off"
        aria-label={`Messages in ${channelName}`}
        tabIndex={0}
        onScroll={onScroll}
        onWheel={() => focusing.current = false}
        onTouchStart={() => focusing.current = false}
        onKeyDown={(event) => {
          focusing.current = false;
          menus.onKeyDown(event);
        }}
        onFocusIn={menus.onFocusIn}
      >
        <div class="log-inner">
          {store.hasOlder.value
            ? (
              <div class="log-start">
                <button
                  type="button"
                  class="button secondary small"
                  onClick={() => store.loadOlder()}
                  disabled={store.loadingOlder.value}
                >
                  {store.loadingOlder.value
                    ? "Loading…"
                    : "Load older messages"}
                </button>
                {store.olderError.value && (
                  <p class="form-error" role="alert">
                    {store.olderError.value}
                  </p>
                )}
              </div>
            )
            : (
              <div class="log-start intro">
                <h2>Welcome to {channelName}</h2>
                <p class="muted">
                  {store.messages.value.length === 0
                    ? "No messages yet. Say hello!"
                    : "This is the very beginning of the channel."}
                </p>
              </div>
            )}
          {rows.map((row) => {
            if (row.kind === "day") {
              return (
                <div key={row.key} class="day-divider">
                  <span>{row.label}</span>
                </div>
              );
            }
            if (row.kind === "unread") {
              return (
                <div key={row.key} class="unread-divider">
                  <span>New</span>
                </div>
              );
            }
            const item = (
              <MessageItem
                key={row.key}
                entry={row.entry}
                startsGroup={row.startsGroup}
                mentioned={mentionsMe(row.entry.message, store.me)}
                clock={store.clock.value}
                actions={actions}
                meId={store.me.id}
                editing={store.editing.value === row.entry.message.seq &&
                  row.entry.status === "sent"}
                moderates={moderates}
                menuTabbable={row.entry.message.seq === menus.tabbableSeq}
              />
            );
            return store.blocked.value.has(row.entry.message.author.id)
              ? <BlockedMessage key={row.key}>{item}</BlockedMessage>
              : item;
          })}
        </div>
      </div>
      {pill && (
        <button type="button" class="pill" onClick={toBottom}>
          <Icon name="arrowDown" size={16} /> New messages
        </button>
      )}
      <ReactionPicker store={store} />
    </div>
  );
}
