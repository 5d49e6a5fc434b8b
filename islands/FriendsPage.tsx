import { useEffect, useState } from "preact/hooks";
import { Avatar } from "../components/Avatar.tsx";
import { ApiFailure } from "../lib/client/api.ts";
import {
  acceptFriend,
  addFriend,
  type BlockedPerson,
  blockUser,
  dmPath,
  type FriendLists,
  type FriendPerson,
  loadBlocks,
  loadFriends,
  removeFriend,
  unblockUser,
} from "../lib/client/friends.ts";
import { watchFriends } from "../lib/client/friends_live.ts";

/** The friends page's props, rendered by the server. */
export interface FriendsPageProps {
  lists: FriendLists;
  blocked: BlockedPerson[];
}

/** What the last action said, for the live region. */
interface Note {
  error: boolean;
  text: string;
}

/**
 * The friends page: "Add friend" by username, my friends (online first) with
 * Message, Remove and Block, incoming requests (Accept, Decline), outgoing
 * ones (Cancel), and whom I blocked (Unblock). Lists reload whenever the
 * server says they changed, and when the tab comes back into view.
 */
export default function FriendsPage(props: FriendsPageProps) {
  const [lists, setLists] = useState(props.lists);
  const [blocked, setBlocked] = useState(props.blocked);
  const [note, setNote] = useState<Note | null>(null);
  const [busy, setBusy] = useState(false);

  async function reload(): Promise<void> {
    try {
      const [nextLists, nextBlocked] = await Promise.all([
        loadFriends(),
        loadBlocks(),
      ]);
      setLists(nextLists);
      setBlocked(nextBlocked);
    } catch {
      // Offline for a moment: the next change or focus reloads.
    }
  }

  useEffect(() => watchFriends(() => void reload()), []);

  async function run(work: () => Promise<string | void>): Promise<boolean> {
    setBusy(true);
    setNote(null);
    try {
      const said = await work();
      if (said) setNote({ error: false, text: said });
      await reload();
      return true;
    } catch (failure) {
      setNote({
        error: true,
        text: failure instanceof ApiFailure
          ? failure.message
          : "That did not work. Please try again.",
      });
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function add(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const username = String(new FormData(form).get("username") ?? "").trim();
    if (!username) return;
    const done = await run(async () =>
      await addFriend(username) === "friends"
        ? `You and ${username} are now friends.`
        : `Friend request sent to ${username}.`
    );
    if (done) form.reset();
  }

  async function message(person: FriendPerson): Promise<void> {
    try {
      location.assign(await dmPath(person.username));
    } catch (failure) {
      setNote({
        error: true,
        text: failure instanceof ApiFailure
          ? failure.message
          : "The conversation could not be opened.",
      });
    }
  }

  const name = (p: { displayName: string }) => p.displayName;
  return (
    <div class="friends-page">
      <p>
        <a href="/">Back to chat</a>
      </p>
      <form class="auth-form" onSubmit={add} aria-label="Add friend">
        <h2>Add friend</h2>
        <label for="friend-username">Username</label>
        <input
          id="friend-username"
          name="username"
          autocomplete="off"
          required
        />
        <button type="submit" class="button" disabled={busy}>
          Send friend request
        </button>
      </form>
      <p
        class={note?.error ? "form-error" : "form-note"}
        role="status"
        aria-live="polite"
      >
        {note?.text ?? ""}
      </p>

      <People
        title="Friends"
        people={lists.friends}
        empty="No friends yet: add someone by their username."
        showPresence
        actions={(p) => (
          <>
            <button
              type="button"
              class="button small"
              onClick={() => message(p)}
              aria-label={`Message ${name(p)}`}
            >
              Message
            </button>
            <Act
              label={`Remove ${name(p)} from friends`}
              busy={busy}
              run={run}
              work={async () => {
                await removeFriend(p.id);
                return `${name(p)} is no longer your friend.`;
              }}
            >
              Remove
            </Act>
            <BlockButton person={p} busy={busy} run={run} />
          </>
        )}
      />
      <People
        title="Incoming requests"
        people={lists.incoming}
        empty="No requests waiting for you."
        actions={(p) => (
          <>
            <Act
              label={`Accept ${name(p)}`}
              primary
              busy={busy}
              run={run}
              work={async () => {
                await acceptFriend(p.id);
                return `You and ${name(p)} are now friends.`;
              }}
            >
              Accept
            </Act>
            <Act
              label={`Decline ${name(p)}`}
              busy={busy}
              run={run}
              work={async () => {
                await removeFriend(p.id);
                return `Declined ${name(p)}'s request.`;
              }}
            >
              Decline
            </Act>
            <BlockButton person={p} busy={busy} run={run} />
          </>
        )}
      />
      <People
        title="Outgoing requests"
        people={lists.outgoing}
        empty="No requests of yours are waiting."
        actions={(p) => (
          <Act
            label={`Cancel request to ${name(p)}`}
            busy={busy}
            run={run}
            work={async () => {
              await removeFriend(p.id);
              return `Cancelled your request to ${name(p)}.`;
            }}
          >
            Cancel
          </Act>
        )}
      />
      <People
        title="Blocked"
        people={blocked}
        empty="You have not blocked anyone."
        actions={(p) => (
          <Act
            label={`Unblock ${name(p)}`}
            busy={busy}
            run={run}
            work={async () => {
              await unblockUser(p.id);
              return `Unblocked ${name(p)}.`;
            }}
          >
            Unblock
          </Act>
        )}
      />
    </div>
  );
}

/** A person as a list row shows them. */
interface Listed {
  id: string;
  username: string;
  displayName: string;
  online?: boolean;
}

/** One titled list of people, each with their own buttons. */
function People<P extends Listed>(
  { title, people, empty, actions, showPresence }: {
    title: string;
    people: P[];
    empty: string;
    actions: (person: P) => preact.ComponentChildren;
    showPresence?: boolean;
  },
) {
  const id = `friends-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section class="friends-section" aria-labelledby={id}>
      <h2 id={id}>
        {title}
        {people.length > 0 && <span class="muted">({people.length})</span>}
      </h2>
      {people.length === 0
        ? <p class="muted">{empty}</p>
        : (
          <ul class="friends-list">
            {people.map((p) => (
              <li key={p.id} class="friends-row">
                <Avatar
                  id={p.id}
                  name={p.displayName}
                  online={showPresence ? p.online === true : undefined}
                />
                <span class="friends-name">
                  <strong>{p.displayName}</strong>{" "}
                  <span class="muted">@{p.username}</span>
                  {showPresence && (
                    <span class="muted">
                      {" · "}
                      {p.online ? "Online" : "Offline"}
                    </span>
                  )}
                </span>
                <span class="friends-actions">{actions(p)}</span>
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}

/** A button that runs one action of the page and says what it did. */
function Act(
  { children, label, primary, busy, run, work }: {
    children: string;
    label: string;
    primary?: boolean;
    busy: boolean;
    run: (work: () => Promise<string>) => Promise<boolean>;
    work: () => Promise<string>;
  },
) {
  return (
    <button
      type="button"
      class={primary ? "button small" : "button small secondary"}
      disabled={busy}
      onClick={() => run(work)}
      aria-label={label}
    >
      {children}
    </button>
  );
}

/** Block, which also ends the friendship or request. */
function BlockButton(
  { person, busy, run }: {
    person: Listed;
    busy: boolean;
    run: (work: () => Promise<string>) => Promise<boolean>;
  },
) {
  return (
    <Act
      label={`Block ${person.displayName}`}
      busy={busy}
      run={run}
      work={async () => {
        await blockUser(person.id);
        return `Blocked ${person.displayName}.`;
      }}
    >
      Block
    </Act>
  );
}
