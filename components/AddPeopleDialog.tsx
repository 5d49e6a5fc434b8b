import { useEffect, useState } from "preact/hooks";
import { api, ApiFailure } from "../lib/client/api.ts";
import type { ChannelView } from "../lib/client/types.ts";
import { Avatar } from "./Avatar.tsx";
import { useModal } from "./use_modal.ts";

// Someone the search found (the API sends users; this is what the list shows).
interface User {
  id: string;
  username: string;
  displayName: string;
}

// Typing pauses this long before the search goes out.
const SEARCH_DELAY_MS = 200;

/** "Add people" to a private channel: find people by the start of their username and add them. */
export function AddPeopleDialog(
  { open, onClose, channel }: {
    open: boolean;
    onClose(): void;
    channel: ChannelView;
  },
) {
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<User[]>([]);
  const [added, setAdded] = useState<string[]>([]);
  const [error, setError] = useState("");
  const dialog = useModal(open, () => {
    setQuery("");
    setFound([]);
    setAdded([]);
    setError("");
  });
  const path = `/channels/${encodeURIComponent(channel.id)}`;

  useEffect(() => {
    const q = query.trim();
    if (!open || q === "") return setFound([]);
    const abort = new AbortController();
    const timer = setTimeout(() => {
      api<User[]>(`${path}/candidates?q=${encodeURIComponent(q)}`, {
        signal: abort.signal,
      }).then(setFound, (failure) => {
        if (failure instanceof ApiFailure) setError(failure.message);
      });
    }, SEARCH_DELAY_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [query, open]);

  async function add(person: User): Promise<void> {
    setError("");
    try {
      await api(`${path}/members`, {
        method: "POST",
        body: { username: person.username },
      });
      setAdded([...added, person.id]);
    } catch (failure) {
      setError(
        failure instanceof ApiFailure
          ? failure.message
          : `${person.displayName} could not be added.`,
      );
    }
  }

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="add-people-title"
      onClose={onClose}
    >
      <div class="stack">
        <h2 id="add-people-title">Add people to #{channel.name}</h2>
        <label class="field">
          <span>Username</span>
          <input
            type="search"
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
            autocomplete="off"
            placeholder="Start typing a username"
          />
        </label>
        <ul class="candidates" aria-label="People found">
          {found.map((person) => (
            <li key={person.id}>
              <Avatar id={person.id} name={person.displayName} size="sm" />
              <span class="member-name">
                {person.displayName}{" "}
                <span class="member-handle">@{person.username}</span>
              </span>
              {added.includes(person.id)
                ? <span class="muted">Added</span>
                : (
                  <button
                    type="button"
                    class="button small"
                    onClick={() => add(person)}
                    aria-label={`Add ${person.displayName}`}
                  >
                    Add
                  </button>
                )}
            </li>
          ))}
        </ul>
        {query.trim() !== "" && found.length === 0 && (
          <p class="muted">Nobody to add by that name.</p>
        )}
        <p class="form-error" role="alert">{error}</p>
        <div class="dialog-buttons">
          <button type="button" class="button secondary" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </dialog>
  );
}
