/**
 * The code OnDemandViews.tsx imports when the first of its views opens, as
 * one chunk. One chunk rather than one a view: each further chunk makes the
 * bundler split the modules it shares with the page into chunks of their
 * own, and the page's own JavaScript came out larger (56.7 KB gzipped with a
 * chunk a view, against 56.1 KB with this one).
 */
export { AddPeopleDialog } from "./AddPeopleDialog.tsx";
export { ChannelRulesDialog } from "./ChannelRulesDialog.tsx";
export { ChannelSettingsDialog } from "./ChannelSettingsDialog.tsx";
export { InviteDialog } from "./InviteDialog.tsx";
export { Lightbox } from "./Lightbox.tsx";
export { NewChannelDialog } from "./NewChannelDialog.tsx";
export { ProfileCard } from "./ProfileCard.tsx";
export { ReportDialog } from "./ReportDialog.tsx";
export { SearchDialog } from "./SearchDialog.tsx";
