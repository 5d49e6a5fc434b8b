import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiFailure } from "../lib/client/api.ts";
import { matchParts, parseSearch } from "../lib/client/search_query.ts";
import { permalink } from "../lib/client/permalink.ts";
import type { ChannelView } from "../lib/client/types.ts";
import { MIN_SEARCH_LENGTH } from "../lib/shared/search_text.ts";
import type { SearchPage, SearchResult } from "../lib/shared/wire.ts";
import { PersonName } from "./PersonName.tsx";

// Typing pauses this long before a search goes out.
const DEBOUNCE_MS = 250;

// Results grouped by channel, in the order their newest match came.
function byChannel(results: SearchResult[]) {
  const groups = new Map<string, SearchResult[]>();
  for (const r of results) {
    groups.set(r.channel.id, [...(groups.get(r.channel.id) ?? []), r]);
  }
  return [...groups.values()];
}

/**
 * Search in a modal dialog: words with `from:`, `in:` and `has:file`;
 * results grouped by channel with the match marked, each a permalink.
 */
export function SearchDialog(
  { open, onClose, channels }: {
    open: boolean;
    onClose(): void;
    channels: ChannelView[];
  },
) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState("");
  const [page, setPage] = useState<SearchPage | null>(null);
  const [status, setStatus] = useState("");

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (open && !el.open) el.showModal();
    else if (!open && el.open) el.close();
  }, [open]);

  const parsed = parseSearch(typed);
  useEffect(() => {
    if (!open) return;
    if (Array.from(parsed.text).length < MIN_SEARCH_LENGTH) {
      setPage(null);
      setStatus(typed.trim() ? "Type at least two characters." : "");
      return;
    }
    const params = new URLSearchParams({ q: parsed.text });
    if (parsed.from) params.set("from", parsed.from);
    if (parsed.hasFile) params.set("has", "file");
    if (parsed.in) {
      const name = parsed.in.toLowerCase();
      const channel = channels.find((c) => c.name.toLowerCase() === name);
      if (!channel) {
        setPage(null);
        setStatus(`You are in no channel named "${parsed.in}".`);
        return;
      }
      params.set("channelId", channel.id);
    }
    const abort = new AbortController();
    const timer = setTimeout(async () => {
      setStatus("Searching…");
      try {
        const found = await api<SearchPage>(`/search?${params}`, {
          signal: abort.signal,
        });
        setPage(found);
        const n = found.results.length;
        setStatus(
          n === 0
            ? "No messages found."
            : `${n}${found.next ? "+" : ""} found.`,
        );
      } catch (failure) {
        if ((failure as Error).name === "AbortError") return;
        setPage(null);
        setStatus(
          failure instanceof ApiFailure
            ? failure.message
            : "The search failed.",
        );
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [open, typed]);

  return (
    <dialog
      ref={dialog}
      class="dialog search-dialog"
      aria-labelledby="search-title"
      onClose={onClose}
    >
      <h2 id="search-title">Search messages</h2>
      <label class="field">
        <span class="sr-only">Search</span>
        <input
          type="search"
          class="search-input"
          value={typed}
          onInput={(e) => setTyped(e.currentTarget.value)}
          placeholder="Words, from:name, in:channel, has:file"
          autocomplete="off"
          aria-describedby="search-status"
        />
      </label>
      <p id="search-status" class="muted" role="status">{status}</p>
      {page && page.results.length > 0 && (
        <div class="search-results">
          {byChannel(page.results).map((group) => (
            <section key={group[0].channel.id} class="search-group">
              <h3>#{group[0].channel.name}</h3>
              <ul>
                {group.map(({ message }) => (
                  <li key={message.id}>
                    <a
                      class="search-hit"
                      href={permalink(message.channelId, message.seq)}
                    >
                      <span class="search-hit-author">
                        <PersonName person={message.author} />
                      </span>
                      <span class="search-hit-text">
                        {matchParts(
                          message.content || message.file?.name || "",
                          parsed.text,
                        ).map((part, i) =>
                          part.match
                            ? <mark key={i}>{part.text}</mark>
                            : part.text
                        )}
                      </span>
                    </a>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
      <div class="dialog-buttons">
        <button
          type="button"
          class="button secondary"
          onClick={() => dialog.current?.close()}
        >
          Close
        </button>
      </div>
    </dialog>
  );
}
