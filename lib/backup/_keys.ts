/**
 * The KV keys a backup reads and writes. Every key comes from the data layer's
 * own builders (`lib/db/_keys.ts`, `lib/files/_keys.ts`); the prefixes a full
 * scan needs are cut from a key those builders make, so a change of layout
 * there carries over here. Two keys are private to their modules and mirrored
 * below; the backup tests check both against the modules that own them.
 */
import {
  channelKey,
  channelNameKey,
  channelSeqKey,
  memberCountKey,
  memberKey,
  messageClientIdKey,
  messageKey,
  readMarkerKey,
  userChannelKey,
  userKey,
  userNameKey,
} from "../db/_keys.ts";
import { chunkKey, fileKey } from "../files/_keys.ts";

export {
  channelKey,
  channelNameKey,
  channelSeqKey,
  channelsPrefix,
  memberCountKey,
  memberKey,
  membersPrefix,
  messageClientIdKey,
  messageKey,
  readMarkerKey,
  userChannelKey,
  userKey,
  userNameKey,
} from "../db/_keys.ts";
export { chunkKey, fileKey } from "../files/_keys.ts";

/** The first `parts` parts of `key`: the prefix its siblings share. */
function prefixOf(key: Deno.KvKey, parts: number): Deno.KvKey {
  return key.slice(0, parts);
}

/** `["config", "jwt_key"]`: the generated token signing key (owned by `lib/auth/secret.ts`). */
export const signingKeyKey: Deno.KvKey = ["config", "jwt_key"];

/** `["revoked_tokens", jti]`: a signed-out token (owned by `lib/auth/revocations.ts`). */
export const revokedTokenKey = (jti: string): Deno.KvKey => [
  "revoked_tokens",
  jti,
];

/** Every stored user. */
export const usersPrefix: Deno.KvKey = prefixOf(userKey(""), 1);
/** Every committed file's metadata. */
export const filesPrefix: Deno.KvKey = prefixOf(fileKey(""), 1);
/** Every revoked token. */
export const revokedTokensPrefix: Deno.KvKey = prefixOf(revokedTokenKey(""), 1);
/** A user's read markers, one per channel. */
export const readMarkersPrefix = (userId: string): Deno.KvKey =>
  prefixOf(readMarkerKey(userId, ""), 2);
/** A channel's clientId index. */
export const clientIdsPrefix = (channelId: string): Deno.KvKey =>
  prefixOf(messageClientIdKey(channelId, "", ""), 2);

/**
 * One prefix per kind of key an import writes (the signing key aside, which a
 * server writes on its first start). An import requires all of them empty, and
 * a failed import deletes everything under them again.
 */
export const importedPrefixes: readonly Deno.KvKey[] = [
  userKey(""),
  userNameKey(""),
  channelKey(""),
  channelNameKey(""),
  memberCountKey(""),
  memberKey("", ""),
  userChannelKey("", ""),
  readMarkerKey("", ""),
  channelSeqKey(""),
  messageKey("", 0),
  messageClientIdKey("", "", ""),
  fileKey(""),
  chunkKey("", 0),
  revokedTokenKey(""),
].map((key) => prefixOf(key, 1));
