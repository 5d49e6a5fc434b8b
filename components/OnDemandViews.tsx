/**
 * The chat page's dialogs, search, image viewer, profile card and report
 * form, by the same names and props as their own modules, but with their
 * code imported the first time one of them opens (one chunk, see
 * on_demand_code.ts): reading and posting never wait for it. Until it
 * arrives nothing shows; then the view opens as asked and takes the focus as
 * it always does.
 */
import type { ComponentProps, ComponentType } from "preact";
import { useState } from "preact/hooks";
import { onDemand, useOnDemand } from "./on_demand.ts";

type Views = typeof import("./on_demand_code.ts");
type Props<K extends keyof Views> = ComponentProps<Views[K]>;

const views = onDemand<Views>(() => import("./on_demand_code.ts"));

/** Starts fetching the views on a hint that one is about to open (hover, focus, Ctrl). */
export function preloadViews(): void {
  views.load().catch(() => {
    // Opening one tries again, and says so if it fails then.
  });
}

// The view `name`, shown once it is `wanted` and its code has arrived; if
// the code cannot be had, the view is closed and a screen reader hears why.
function deferred<K extends keyof Views>(
  name: K,
  what: string,
  wanted: (props: Props<K>) => boolean,
  close: (props: Props<K>) => void,
) {
  return function Deferred(props: Props<K>) {
    const [failed, setFailed] = useState(false);
    const module = useOnDemand(views, wanted(props), () => {
      setFailed(true);
      close(props);
    });
    if (module) {
      // `props` are this view's own (Props<K>), which TypeScript cannot
      // follow through the generic index.
      const View = module[name] as ComponentType<object>;
      return <View {...props} />;
    }
    return failed
      ? (
        <p class="sr-only" role="alert">
          {what} could not be loaded. Please try again.
        </p>
      )
      : null;
  };
}

// The dialogs are rendered closed all along: wanted once `open`.
interface Dialog {
  open: boolean;
  onClose(): void;
}
const isOpen = (props: Dialog) => props.open;
const closeIt = (props: { onClose(): void }) => props.onClose();

/** The "New channel" form (NewChannelDialog.tsx). */
export const NewChannelDialog = deferred(
  "NewChannelDialog",
  "The new channel form",
  isOpen,
  closeIt,
);

/** "Edit channel" (ChannelSettingsDialog.tsx). */
export const ChannelSettingsDialog = deferred(
  "ChannelSettingsDialog",
  "Edit channel",
  isOpen,
  closeIt,
);

/** "Posting rules" (ChannelRulesDialog.tsx). */
export const ChannelRulesDialog = deferred(
  "ChannelRulesDialog",
  "Posting rules",
  isOpen,
  closeIt,
);

/** "Invite people" (InviteDialog.tsx). */
export const InviteDialog = deferred(
  "InviteDialog",
  "Invite people",
  isOpen,
  closeIt,
);

/** "Add people" to a private channel (AddPeopleDialog.tsx). */
export const AddPeopleDialog = deferred(
  "AddPeopleDialog",
  "Add people",
  isOpen,
  closeIt,
);

/** Search (SearchDialog.tsx): Ctrl+K or "/" opens it on the first press. */
export const SearchDialog = deferred("SearchDialog", "Search", isOpen, closeIt);

/** The image viewer (Lightbox.tsx), wanted while an image is being viewed. */
export const Lightbox = deferred(
  "Lightbox",
  "The image viewer",
  ({ store }) => store.viewing.value !== null,
  ({ store }) => store.closeViewer(),
);

/** A profile card (ProfileCard.tsx): rendered only while open, so wanted at once. */
export const ProfileCard = deferred(
  "ProfileCard",
  "The profile card",
  () => true,
  closeIt,
);

/** The message menu's Report dialog (ReportDialog.tsx), rendered only while open. */
export const ReportDialog = deferred(
  "ReportDialog",
  "The report form",
  () => true,
  closeIt,
);
