import { BrowseView } from "../components/BrowseView.tsx";
import type { ChannelView } from "../lib/client/types.ts";
import ChatApp, { type ChatAppProps } from "./ChatApp.tsx";

/** The browse page's props, rendered by the server. */
export interface BrowsePageProps extends Omit<ChatAppProps, "view"> {
  /** One page of the channels the user may join. */
  browse: ChannelView[];
  /** The `after` cursor of the next page; null on the last. */
  browseNext: string | null;
  /** The `after` cursor this page was opened with; null on the first. */
  browseAfter: string | null;
}

/**
 * The list of all channels (`/browse`) in the chat screen. An island of its
 * own, so only this page loads the list's code, not every channel's page.
 */
export default function BrowsePage(
  { browse, browseNext, browseAfter, ...chat }: BrowsePageProps,
) {
  return (
    <ChatApp
      {...chat}
      view="browse"
      browseList={
        <BrowseView
          channels={browse}
          next={browseNext}
          paged={browseAfter !== null}
        />
      }
    />
  );
}
