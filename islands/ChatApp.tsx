import { computed, useSignalEffect } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ChannelMenu } from "../components/ChannelMenu.tsx";
import { ChatHeader } from "../components/ChatHeader.tsx";
import { Composer } from "../components/Composer.tsx";
import { ConnectionBanner } from "../components/ConnectionBanner.tsx";
import { JoinPrompt } from "../components/JoinPrompt.tsx";
import { MemberList } from "../components/MemberList.tsx";
import {
  ProfileContext,
  type ProfileOpener,
} from "../components/PersonTrigger.tsx";
import { MessageList } from "../components/MessageList.tsx";
import { ReplyBar } from "../components/ReplyBar.tsx";
// Opened on demand: their code is fetched the first time one is opened.
import {
  AddPeopleDialog,
  ChannelRulesDialog,
  ChannelSettingsDialog,
  InviteDialog,
  Lightbox,
  NewChannelDialog,
  preloadViews,
  ProfileCard,
  SearchDialog,
} from "../components/OnDemandViews.tsx";
import { Sidebar } from "../components/Sidebar.tsx";
import { api, ApiFailure } from "../lib/client/api.ts";
import { channelLabel, channelTitle } from "../lib/client/channel_title.ts";
import { NotificationMenu } from "../components/NotificationMenu.tsx";
import {
  type Alerts,
  askAfterFirstSend,
  createAlerts,
  enablePush,
} from "../lib/client/alerts.ts";
import { attentionOf } from "../lib/client/attention.ts";
import { type Live, startLive } from "../lib/client/live.ts";
import {
  mayRemoveFrom,
  membersById,
  type Person,
  personOf,
  withRole,
} from "../lib/client/people.ts";
import { dmPath } from "../lib/client/friends.ts";
import { type ChatInit, createChatStore } from "../lib/client/store.ts";

/** The chat page's props, rendered by the server. */
export interface ChatAppProps extends ChatInit {
  /** A channel, or the list of all channels. */
  view: "channel" | "browse";
  /**
   * The browse view's list, given by the BrowsePage island, so the chat
   * page's own JavaScript does not carry it.
   */
  browseList?: ComponentChildren;
}

// A profile card being shown: whose, and what to give focus back to.
interface ProfileOpen {
  ref: Person;
  trigger: HTMLElement | null;
}

// Above this width the member list shows beside the log unless hidden.
const WIDE = "(min-width: 1100px)";

/** The whole chat screen: sidebar, channel (or browse list), members. */
export default function ChatApp(props: ChatAppProps) {
  const [store] = useState(() => createChatStore(props));
  const live = useRef<Live | null>(null);
  const alerts = useRef<Alerts | null>(null);
  const [drawer, setDrawer] = useState(false);
  const [membersOpen, setMembersOpen] = useState<boolean | null>(null);
  const [wide, setWide] = useState(true);
  const [creating, setCreating] = useState(false);
  const [inviting, setInviting] = useState(false);
  const [dialog, setDialog] = useState<"edit" | "rules" | "add" | null>(
    null,
  );
  const [searching, setSearching] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [profile, setProfile] = useState<ProfileOpen | null>(null);
  // Names and avatars anywhere on the page open cards through this.
  const [people] = useState(() =>
    computed(() => membersById(store.members.value))
  );
  const [opener] = useState<ProfileOpener>(() => ({
    lookup: (ref) => personOf(people.value, ref),
    open: (ref, trigger) => setProfile({ ref, trigger }),
  }));
  const dragDepth = useRef(0);
  const root = useRef<HTMLDivElement>(null);

  const channel = store.channel.value;
  const joined = props.view === "channel" && channel?.joined === true;
  // The server decides; these only choose which controls to offer. A DM's
  // people are fixed: it offers none of them.
  const dm = channel?.kind === "dm";
  const owns = joined && !dm && channel?.ownerId === store.me.id;
  const manages = owns ||
    (joined && !dm && (store.me.role === "owner" || store.me.role === "admin"));
  const title = props.view === "browse"
    ? "Browse channels"
    : channel
    ? channelTitle(channel, store.me.id)
    : "";

  useEffect(() => {
    // Hydration is done: switch times to the reader's clock and go live.
    store.clock.value = "local";
    alerts.current = createAlerts(store);
    live.current = startLive(store, alerts.current);
    // Keeps this browser's push subscription current once notifications are allowed.
    void enablePush();
    // Says "the chat is live" on the island's own root, for tests and tools.
    root.current?.setAttribute("data-ready", "");
    const query = matchMedia(WIDE);
    const onWide = () => setWide(query.matches);
    onWide();
    query.addEventListener("change", onWide);
    // Ctrl+K (or Cmd+K) anywhere, or "/" when not typing, opens search.
    const onShortcut = (event: KeyboardEvent) => {
      // Ctrl or Cmd down may be Ctrl+K on its way: fetch search's code now.
      if (event.key === "Control" || event.key === "Meta") preloadViews();
      const target = event.target as HTMLElement | null;
      const typing = target?.closest(
        "input, textarea, select, [contenteditable]",
      );
      const slash = event.key === "/" && !typing && !event.ctrlKey &&
        !event.metaKey && !event.altKey;
      const ctrlK = event.key.toLowerCase() === "k" &&
        (event.ctrlKey || event.metaKey) && !event.altKey;
      if (!slash && !ctrlK) return;
      event.preventDefault();
      setSearching(true);
    };
    document.addEventListener("keydown", onShortcut);
    return () => {
      live.current?.stop();
      query.removeEventListener("change", onWide);
      document.removeEventListener("keydown", onShortcut);
    };
  }, []);

  const elsewhere = attentionOf(store.sidebarChannels.value);

  useSignalEffect(() => {
    // The title counts what is meant for me: mentions and direct messages.
    const count = attentionOf(store.sidebarChannels.value).count +
      (alerts.current?.hiddenHere.value ?? 0);
    const name = props.view === "browse" || !channel
      ? title
      : channelLabel(channel, store.me.id);
    document.title = `${count > 0 ? `(${count}) ` : ""}${name} · Hearth`;
  });

  useSignalEffect(() => {
    // A first send is a sensible moment to offer notifications: never on load.
    if (store.outbox.value.length > 0) askAfterFirstSend();
  });

  function openDrawer(): void {
    setDrawer(true);
    requestAnimationFrame(() =>
      document.querySelector<HTMLElement>(
        "#sidebar [aria-current=page], #sidebar a",
      )?.focus()
    );
  }

  function closeDrawer(): void {
    if (!drawer) return;
    setDrawer(false);
    document.querySelector<HTMLElement>(".drawer-toggle")?.focus();
  }

  // On narrow screens the member list covers the log, so focus goes into it
  // and comes back to the toggle when it closes.
  function toggleMembers(open: boolean): void {
    setMembersOpen(open);
    if (wide) return;
    requestAnimationFrame(() =>
      document.querySelector<HTMLElement>(
        open ? ".members-close" : ".members-toggle",
      )?.focus()
    );
  }

  // Leaving or removing: the socket's frames update the lists.
  async function act(path: string, method: string, then?: string) {
    try {
      await api(path, { method });
      if (then) location.assign(then);
    } catch (failure) {
      store.announcement.value = failure instanceof ApiFailure
        ? failure.message
        : "That did not work. Please try again.";
    }
  }
  const channelPath = `/channels/${encodeURIComponent(channel?.id ?? "")}`;

  // "Message": opens (or finds) the DM with that person.
  async function message(username: string): Promise<void> {
    try {
      location.assign(await dmPath(username));
    } catch (failure) {
      store.announcement.value = failure instanceof ApiFailure
        ? failure.message
        : "The conversation could not be opened.";
    }
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    if (drawer) closeDrawer();
    else if (!wide && membersOpen) toggleMembers(false);
  }

  const hasFiles = (event: DragEvent) =>
    joined && (event.dataTransfer?.types ?? []).includes("Files");
  const dropHandlers = {
    onDragEnter(event: DragEvent) {
      if (!hasFiles(event)) return;
      event.preventDefault();
      dragDepth.current++;
      setDragging(true);
    },
    onDragOver(event: DragEvent) {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer!.dropEffect = "copy";
    },
    onDragLeave(event: DragEvent) {
      if (!hasFiles(event)) return;
      dragDepth.current = Math.max(0, dragDepth.current - 1);
      if (dragDepth.current === 0) setDragging(false);
    },
    onDrop(event: DragEvent) {
      if (!hasFiles(event)) return;
      event.preventDefault();
      dragDepth.current = 0;
      setDragging(false);
      store.upload(Array.from(event.dataTransfer!.files));
    },
  };

  const membersExpanded = membersOpen ?? wide;
  const label = channel ? channelLabel(channel, store.me.id) : "";
  const page = (
    <div
      ref={root}
      class={drawer ? "app drawer-open" : "app"}
      data-members={!joined
        ? "none"
        : membersOpen === null
        ? "auto"
        : membersOpen
        ? "open"
        : "closed"}
      onKeyDown={onKeyDown}
    >
      <a class="skip-link" href={joined ? "#composer" : "#main"}>
        Skip to {joined ? "message box" : "content"}
      </a>
      <Sidebar
        channels={store.sidebarChannels.value}
        currentId={props.view === "channel" ? store.channelId : null}
        browsing={props.view === "browse"}
        me={store.me}
        friendRequests={store.friendRequests.value}
        onNewChannel={() => setCreating(true)}
        onClose={closeDrawer}
      />
      <div class="backdrop" onClick={closeDrawer} aria-hidden="true" />
      <main
        id="main"
        class="chat"
        aria-labelledby="chat-title"
        tabIndex={-1}
        {...dropHandlers}
      >
        <ChatHeader
          title={title}
          icon={props.view === "browse"
            ? "compass"
            : dm
            ? "users"
            : channel?.private
            ? "lock"
            : "hash"}
          topic={props.view === "channel" ? channel?.topic : undefined}
          me={store.me}
          drawerOpen={drawer}
          onOpenDrawer={openDrawer}
          onSearch={() => setSearching(true)}
          elsewhere={elsewhere}
          controls={joined && channel
            ? (
              <NotificationMenu
                channel={channel}
                onChange={(setting) => store.setNotifications(setting)}
              />
            )
            : undefined}
          members={joined
            ? {
              count: store.memberCount.value,
              expanded: membersExpanded,
              onToggle: () => toggleMembers(!membersExpanded),
            }
            : undefined}
          actions={joined && channel && !dm && (
            <ChannelMenu
              channelName={label}
              canManage={manages}
              onEdit={() => setDialog("edit")}
              onRules={() => setDialog("rules")}
              onLeave={() => act(`${channelPath}/leave`, "POST", "/")}
            />
          )}
        />
        {joined && (
          <ConnectionBanner
            status={store.connection.value}
            onReconnect={() => live.current?.reconnectNow()}
          />
        )}
        {props.view === "browse" ? props.browseList : joined
          ? (
            <>
              <MessageList store={store} channelName={label} />
              <ReplyBar store={store} />
              <Composer
                store={store}
                channelName={label}
                onTyping={() => live.current?.typing()}
              />
            </>
          )
          : channel && <JoinPrompt channel={channel} />}
        {dragging && (
          <div class="drop-overlay" aria-hidden="true">
            <p>Drop files to share them in {label}</p>
          </div>
        )}
      </main>
      {joined && (
        <MemberList
          members={store.members.value}
          memberCount={store.memberCount.value}
          onlineCount={store.onlineCount.value}
          onMore={store.loadMoreMembers}
          onClose={() => toggleMembers(false)}
          onInvite={dm ? undefined : () => setInviting(true)}
          onMessage={(member) => message(member.username)}
          onAdd={owns && channel?.private ? () => setDialog("add") : undefined}
          onRemove={manages
            ? (member) =>
              act(
                `${channelPath}/members/${encodeURIComponent(member.id)}`,
                "DELETE",
              )
            : undefined}
          meId={store.me.id}
        />
      )}
      {manages && channel && (
        <ChannelSettingsDialog
          open={dialog === "edit"}
          onClose={() => setDialog(null)}
          channel={channel}
          protectedName={channel.name === "general"}
        />
      )}
      {manages && channel && (
        <ChannelRulesDialog
          open={dialog === "rules"}
          onClose={() => setDialog(null)}
          channel={channel}
        />
      )}
      {owns && channel?.private && (
        <AddPeopleDialog
          open={dialog === "add"}
          onClose={() => setDialog(null)}
          channel={channel}
        />
      )}
      {joined && channel && !dm && (
        <InviteDialog
          open={inviting}
          onClose={() => setInviting(false)}
          channelId={channel.id}
          channelName={label}
        />
      )}
      <NewChannelDialog open={creating} onClose={() => setCreating(false)} />
      <SearchDialog
        open={searching}
        onClose={() => setSearching(false)}
        channels={store.channels.value}
      />
      {joined && <Lightbox store={store} />}
      {profile && (
        <ProfileCard
          key={profile.ref.id}
          person={personOf(people.value, profile.ref)}
          listed={people.value.has(profile.ref.id)}
          me={store.me}
          trigger={profile.trigger}
          removableFrom={channel &&
              mayRemoveFrom(
                channel,
                profile.ref.id,
                people.value,
                manages,
                store.me.role,
              )
            ? { id: channel.id, label }
            : null}
          onRoleChanged={(role) => {
            // No frame tells of role changes; the list shows this one at once.
            store.members.value = withRole(
              store.members.value,
              profile.ref.id,
              role,
            );
          }}
          onClose={() => setProfile(null)}
        />
      )}
      <div class="sr-only" aria-live="polite" aria-atomic="true">
        {store.announcement.value}
      </div>
    </div>
  );
  return (
    <ProfileContext.Provider value={opener}>{page}</ProfileContext.Provider>
  );
}
