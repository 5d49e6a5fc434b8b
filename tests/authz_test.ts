/**
 * The authorization matrix: every route of routes/ (and the WebSocket upgrade)
 * against every kind of caller, in one table driven by one loop. A failure
 * prints the whole matrix with the cells that differ marked.
 */
import assert from "node:assert/strict";
import {
  type Account,
  type Api,
  createChannel,
  request,
  signIn,
  signUp,
  socketUrl,
  type TestServer,
  uniqueName,
  upgradeStatus,
  uploadFile,
  withHearth,
} from "./helpers/api.ts";
import {
  askFriend,
  avatarUpload,
  manifestRoutes,
  openStream,
  type Outcome,
  renderMatrix,
  routeOfRow,
  webhookOf,
} from "./helpers/authz.ts";
import { png } from "../lib/files/_image_fixtures.ts";

/**
 * Who asks, one column each:
 * - anon: no token at all;
 * - revoked: a member's token after POST /auth/logout;
 * - other: another user's valid token on a thing someone else owns (the
 *   channel's owner, the file's uploader), never related to it; "–" on routes
 *   that act only on the caller's own account;
 * - nonMember: a former member who has left both channels;
 * - member: a member who is not the owner (and the uploader of the files);
 * - owner: the channel's creator (not the instance's owner, who is another
 *   account, signed up first).
 */
const ROLES = [
  "anon",
  "revoked",
  "other",
  "nonMember",
  "member",
  "owner",
] as const;
type Role = typeof ROLES[number];

/** A status, or null where the column does not apply. */
type Want = number | null;
type Row = [method: string, path: string, ...want: Want[]];
const _ = null;

/**
 * Placeholders: {private} and {public} are channels owned by `owner` with
 * `member` in them; {unknown} is a channel id that does not exist;
 * {privateFile}, {publicFile} are files `member` shared in them (message
 * {seq}), {privateImage}, {publicImage} images (with thumbnails) shared there,
 * {doomed} a message of `member` in each that the DELETE rows delete
 * (its owner may too; a second delete changes nothing), {emoji} a reaction;
 * {unknownFile} an id no file has. Editing is the author's alone.
 * {readOnly} is a public channel of `owner` with `member` in it whose
 * postPolicy is "moderators": members react but neither post nor upload.
 * {invite} is `owner`'s invite to {private} (made again after a row revokes
 * it), {unknownInvite} a code no invite has. `WS` is the WebSocket upgrade
 * (token in the query string, as browsers send it).
 * `/invites?channel=private` makes an invite to {private}.
 * `/settings` is the settings page for a browser; `/settings#api` the same
 * path asked for JSON (the instance's settings API). {unknownReport} is an
 * id no open report has; a report on {seq} is the file `member` shared, so
 * `member` may not report it (their own) and `owner` may.
 * {dm} is the direct message of `member` and `owner`; `POST /dms` opens one
 * with a further account that is not a column.
 * {peerId} is that further account's id; {requesterId} an account that has
 * asked every column to be friends (asked again after a row accepts it).
 * `PAGE` asks for a path as a browser navigation where the same path is
 * also an API route (`/friends`). Blocking someone is a caller's own choice,
 * so only oneself is refused (422); blocks are lifted again after each row.
 * {doomedChannel} is a private channel of `owner` with `member` in it, made
 * again after a row deletes it; {memberId} is `member`'s user id (taking
 * oneself out of a channel is leaving it, so `member` may).
 * {botId} is a bot the instance's owner made (bots are for admins, none of
 * the columns is one); {privateHook} with {hookSecret} is an incoming webhook
 * of {private} (its URL is the credential, so every column may post and a
 * {wrongSecret} is 404 for all), {doomedHook} one the DELETE row revokes
 * (made again after).
 *
 * Non-members get 403 on everything of a channel except joining a public one;
 * leaving is idempotent (204 for anyone signed in, as the API documents);
 * adding members is the owner's alone; files answer 404 to everyone who may
 * not read them, so ids are never confirmed; unknown ids are 404.
 * Pages are asked for as a browser does (session cookie, Accept: text/html,
 * redirects not followed): signed out, they send you to / (302); a signed-in
 * visitor of / goes on to their channel (302). A public channel's page is its
 * join screen, so non-members see it (without messages or members). An
 * invite's page is for anyone holding the link, signed in or not.
 */
// deno-fmt-ignore
const MATRIX: Row[] = [
  //  method  path                                 anon revoked other nonMember member owner
  ["POST",  "/auth/register",                     201, 201,    _,    201,      201,   201],
  ["POST",  "/auth/login",                        200, 200,    _,    200,      200,   200],
  ["POST",  "/auth/logout",                       401, 401,    _,    204,      204,   204],
  ["GET",   "/me",                                401, 401,    _,    200,      200,   200],
  ["PATCH", "/me",                                401, 401,    _,    200,      200,   200],
  ["POST",  "/me/password",                       401, 401,    _,    204,      204,   204],
  ["DELETE","/me/sessions",                       401, 401,    _,    204,      204,   204],
  ["PUT",   "/me/avatar",                         401, 401,    _,    200,      200,   200],
  ["DELETE","/me/avatar",                         401, 401,    _,    200,      200,   200],
  ["GET",   "/avatars/{founderId}/{avatarVersion}", 401, 401, 200,  200,      200,   200],
  ["GET",   "/channels",                          401, 401,    _,    200,      200,   200],
  ["GET",   "/channels?scope=all",                401, 401,    _,    200,      200,   200],
  ["POST",  "/channels",                          401, 401,    _,    201,      201,   201],
  ["GET",   "/healthz",                           200, 200,    _,    200,      200,   200],
  ["GET",   "/openapi.json",                      200, 200,    _,    200,      200,   200],
  ["GET",   "/docs",                              200, 200,    _,    200,      200,   200],
  ["GET",   "/",                                  200, 200,    _,    302,      302,   302],
  ["GET",   "/browse",                            302, 302,    _,    200,      200,   200],
  ["GET",   "/settings",                          302, 302,    _,    200,      200,   200],
  ["GET",   "/admin",                             302, 302,    _,    403,      403,   403],
  ["GET",   "/mentions",                          401, 401,    _,    200,      200,   200],
  ["GET",   "/search?q=hello",                    401, 401,    _,    200,      200,   200],
  ["GET",   "/search?q=hello&channelId={private}", 401, 401,   403,  403,      200,   200],
  ["GET",   "/search?q=hello&channelId={public}", 401, 401,    403,  403,      200,   200],
  ["GET",   "/search?q=hello&channelId={unknown}", 401, 401,   404,  404,      404,   404],
  ["GET",   "/users?q=m",                         401, 401,    _,    403,      403,   403],
  ["PATCH", "/users/{memberId}",                  401, 401,    403,  403,      403,   403],
  ["PUT",   "/timeouts/{memberId}",               401, 401,    403,  403,      403,   403],
  ["DELETE","/timeouts/{memberId}",               401, 401,    403,  403,      403,   403],
  ["GET",   "/timeouts",                          401, 401,    _,    403,      403,   403],
  ["GET",   "/audit",                             401, 401,    _,    403,      403,   403],
  ["GET",   "/bans",                              401, 401,    _,    403,      403,   403],
  ["PUT",   "/bans/{memberId}",                   401, 401,    403,  403,      403,   403],
  ["DELETE","/bans/{memberId}",                   401, 401,    403,  403,      403,   403],
  ["GET",   "/reports",                           401, 401,    _,    403,      403,   403],
  ["DELETE","/reports/{unknownReport}",           401, 401,    403,  403,      403,   403],
  ["GET",   "/settings#api",                      401, 401,    _,    403,      403,   403],
  ["PATCH", "/settings",                          401, 401,    _,    403,      403,   403],
  ["GET",   "/push/key",                          401, 401,    _,    200,      200,   200],
  ["GET",   "/sw.js",                             200, 200,    _,    200,      200,   200],
  ["POST",  "/push/subscriptions",                401, 401,    _,    201,      201,   201],
  ["DELETE","/push/subscriptions",                401, 401,    _,    204,      204,   204],
  ["GET",   "/bots",                              401, 401,    _,    403,      403,   403],
  ["POST",  "/bots",                              401, 401,    _,    403,      403,   403],
  ["PATCH", "/bots/{botId}",                      401, 401,    403,  403,      403,   403],
  ["DELETE","/bots/{botId}",                      401, 401,    403,  403,      403,   403],
  ["POST",  "/bots/{botId}/token",                401, 401,    403,  403,      403,   403],
  ["GET",   "/bots/{botId}/deliveries",           401, 401,    403,  403,      403,   403],
  ["POST",  "/hooks/{privateHook}/{hookSecret}",  201, 201,    201,  201,      201,   201],
  ["POST",  "/hooks/{privateHook}/{wrongSecret}", 404, 404,    404,  404,      404,   404],

  ["GET",   "/friends",                           401, 401,    _,    200,      200,   200],
  ["PAGE",  "/friends",                           302, 302,    _,    200,      200,   200],
  ["POST",  "/friends",                           401, 401,    _,    201,      201,   201],
  ["GET",   "/friends/events",                    401, 401,    _,    200,      200,   200],
  ["PUT",   "/friends/{requesterId}",             401, 401,    _,    200,      200,   200],
  ["PUT",   "/friends/{peerId}",                  401, 401,    _,    404,      404,   404],
  ["DELETE","/friends/{peerId}",                  401, 401,    _,    204,      204,   204],
  ["GET",   "/blocks",                            401, 401,    _,    200,      200,   200],
  ["PUT",   "/blocks/{peerId}",                   401, 401,    _,    204,      204,   204],
  ["PUT",   "/blocks/{memberId}",                 401, 401,    _,    204,      422,   204],
  ["DELETE","/blocks/{peerId}",                   401, 401,    _,    204,      204,   204],

  ["POST",  "/dms",                               401, 401,    201,  201,      201,   201],
  ["GET",   "/channels/{dm}/messages",            401, 401,    403,  403,      200,   200],
  ["POST",  "/channels/{dm}/join",                401, 401,    403,  403,      403,   403],
  ["POST",  "/channels/{dm}/leave",               401, 401,    204,  204,      403,   403],
  ["DELETE","/channels/{dm}",                     401, 401,    403,  403,      403,   403],
  ["POST",  "/invites",                           401, 401,    201,  201,      201,   201],
  ["POST",  "/invites?channel=private",           401, 401,    403,  403,      201,   201],
  ["GET",   "/invites",                           401, 401,    200,  200,      200,   200],
  ["GET",   "/invites/{invite}",                  200, 200,    200,  200,      200,   200],
  ["POST",  "/invites/{invite}/accept",           401, 401,    200,  200,      200,   200],
  ["DELETE","/invites/{invite}",                  401, 401,    403,  403,      403,   204],
  ["GET",   "/invites/{unknownInvite}",           404, 404,    404,  404,      404,   404],
  ["POST",  "/invites/{unknownInvite}/accept",    401, 401,    404,  404,      404,   404],
  ["DELETE","/invites/{unknownInvite}",           401, 401,    404,  404,      404,   404],
  ["GET",   "/invite/{invite}",                   200, 200,    200,  200,      200,   200],
  ["GET",   "/invite/{unknownInvite}",            404, 404,    404,  404,      404,   404],

  ["PATCH", "/channels/{private}",                401, 401,    403,  403,      403,   200],
  ["DELETE","/channels/{doomedChannel}",          401, 401,    403,  403,      403,   204],
  ["DELETE","/channels/{private}/members/{memberId}", 401, 401, 403, 403,      204,   204],
  ["GET",   "/channels/{private}/candidates?q=o", 401, 401,    403,  403,      403,   200],
  ["POST",  "/channels/{private}/join",           401, 401,    403,  403,      200,   200],
  ["POST",  "/channels/{private}/leave",          401, 401,    204,  204,      204,   204],
  ["GET",   "/channels/{private}/members",        401, 401,    403,  403,      200,   200],
  ["POST",  "/channels/{private}/members",        401, 401,    403,  403,      403,   201],
  ["POST",  "/channels/{private}/read",           401, 401,    403,  403,      204,   204],
  ["PUT",   "/channels/{private}/notifications",  401, 401,    403,  403,      200,   200],
  ["GET",   "/channels/{private}/messages",       401, 401,    403,  403,      200,   200],
  ["POST",  "/channels/{private}/messages",       401, 401,    403,  403,      201,   201],
  ["POST",  "/channels/{private}/files",          401, 401,    403,  403,      201,   201],
  ["GET",   "/channels/{private}/changes?since=0",  401, 401,    403,  403,      200,   200],
  ["PATCH", "/channels/{private}/messages/{seq}", 401, 401,    403,  403,      200,   403],
  ["PUT",   "/channels/{private}/messages/{seq}/reactions/{emoji}", 401, 401, 403, 403, 204, 204],
  ["DELETE","/channels/{private}/messages/{seq}/reactions/{emoji}", 401, 401, 403, 403, 204, 204],
  ["DELETE","/channels/{private}/messages/{doomed}", 401, 401,  403,  403,      204,   204],
  ["POST",  "/channels/{private}/messages/{seq}/report", 401, 401, 403, 403,     403,   201],
  ["GET",   "/files/{privateFile}",               404, 404,    404,  404,      200,   200],
  ["GET",   "/files/{privateImage}/thumbnail",    404, 404,    404,  404,      200,   200],
  ["WS",    "/ws/channels/{private}",             401, 401,    403,  403,      101,   101],
  ["GET",   "/c/{private}",                       302, 302,    403,  403,      200,   200],
  ["GET",   "/channels/{private}/webhooks",       401, 401,    403,  403,      403,   200],
  ["POST",  "/channels/{private}/webhooks",       401, 401,    403,  403,      403,   201],
  ["DELETE","/channels/{private}/webhooks/{doomedHook}", 401, 401, 403, 403,   403,   204],

  ["PATCH", "/channels/{public}",                 401, 401,    403,  403,      403,   200],
  ["DELETE","/channels/{public}/members/{memberId}", 401, 401, 403, 403,       204,   204],
  ["GET",   "/channels/{public}/candidates?q=o",  401, 401,    403,  403,      403,   200],
  ["POST",  "/channels/{public}/join",            401, 401,    200,  200,      200,   200],
  ["POST",  "/channels/{public}/leave",           401, 401,    204,  204,      204,   204],
  ["GET",   "/channels/{public}/members",         401, 401,    403,  403,      200,   200],
  ["POST",  "/channels/{public}/members",         401, 401,    403,  403,      403,   201],
  ["POST",  "/channels/{public}/read",            401, 401,    403,  403,      204,   204],
  ["PUT",   "/channels/{public}/notifications",   401, 401,    403,  403,      200,   200],
  ["GET",   "/channels/{public}/messages",        401, 401,    403,  403,      200,   200],
  ["POST",  "/channels/{public}/messages",        401, 401,    403,  403,      201,   201],
  ["POST",  "/channels/{public}/files",           401, 401,    403,  403,      201,   201],
  ["POST",  "/channels/{public}/messages/{seq}/report", 401, 401, 403, 403,      403,   201],
  ["GET",   "/files/{publicFile}",                404, 404,    404,  404,      200,   200],
  ["GET",   "/files/{publicImage}/thumbnail",     404, 404,    404,  404,      200,   200],
  ["WS",    "/ws/channels/{public}",              401, 401,    403,  403,      101,   101],
  ["GET",   "/c/{public}",                        302, 302,    200,  200,      200,   200],
  ["GET",   "/channels/{public}/webhooks",        401, 401,    403,  403,      403,   200],
  ["POST",  "/channels/{public}/webhooks",        401, 401,    403,  403,      403,   201],

  ["PATCH", "/channels/{unknown}",                401, 401,    404,  404,      404,   404],
  ["DELETE","/channels/{unknown}",                401, 401,    404,  404,      404,   404],
  ["DELETE","/channels/{unknown}/members/{memberId}", 401, 401, 404, 404,      404,   404],
  ["GET",   "/channels/{unknown}/candidates?q=o", 401, 401,    404,  404,      404,   404],
  ["POST",  "/channels/{unknown}/join",           401, 401,    404,  404,      404,   404],
  ["POST",  "/channels/{unknown}/leave",          401, 401,    404,  404,      404,   404],
  ["GET",   "/channels/{unknown}/members",        401, 401,    404,  404,      404,   404],
  ["POST",  "/channels/{unknown}/members",        401, 401,    404,  404,      404,   404],
  ["POST",  "/channels/{unknown}/read",           401, 401,    404,  404,      404,   404],
  ["PUT",   "/channels/{unknown}/notifications",  401, 401,    404,  404,      404,   404],
  ["GET",   "/channels/{unknown}/messages",       401, 401,    404,  404,      404,   404],
  ["POST",  "/channels/{unknown}/messages",       401, 401,    404,  404,      404,   404],
  ["POST",  "/channels/{unknown}/files",          401, 401,    404,  404,      404,   404],
  ["GET",   "/channels/{unknown}/changes?since=0",  401, 401,    404,  404,      404,   404],
  ["PATCH", "/channels/{unknown}/messages/{seq}", 401, 401,    404,  404,      404,   404],
  ["PUT",   "/channels/{unknown}/messages/{seq}/reactions/{emoji}", 401, 401, 404, 404, 404, 404],
  ["DELETE","/channels/{unknown}/messages/{seq}/reactions/{emoji}", 401, 401, 404, 404, 404, 404],
  ["DELETE","/channels/{unknown}/messages/{doomed}", 401, 401,  404,  404,      404,   404],
  ["POST",  "/channels/{unknown}/messages/{seq}/report", 401, 401, 404, 404,     404,   404],
  ["GET",   "/files/{unknownFile}",               404, 404,    404,  404,      404,   404],
  ["GET",   "/files/{unknownFile}/thumbnail",     404, 404,    404,  404,      404,   404],
  ["WS",    "/ws/channels/{unknown}",             401, 401,    404,  404,      404,   404],
  ["GET",   "/c/{unknown}",                       302, 302,    404,  404,      404,   404],
  ["GET",   "/channels/{unknown}/webhooks",       401, 401,    404,  404,      404,   404],
  ["POST",  "/channels/{unknown}/webhooks",       401, 401,    404,  404,      404,   404],
  ["DELETE","/channels/{unknown}/webhooks/{doomedHook}", 401, 401, 404, 404,   404,   404],

  ["POST",  "/channels/{readOnly}/messages",      401, 401,    403,  403,      403,   201],
  ["POST",  "/channels/{readOnly}/files",         401, 401,    403,  403,      403,   201],
  ["PUT",   "/channels/{readOnly}/messages/{seq}/reactions/{emoji}", 401, 401, 403, 403, 204, 204],
];

/** The accounts, channels and files every row refers to. */
interface Fixture {
  server: TestServer;
  /** Has asked nonMember, member and owner to be friends. */
  requester: Account & { api: Api };
  users: Record<Exclude<Role, "anon" | "revoked">, Account & { api: Api }>;
  revokedToken: string;
  ids: Record<string, string>;
}

async function setUp(server: TestServer): Promise<Fixture> {
  const { base } = server;
  // The instance's owner, so that `owner` below owns channels and nothing
  // more; its avatar is one nobody in the columns shares a channel with.
  const founder = await signUp(base, uniqueName("founder"));
  const avatar = await avatarUpload(base, founder.token);
  assert.equal(avatar.status, 200, JSON.stringify(avatar.body));
  const owner = await signUp(base, uniqueName("owner"));
  const member = await signUp(base, uniqueName("member"));
  const nonMember = await signUp(base, uniqueName("former"));
  const other = await signUp(base, uniqueName("other"));
  const priv = await createChannel(owner.api, uniqueName("private"), {
    private: true,
  });
  const pub = await createChannel(owner.api, uniqueName("public"));
  for (const user of [member, nonMember]) {
    const added = await owner.api.post(`/channels/${priv.id}/members`, {
      username: user.username,
    });
    assert.equal(added.status, 201);
    assert.equal((await user.api.post(`/channels/${pub.id}/join`)).status, 200);
  }
  const files: Record<string, string> = {};
  for (const [name, channel] of [["private", priv], ["public", pub]] as const) {
    const res = await upload(base, member.token, channel.id);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    files[name] = res.body.file.id;
    const image = await uploadFile(
      member.api,
      channel.id,
      png(40, 30),
      "a.png",
    );
    assert.ok(image.thumbnailUrl);
    files[`${name}Image`] = image.id;
  }
  for (const channel of [priv, pub]) {
    const res = await member.api.post(`/channels/${channel.id}/messages`, {
      content: "delete me",
    });
    assert.equal(res.body.seq, 3);
  }
  // The former member was in both channels (and saw the files) before leaving.
  for (const channel of [priv, pub]) {
    const left = await nonMember.api.post(`/channels/${channel.id}/leave`);
    assert.equal(left.status, 204);
  }
  const requester = await signUp(base, uniqueName("requester"));
  for (const user of [nonMember, member, owner]) {
    await askFriend(requester.api, user.username);
  }
  const peer = await signUp(base, uniqueName("peer"));
  const bot = await founder.api.post("/bots", { username: uniqueName("bot") });
  assert.equal(bot.status, 201, JSON.stringify(bot.body));
  const hook = await webhookOf(owner.api, priv.id);
  const revokedToken = await signIn(base, member.username, member.password);
  const out = await request(base, "POST", "/auth/logout", {
    token: revokedToken,
  });
  assert.equal(out.status, 204);
  return {
    server,
    requester,
    users: { other, nonMember, member, owner },
    revokedToken,
    ids: {
      invite: await inviteTo(owner.api, priv.id),
      doomedChannel: await doomedChannel(owner.api, member.username),
      readOnly: await readOnlyChannel(owner.api, member.api),
      dm: (await owner.api.post("/dms", { usernames: [member.username] }))
        .body.id,
      peer: peer.username,
      peerId: peer.id,
      requesterId: requester.id,
      memberId: member.id,
      founderId: founder.id,
      botId: bot.body.bot.id,
      privateHook: hook.id,
      hookSecret: hook.secret,
      wrongSecret: "A".repeat(43),
      doomedHook: (await webhookOf(owner.api, priv.id)).id,
      avatarVersion: "1",
      unknownInvite: "AAAAAAAAAAAAAAAAAAAAAA",
      unknownReport: "000000000000000000000000000",
      private: priv.id,
      public: pub.id,
      unknown: crypto.randomUUID(),
      privateFile: files.private,
      publicFile: files.public,
      privateImage: files.privateImage,
      publicImage: files.publicImage,
      unknownFile: crypto.randomUUID(),
      seq: "1",
      doomed: "3",
      emoji: encodeURIComponent("👍"),
    },
  };
}

async function doomedChannel(api: Api, member: string): Promise<string> {
  const doomed = await createChannel(api, uniqueName("doomed"), {
    private: true,
  });
  const added = await api.post(`/channels/${doomed.id}/members`, {
    username: member,
  });
  assert.equal(added.status, 201);
  return doomed.id;
}

async function readOnlyChannel(owner: Api, member: Api): Promise<string> {
  const channel = await createChannel(owner, uniqueName("news"));
  assert.equal((await member.post(`/channels/${channel.id}/join`)).status, 200);
  await owner.post(`/channels/${channel.id}/messages`, { content: "news" });
  const set = await owner.send("PATCH", `/channels/${channel.id}`, {
    json: { postPolicy: "moderators" },
  });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  return channel.id;
}

async function inviteTo(api: Api, channelId: string): Promise<string> {
  const res = await api.post("/invites", { channelId });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.code;
}

function upload(base: string, token: string | undefined, channelId: string) {
  const form = new FormData();
  form.set("content", "a shared file");
  form.set(
    "file",
    new File([new TextEncoder().encode("hello, members\n")], "note.txt", {
      type: "text/plain",
    }),
  );
  return request(base, "POST", `/channels/${channelId}/files`, {
    token,
    body: form,
  });
}

/** The JSON body a route needs to get past validation, so only access decides. */
function bodyFor(method: string, template: string, fx: Fixture): unknown {
  if (method === "PATCH" && template === "/me") {
    return { displayName: "Renamed" };
  }
  if (method === "PATCH" && template.startsWith("/users/")) {
    return { role: "moderator" };
  }
  if (method === "PUT" && template.startsWith("/timeouts/")) {
    return { seconds: 60 };
  }
  if (method === "PATCH" && template.startsWith("/bots/")) {
    return { webhookUrl: null };
  }
  if (method === "PATCH" && template.includes("/messages/")) {
    return { content: "edited" };
  }
  if (method === "PATCH" && template === "/settings") {
    return { name: "Renamed" };
  }
  if (method === "PATCH") return { topic: "Changed" };
  if (template.endsWith("/notifications")) return { level: "all" };
  if (template === "/push/subscriptions") {
    const endpoint = "https://push.example/device";
    return method === "DELETE"
      ? { endpoint }
      : { endpoint, keys: { p256dh: "B".repeat(87), auth: "A".repeat(22) } };
  }
  if (method !== "POST") return undefined;
  if (template === "/auth/register") {
    return { username: uniqueName("new"), password: "correct horse battery" };
  }
  if (template === "/auth/login") {
    const { username, password } = fx.users.member;
    return { username, password };
  }
  if (template === "/me/password") {
    // The same password again: the change (and its ending of other
    // sessions) happens, and every fixture token is the caller's current one.
    const password = "correct horse battery";
    return { currentPassword: password, newPassword: password };
  }
  if (template === "/channels") return { name: uniqueName("room") };
  if (template === "/bots") return { username: uniqueName("bot") };
  if (template.endsWith("/webhooks")) return { name: "Hook" };
  if (template.startsWith("/hooks/")) return { content: "from a hook" };
  if (template === "/invites") return {};
  if (template === "/dms") return { usernames: [fx.ids.peer] };
  if (template === "/friends") return { username: fx.ids.peer };
  if (template === "/invites?channel=private") {
    return { channelId: fx.ids.private };
  }
  if (template.endsWith("/members")) {
    return { username: fx.users.member.username };
  }
  if (template.endsWith("/read")) return { seq: 1 };
  if (template.endsWith("/report")) return { reason: "spam" };
  if (template.endsWith("/messages")) return { content: "hello" };
  return undefined;
}

/** The token a role sends; logout gets a fresh one so the fixtures stay signed in. */
async function tokenFor(
  role: Role,
  template: string,
  fx: Fixture,
): Promise<string | undefined> {
  if (role === "anon") return undefined;
  if (role === "revoked") return fx.revokedToken;
  const user = fx.users[role];
  if (template === "/auth/logout") {
    return await signIn(fx.server.base, user.username, user.password);
  }
  return user.token;
}

async function call(
  method: string,
  template: string,
  role: Role,
  fx: Fixture,
): Promise<Outcome> {
  const base = fx.server.base;
  const path = template.replace(/\{(\w+)\}/g, (_, name) => fx.ids[name]);
  const token = await tokenFor(role, template, fx);
  if (method === "WS") {
    const channelId = path.split("/").pop()!;
    return { status: await upgradeStatus(socketUrl(base, channelId, token)) };
  }
  if (method === "PAGE" || (method === "GET" && isPage(template))) {
    const res = await fetch(new URL(path, base), {
      headers: {
        accept: "text/html",
        ...(token ? { cookie: `hearth_token=${token}` } : {}),
      },
      redirect: "manual",
    });
    await res.body?.cancel();
    const type = res.headers.get("content-type") ?? "";
    const problem = res.status >= 400 && !type.startsWith("text/html")
      ? `an error page that is not HTML: ${type}`
      : res.status === 302 && res.headers.get("location") === null
      ? "a redirect without Location"
      : undefined;
    return { status: res.status, problem };
  }
  if (template === "/friends/events") {
    return await openStream(base, path, token);
  }
  const res = template.endsWith("/files")
    ? await upload(base, token, path.split("/")[2])
    : method === "PUT" && template === "/me/avatar"
    ? await avatarUpload(base, token)
    : await request(base, method, path, {
      token,
      json: bodyFor(method, template, fx),
    });
  let problem: string | undefined;
  if (
    res.status >= 400 &&
    (typeof res.body?.detail !== "string" || typeof res.body?.code !== "string")
  ) {
    problem = `no {detail, code} body: ${JSON.stringify(res.body)}`;
  }
  return { status: res.status, problem };
}

/** Pages, as opposed to the JSON API. */
function isPage(template: string): boolean {
  return template === "/" || template === "/browse" ||
    template === "/settings" || template === "/admin" ||
    template.startsWith("/c/") || template.startsWith("/invite/");
}

/** Puts memberships and invites back after a cell that changed them, so every row starts alike. */
async function restore(
  method: string,
  template: string,
  role: Role,
  status: number,
  fx: Fixture,
): Promise<void> {
  if (role === "anon" || role === "revoked" || status >= 300) return;
  const user = fx.users[role];
  const wasMember = role === "member" || role === "owner";
  if (template === "/friends" && method === "POST") {
    const res = await user.api.send("DELETE", `/friends/${fx.ids.peerId}`, {});
    assert.equal(res.status, 204);
  }
  if (template === "/friends/{requesterId}" && method === "PUT") {
    const res = await user.api.send(
      "DELETE",
      `/friends/${fx.ids.requesterId}`,
      {},
    );
    assert.equal(res.status, 204);
    await askFriend(fx.requester.api, user.username);
  }
  const blocked = template.match(/^\/blocks\/\{(\w+)\}$/);
  if (blocked && method === "PUT") {
    const res = await user.api.send(
      "DELETE",
      `/blocks/${fx.ids[blocked[1]]}`,
      {},
    );
    assert.equal(res.status, 204);
  }
  if (template === "/invites/{invite}" && method === "DELETE") {
    fx.ids.invite = await inviteTo(fx.users.owner.api, fx.ids.private);
  }
  if (template.endsWith("/webhooks/{doomedHook}") && method === "DELETE") {
    fx.ids.doomedHook = (await webhookOf(fx.users.owner.api, fx.ids.private))
      .id;
  }
  if (template === "/channels/{doomedChannel}" && method === "DELETE") {
    fx.ids.doomedChannel = await doomedChannel(
      fx.users.owner.api,
      fx.users.member.username,
    );
  }
  const removed = template.match(
    /^\/channels\/\{(\w+)\}\/members\/\{memberId\}$/,
  );
  if (removed && method === "DELETE") {
    const id = fx.ids[removed[1]];
    const back = removed[1] === "public"
      ? await fx.users.member.api.post(`/channels/${id}/join`)
      : await fx.users.owner.api.post(`/channels/${id}/members`, {
        username: fx.users.member.username,
      });
    assert.ok(back.status < 300, `could not put member back in ${removed[1]}`);
  }
  if (template === "/invites/{invite}/accept" && !wasMember) {
    const left = await user.api.post(`/channels/${fx.ids.private}/leave`);
    assert.equal(left.status, 204);
  }
  const channel = template.match(/^\/channels\/\{(private|public)\}\/(\w+)$/);
  if (!channel) return;
  const [, which, action] = channel;
  const id = fx.ids[which];
  if (action === "join" && !wasMember) {
    assert.equal((await user.api.post(`/channels/${id}/leave`)).status, 204);
  } else if (action === "leave" && wasMember) {
    const back = which === "public"
      ? await user.api.post(`/channels/${id}/join`)
      : await fx.users.owner.api.post(`/channels/${id}/members`, {
        username: user.username,
      });
    assert.ok(back.status < 300, `could not restore ${role} in ${which}`);
  }
}

Deno.test("the authorization matrix has a row for every method of every route", () => {
  const rows = new Set(
    MATRIX.map(([method, path]) =>
      `${method === "WS" || method === "PAGE" ? "GET" : method} ${
        routeOfRow(path)
      }`
    ),
  );
  const routes = manifestRoutes();
  assert.deepEqual(
    routes.filter((route) => !rows.has(route)),
    [],
    "routes with no row in the authorization matrix",
  );
  assert.deepEqual(
    [...rows].filter((row) => !routes.includes(row)),
    [],
    "matrix rows for routes that do not exist",
  );
});

Deno.test("authorization matrix: every route against every kind of caller", async () => {
  await checkMatrix();
});

async function checkMatrix(): Promise<void> {
  await withHearth(async (server) => {
    const fx = await setUp(server);
    const rendered: { method: string; path: string; cells: string[] }[] = [];
    const failures: string[] = [];
    for (const [method, template, ...wants] of MATRIX) {
      assert.equal(wants.length, ROLES.length, `${method} ${template}`);
      const cells: string[] = [];
      for (const [i, role] of ROLES.entries()) {
        const want = wants[i];
        if (want === null) {
          cells.push("–");
          continue;
        }
        const { status, problem } = await call(method, template, role, fx);
        await restore(method, template, role, status, fx);
        if (status !== want) {
          cells.push(`*${status}≠${want}`);
          failures.push(
            `${method} ${template} as ${role}: ${status}, want ${want}`,
          );
        } else {
          cells.push(String(status));
        }
        if (problem) {
          failures.push(`${method} ${template} as ${role}: ${problem}`);
        }
      }
      rendered.push({ method, path: template, cells });
    }
    // The restores held: every row saw the same memberships.
    for (const which of ["private", "public"]) {
      const members = await fx.users.owner.api.get(
        `/channels/${fx.ids[which]}/members`,
      );
      assert.deepEqual(
        members.body.members.map((m: { id: string }) => m.id).sort(),
        [fx.users.member.id, fx.users.owner.id].sort(),
        `${which} channel members changed during the matrix`,
      );
    }
    assert.deepEqual(
      failures,
      [],
      `authorization matrix (* marks got≠want):\n${
        renderMatrix(ROLES, rendered)
      }\n`,
    );
  });
}
