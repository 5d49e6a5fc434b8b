/**
 * The KV keys a backup reads and writes, all from the data layer's one
 * registry (`lib/db/_keys.ts`): the builders themselves, and the families an
 * import writes, derived from how the registry says a backup treats each.
 */
import { familyPrefix, KEY_FAMILIES } from "../db/_keys.ts";

export {
  auditPrefix,
  avatarPrefix,
  botsPrefix,
  channelSeqKey,
  channelsPrefix,
  chunkKey,
  clientIdsPrefix,
  fileKey,
  instanceSettingsKey,
  invitesPrefix,
  membersPrefix,
  messageKey,
  pushKeysKey,
  pushSubscriptionsPrefix,
  readMarkersPrefix,
  reportsPrefix,
  signingKeyKey,
  timeoutsPrefix,
  userKey,
} from "../db/_keys.ts";

/** Every stored user. */
export const usersPrefix: Deno.KvKey = familyPrefix("users");
/** Every committed file's metadata. */
export const filesPrefix: Deno.KvKey = familyPrefix("files");
/** Every friendship and friend request (two rows each). */
export const friendsFamilyPrefix: Deno.KvKey = familyPrefix("friends");
/** Every block. */
export const blocksFamilyPrefix: Deno.KvKey = familyPrefix("blocks");
/** Every incoming webhook. */
export const webhooksPrefix: Deno.KvKey = familyPrefix("webhooks");
/** Every revoked token. */
export const revokedTokensPrefix: Deno.KvKey = familyPrefix("revoked_tokens");

/**
 * One prefix per family an import writes (the signing key aside, which a
 * server writes on its first start). An import requires all of them empty,
 * and a failed import deletes everything under them again.
 */
export const importedPrefixes: readonly Deno.KvKey[] = KEY_FAMILIES
  .filter((family) => family.backup === "restored")
  .map((family) => familyPrefix(family.root));
/** Every notification setting of one user. */
export const notificationSettingsPrefix = (userId: string): Deno.KvKey => [
  ...familyPrefix("notification_settings"),
  userId,
];
