/** What comes in: stored messages, socket frames, members and typing notices. */
import { batch } from "@preact/signals";
import { api } from "./api.ts";
import { channelPath, type ChatState } from "./state.ts";
import { mergeMessages } from "./timeline.ts";
import type { Member, Message, ServerFrame } from "./types.ts";

/** How long a typing notice shows without a fresh one. */
export const TYPING_SHOWN_MS = 4000;

/** How long presence changes are gathered before the member list takes them. */
export const PRESENCE_BATCH_MS = 100;

/** Builds the receiving actions over `state`. */
export function createInbox(state: ChatState) {
  const { me, messages, outbox, members, typists } = state;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let membersLoading = false;
  // Live frames move the rev cursor only once the socket has caught up.
  let caughtUp = false;
  // Presence comes one frame per user. When many come and go at once (a
  // restart reconnects everyone) applying each frame on its own would copy
  // and re-render the whole member list per frame, so changes are gathered
  // for a moment and applied together; the latest state per user wins.
  const presenceChanges = new Map<string, boolean>();
  let presenceTimer: ReturnType<typeof setTimeout> | undefined;

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
      if (added.some((m) => !members.value.some((x) => x.id === m.author.id))) {
        void refreshMembers();
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
        // Backlog frames follow when the server has more than we do. The
        // list is current, so presence gathered before it is stale.
        caughtUp = false;
        presenceChanges.clear();
        members.value = frame.members;
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
        presenceChanges.set(frame.userId, frame.online);
        presenceTimer ??= setTimeout(applyPresence, PRESENCE_BATCH_MS);
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
        if (!frame.joined) {
          presenceChanges.delete(frame.userId);
          members.value = members.value.filter((m) => m.id !== frame.userId);
        } else if (frame.member) {
          const joined = frame.member;
          members.value = [
            ...members.value.filter((m) => m.id !== joined.id),
            joined,
          ];
        } else void refreshMembers();
        break;
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

  function applyPresence(): void {
    presenceTimer = undefined;
    if (presenceChanges.size === 0) return;
    const known = new Set<string>();
    let changed = false;
    const next = members.value.map((m) => {
      known.add(m.id);
      const online = presenceChanges.get(m.id);
      if (online === undefined || online === m.online) return m;
      changed = true;
      return { ...m, online };
    });
    const strangers = [...presenceChanges.keys()].some((id) => !known.has(id));
    presenceChanges.clear();
    if (changed) members.value = next;
    // Someone we do not list yet (joined while we were away): reload the list.
    if (strangers) void refreshMembers();
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

  /** Reloads the open channel's members with their presence. */
  async function refreshMembers(): Promise<void> {
    if (state.channelId === null || membersLoading) return;
    membersLoading = true;
    try {
      members.value = await api<Member[]>(channelPath(state, "/members"));
    } catch {
      // Keep the list we have.
    } finally {
      membersLoading = false;
    }
  }

  return { receive, onFrame, refreshMembers };
}
