import { useSignalEffect } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import { BrowseView } from "../components/BrowseView.tsx";
import { ChatHeader } from "../components/ChatHeader.tsx";
import { Composer } from "../components/Composer.tsx";
import { ConnectionBanner } from "../components/ConnectionBanner.tsx";
import { JoinPrompt } from "../components/JoinPrompt.tsx";
import { MemberList } from "../components/MemberList.tsx";
import { MessageList } from "../components/MessageList.tsx";
import { NewChannelDialog } from "../components/NewChannelDialog.tsx";
import { Sidebar } from "../components/Sidebar.tsx";
import { type Live, startLive } from "../lib/client/live.ts";
import { type ChatInit, createChatStore } from "../lib/client/store.ts";
import type { ChannelView } from "../lib/client/types.ts";

/** The chat page's props, rendered by the server. */
export interface ChatAppProps extends ChatInit {
  /** A channel, or the list of all channels. */
  view: "channel" | "browse";
  /** One page of the channels the user may join (browse view). */
  browse?: ChannelView[];
  /** The `after` cursor of the next browse page; null on the last. */
  browseNext?: string | null;
  /** The `after` cursor this browse page was opened with; null on the first. */
  browseAfter?: string | null;
}

// Above this width the member list shows beside the log unless hidden.
const WIDE = "(min-width: 1100px)";

/** The whole chat screen: sidebar, channel (or browse list), members. */
export default function ChatApp(props: ChatAppProps) {
  const [store] = useState(() => createChatStore(props));
  const live = useRef<Live | null>(null);
  const [drawer, setDrawer] = useState(false);
  const [membersOpen, setMembersOpen] = useState<boolean | null>(null);
  const [wide, setWide] = useState(true);
  const [creating, setCreating] = useState(false);
  const [dragging, setDragging] = useState(false);
  const dragDepth = useRef(0);
  const root = useRef<HTMLDivElement>(null);

  const channel = store.channel.value;
  const joined = props.view === "channel" && channel?.joined === true;
  const title = props.view === "browse"
    ? "Browse channels"
    : channel?.name ?? "";

  useEffect(() => {
    // Hydration is done: switch times to the reader's clock and go live.
    store.clock.value = "local";
    live.current = startLive(store);
    // Says "the chat is live" on the island's own root, for tests and tools.
    root.current?.setAttribute("data-ready", "");
    const query = matchMedia(WIDE);
    const onWide = () => setWide(query.matches);
    onWide();
    query.addEventListener("change", onWide);
    return () => {
      live.current?.stop();
      query.removeEventListener("change", onWide);
    };
  }, []);

  useSignalEffect(() => {
    const unread = store.unreadElsewhere.value;
    const name = props.view === "browse" ? title : `#${title}`;
    document.title = `${unread > 0 ? `(${unread}) ` : ""}${name} · Hearth`;
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
  const label = channel ? `#${channel.name}` : "";
  return (
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
            : channel?.private
            ? "lock"
            : "hash"}
          topic={props.view === "channel" ? channel?.topic : undefined}
          me={store.me}
          drawerOpen={drawer}
          onOpenDrawer={openDrawer}
          members={joined
            ? {
              count: store.members.value.length,
              expanded: membersExpanded,
              onToggle: () => toggleMembers(!membersExpanded),
            }
            : undefined}
        />
        {joined && (
          <ConnectionBanner
            status={store.connection.value}
            onReconnect={() => live.current?.reconnectNow()}
          />
        )}
        {props.view === "browse"
          ? (
            <BrowseView
              channels={props.browse ?? []}
              next={props.browseNext ?? null}
              paged={(props.browseAfter ?? null) !== null}
            />
          )
          : joined
          ? (
            <>
              <MessageList store={store} channelName={label} />
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
          onClose={() => toggleMembers(false)}
        />
      )}
      <NewChannelDialog open={creating} onClose={() => setCreating(false)} />
      <div class="sr-only" aria-live="polite" aria-atomic="true">
        {store.announcement.value}
      </div>
    </div>
  );
}
