/** What comes in: stored messages, socket frames, members and typing notices. */
import { batch } from "@preact/signals";
import { api } from "./api.ts";
import { channelPath, type ChatState } from "./state.ts";
import { mergeMessages } from "./timeline.ts";
import type { Member, Message, ServerFrame } from "./types.ts";

/** How long a typing notice shows without a fresh one. */
export const TYPING_SHOWN_MS = 4000;

/** What `GET /channels/{id}/members` answers. */
interface MemberPage {
  members: Member[];
  nextCursor: string | null;
  memberCount: number;
  onlineCount: number;
}

/**
 * When the member list is reloaded after a `presence` frame too big to list:
 * at least this long after the last such frame, so a storm's frames cost one
 * reload once it has passed rather than one per frame...
 */
export const MEMBERS_RELOAD_AFTER_MS = 1000;
/** ...plus a random part of this, so a crowd's clients do not all ask at once. */
export const MEMBERS_RELOAD_SPREAD_MS = 5000;

/** Builds the receiving actions over `state`. */
export function createInbox(state: ChatState) {
  const { me, messages, outbox, members, typists, memberCount, onlineCount } =
    state;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let membersLoading = false;
  let loadAgain = false;
  // A reload of the member list after a crowd's presence; later frames put it off.
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  // The next page replaces the list rather than adding to it.
  let replaceMembers = false;
  // Live frames move the rev cursor only once the socket has caught up.
  let caughtUp = false;
  // Where the next page of online ("true") and offline ("false") members
  // starts: undefined before the first page, null once all are loaded. The
  // online ones the page or `ready` brought may be all of them.
  let cursors: Record<string, string | null | undefined> = {};
  const restartPaging = () =>
    cursors = {
      true: members.value.length < onlineCount.value ? undefined : null,
    };
  restartPaging();

  /** Takes in the new state of messages this page holds; others are not loaded, so skipped. */
  function update(message: Message): void {
    if (message.channelId !== state.channelId) return;
    if (!messages.value.some((m) => m.seq === message.seq)) return;
    messages.value = mergeMessages(messages.value, [message]);
  }

  function moveCursor(rev: number): void {
    if (caughtUp && rev > state.rev.value) state.rev.value = rev;
  }

  /** Takes in stored messages (live, backfilled or answers to a send). */
  function receive(incoming: Message[], live: boolean): void {
    const fresh = incoming.filter((m) => m.channelId === state.channelId);
    if (fresh.length === 0) return;
    batch(() => {
      const before = messages.value;
      messages.value = mergeMessages(before, fresh);
      // Our own messages, stored: their pending copies are done.
      const confirmed = new Set(
        fresh.flatMap((m) =>
          m.author.id === me.id && m.clientId ? [m.clientId] : []
        ),
      );
      if (confirmed.size > 0) {
        outbox.value = outbox.value.filter((e) =>
          !confirmed.has(e.message.clientId!)
        );
      }
      if (messages.value === before) return;
      const known = new Set(before.map((m) => m.seq));
      const added = fresh.filter((m) => !known.has(m.seq));
      const typing = { ...typists.value };
      for (const m of added) delete typing[m.author.id];
      typists.value = typing;
      const last = added.at(-1);
      if (live && last && last.author.id !== me.id) {
        const text = last.content ||
          (last.file ? `shared ${last.file.name}` : "");
        state.announcement.value = `${last.author.displayName}: ${
          text.slice(0, 200)
        }`;
      }
      const channel = state.channel.value;
      if (channel && state.lastSeq.value > channel.lastSeq) {
        state.channel.value = { ...channel, lastSeq: state.lastSeq.value };
      }
    });
  }

  /** Handles one server frame. */
  function onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "ready":
        // Backlog frames follow when the server has more than we do.
        caughtUp = false;
        batch(() => {
          members.value = frame.members;
          memberCount.value = frame.memberCount;
          onlineCount.value = frame.onlineCount;
        });
        restartPaging();
        break;
      case "message":
        receive([frame.message], true);
        moveCursor(frame.message.rev);
        break;
      case "message_update":
        update(frame.message);
        moveCursor(frame.message.rev);
        break;
      case "caught_up":
        caughtUp = true;
        moveCursor(frame.rev);
        break;
      case "presence":
        if (frame.omitted) crowdPresence(frame.onlineCount);
        else applyPresence(frame.changes, frame.onlineCount);
        break;
      case "typing": {
        const member = members.value.find((m) => m.id === frame.userId);
        const name = frame.displayName ?? member?.displayName ??
          frame.username ?? "Someone";
        typists.value = {
          ...typists.value,
          [frame.userId]: { name, until: Date.now() + TYPING_SHOWN_MS },
        };
        clearTimeout(typingTimer);
        typingTimer = setTimeout(expireTypists, TYPING_SHOWN_MS + 50);
        break;
      }
      case "activity":
        // Another channel moved on: count what is new there until the next
        // resync of the list (on reconnect) brings the server's own count.
        state.channels.value = state.channels.value.map((c) =>
          c.id === frame.channelId && frame.lastSeq > c.lastSeq
            ? {
              ...c,
              lastSeq: frame.lastSeq,
              unread: c.unread + frame.lastSeq - c.lastSeq,
            }
            : c
        );
        break;
      case "member":
        if (frame.userId === me.id && !frame.joined) {
          // Left from another tab: this page has nothing more to show.
          location.assign("/");
          break;
        }
        batch(() => {
          const gone = members.value.find((m) => m.id === frame.userId);
          memberCount.value += frame.joined ? 1 : -1;
          if (gone?.online && !frame.joined) onlineCount.value--;
          members.value = members.value.filter((m) => m.id !== frame.userId);
          if (frame.member) take([frame.member]);
        });
        break;
      case "member_updated": {
        // Only a loaded member changes; the list's own presence stands (the
        // frame's is one server's view).
        const { member } = frame;
        batch(() => {
          members.value = members.value.map((m) =>
            m.id === member.id ? { ...member, online: m.online } : m
          );
          // Mine: the header's name and avatar, and what my role lets me do.
          if (member.id === me.id) {
            state.setMe({
              ...state.me,
              displayName: member.displayName,
              avatarUrl: member.avatarUrl ?? null,
              role: member.role ?? "member",
            });
          }
        });
        break;
      }
      case "channel_updated": {
        const { id, name, topic, slowModeSeconds, postPolicy } = frame.channel;
        const change = {
          name,
          topic,
          ...(slowModeSeconds === undefined ? {} : { slowModeSeconds }),
          ...(postPolicy === undefined ? {} : { postPolicy }),
        };
        state.channels.value = state.channels.value.map((c) =>
          c.id === id ? { ...c, ...change } : c
        );
        const open = state.channel.value;
        if (open?.id === id) state.channel.value = { ...open, ...change };
        break;
      }
      case "channel_removed":
        state.channels.value = state.channels.value.filter((c) =>
          c.id !== frame.channelId
        );
        // The open channel is gone: the front door finds where to go.
        if (frame.channelId === state.channelId) location.assign("/");
        break;
      case "channel_added": {
        const { channel } = frame;
        state.announcement.value = `You were added to #${channel.name}`;
        break;
      }
      case "error":
        state.announcement.value = frame.detail;
        break;
    }
  }

  // Presence comes batched by the server, the latest state per user, with
  // the channel's online count when the server knows it.
  function applyPresence(
    changes: { userId: string; online: boolean }[],
    count?: number,
  ): void {
    const now = new Map(changes.map((c) => [c.userId, c.online]));
    let delta = 0;
    const next = members.value.map((m) => {
      const online = now.get(m.id);
      now.delete(m.id);
      if (online === undefined || online === m.online) return m;
      delta += online ? 1 : -1;
      return { ...m, online };
    });
    // Others are not loaded: the online list is no longer complete.
    let strangers = false;
    for (const online of now.values()) {
      delta += online ? 1 : -1;
      strangers ||= online;
    }
    batch(() => {
      members.value = next;
      onlineCount.value = count ?? Math.max(0, onlineCount.value + delta);
    });
    if (!strangers) return;
    cursors.true = undefined;
    // A short online list (as short as `ready` lists) takes newcomers in
    // at once; a longer one shows them as its end is scrolled to.
    if (next.filter((m) => m.online).length < 100) void loadMoreMembers();
  }

  // Too many came or went to list: the count is news now, the list is read
  // again from its first page once the crowd has passed.
  function crowdPresence(count?: number): void {
    if (count !== undefined) onlineCount.value = count;
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => {
      reloadTimer = undefined;
      cursors = { true: undefined };
      replaceMembers = true;
      void loadMoreMembers();
    }, MEMBERS_RELOAD_AFTER_MS + Math.random() * MEMBERS_RELOAD_SPREAD_MS);
  }

  /** Cancels a pending reload of the member list (the page is left). */
  function cancelMembersReload(): void {
    clearTimeout(reloadTimer);
    reloadTimer = undefined;
  }

  // Puts members in the list, replacing any loaded copy of them.
  function take(list: Member[]): void {
    const ids = new Set(list.map((m) => m.id));
    members.value = [...members.value.filter((m) => !ids.has(m.id)), ...list];
  }

  /** Loads the next page of members, online ones first, then offline ones. */
  async function loadMoreMembers(): Promise<void> {
    const online = cursors.true !== null
      ? "true"
      : cursors.false !== null
      ? "false"
      : "";
    if (!online || state.channelId === null) return;
    // Asked again while a page loads: the next page follows it.
    if (membersLoading) {
      loadAgain = true;
      return;
    }
    membersLoading = true;
    loadAgain = false;
    const replace = replaceMembers;
    replaceMembers = false;
    try {
      const cursor = cursors[online];
      const page = await api<MemberPage>(channelPath(
        state,
        `/members?limit=100&online=${online}${
          cursor ? `&cursor=${cursor}` : ""
        }`,
      ));
      // A reload asked for meanwhile starts again from the first page.
      if (!replaceMembers) cursors[online] = page.nextCursor;
      batch(() => {
        if (replace) members.value = page.members;
        else take(page.members);
        memberCount.value = page.memberCount;
        onlineCount.value = page.onlineCount;
      });
    } catch {
      // Scrolling again tries again (from the first page if it was a reload).
      loadAgain = false;
      replaceMembers ||= replace;
    } finally {
      membersLoading = false;
    }
    if (loadAgain) void loadMoreMembers();
  }

  /** The loaded members plus, when they may not hold enough, those whose names start with `query`. */
  async function membersMatching(query: string): Promise<Member[]> {
    const loaded = members.value;
    if (loaded.length >= memberCount.value) return loaded;
    try {
      const page = await api<MemberPage>(channelPath(
        state,
        `/members?limit=20&q=${encodeURIComponent(query)}`,
      ));
      const ids = new Set(loaded.map((m) => m.id));
      return [...loaded, ...page.members.filter((m) => !ids.has(m.id))];
    } catch {
      return loaded;
    }
  }

  function expireTypists(): void {
    const now = Date.now();
    const left = Object.entries(typists.value).filter(([, t]) => t.until > now);
    typists.value = Object.fromEntries(left);
    if (left.length > 0) {
      const next = Math.min(...left.map(([, t]) => t.until)) - now;
      typingTimer = setTimeout(expireTypists, next + 50);
    }
  }

  return {
    receive,
    onFrame,
    loadMoreMembers,
    membersMatching,
    cancelMembersReload,
  };
}
