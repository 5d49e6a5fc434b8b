/**
 * The authorization matrix by instance role: every route of routes/ (and the
 * WebSocket upgrade) against the caller's standing on the instance, in one
 * table driven by one loop, beside `authz_test.ts`'s matrix by relation to
 * a channel (owner, member, former member, a stranger). A failure prints the
 * whole matrix with the cells that differ marked; a test checks that every
 * method of every route has a row.
 */
import assert from "node:assert/strict";
import { png } from "../lib/files/_image_fixtures.ts";
import {
  type Account,
  type Api,
  createChannel,
  postMessage,
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
  renderMatrix,
  routeOfRow,
  webhookOf,
} from "./helpers/authz.ts";

/**
 * Who asks, one column each. `host` (no column) owns the channels.
 * - anon: no token;
 * - member: a plain member in both channels and the DM;
 * - nonMember: a plain member in neither;
 * - timedOut: in both channels, timed out for a day;
 * - banned: was in both channels, banned (the token they had before);
 * - moderator, admin: of those roles, in neither channel;
 * - owner: the instance's owner (the first account), in neither channel.
 */
const ROLES = [
  "anon",
  "member",
  "nonMember",
  "timedOut",
  "banned",
  "moderator",
  "admin",
  "owner",
] as const;
type Role = typeof ROLES[number];
type Row = [method: string, path: string, ...want: number[]];

/**
 * Placeholders as in `authz_test.ts`: {private}, {public} are `host`'s
 * channels, {unknown} no channel; {seq} is `host`'s file message (1) in
 * each, {doomed} a message of `host`'s that DELETE rows delete (again: a
 * tombstone stays one); {dm} is the DM of `host` and `member`; {invite}
 * `host`'s invite to {private}; {report} an open report of `host`'s on a
 * message of `member`'s in {public}, made again after a row closes it;
 * {memberId} is `member` (the target of roles, timeouts, bans and removals,
 * put back after each). `/settings#api` is `/settings` asked for JSON.
 * {peerId} is the account `POST /dms` and `POST /friends` reach;
 * {requesterId} an account that asked every column to be friends (asked
 * again after a row accepts); blocks are lifted again after each row.
 * {botId} is a bot of the owner's, {doomedBot} one the DELETE row deletes
 * (made again after). {privateHook} with {hookSecret} is a webhook of
 * {private} (its URL is the credential: anyone holding it posts, a
 * {wrongSecret} is 404), {doomedHook} one the DELETE row revokes (made again
 * after); {own} is a public channel the caller made before their timeout or
 * ban, so its webhook row asks the caller as that channel's owner.
 *
 * What it shows: a banned token is refused everywhere (401; login 403);
 * timed-out people read but do not write (403 on posting, editing,
 * reacting, uploading, DMs); staff powers come from the role, not from
 * channel membership, except reading and writing a channel's messages,
 * which stays with its members; moderators work reports and timeouts,
 * admins and the owner also roles, bans, settings, every invite and every
 * channel's settings, members and webhooks, and bots. Friends and blocks are
 * everyone's own (a timed-out person still manages them; only blocking
 * oneself is refused, 422), and a timed-out channel owner may not make a
 * webhook, which would post for them.
 */
// deno-fmt-ignore
const MATRIX: Row[] = [
  //  method path                                                     anon member nonMember timedOut banned moderator admin owner
  ["POST",  "/auth/register",                                        201, 201, 201, 201, 201, 201, 201, 201],
  ["POST",  "/auth/login",                                           200, 200, 200, 200, 403, 200, 200, 200],
  ["POST",  "/auth/logout",                                          401, 204, 204, 204, 401, 204, 204, 204],
  ["GET",   "/me",                                                   401, 200, 200, 200, 401, 200, 200, 200],
  ["PATCH", "/me",                                                   401, 200, 200, 200, 401, 200, 200, 200],
  ["POST",  "/me/password",                                          401, 204, 204, 204, 401, 204, 204, 204],
  ["DELETE", "/me/sessions",                                          401, 204, 204, 204, 401, 204, 204, 204],
  ["PUT",   "/me/avatar",                                            401, 200, 200, 200, 401, 200, 200, 200],
  ["DELETE", "/me/avatar",                                            401, 200, 200, 200, 401, 200, 200, 200],
  ["GET",   "/avatars/{founderId}/{avatarVersion}",                  401, 200, 200, 200, 401, 200, 200, 200],
  ["GET",   "/channels",                                             401, 200, 200, 200, 401, 200, 200, 200],
  ["GET",   "/channels?scope=all",                                   401, 200, 200, 200, 401, 200, 200, 200],
  ["POST",  "/channels",                                             401, 201, 201, 201, 401, 201, 201, 201],
  ["GET",   "/healthz",                                              200, 200, 200, 200, 200, 200, 200, 200],
  ["GET",   "/openapi.json",                                         200, 200, 200, 200, 200, 200, 200, 200],
  ["GET",   "/docs",                                                 200, 200, 200, 200, 200, 200, 200, 200],
  ["GET",   "/",                                                     200, 302, 302, 302, 200, 302, 302, 302],
  ["GET",   "/browse",                                               302, 200, 200, 200, 302, 200, 200, 200],
  ["GET",   "/settings",                                             302, 200, 200, 200, 302, 200, 200, 200],
  ["GET",   "/admin",                                                302, 403, 403, 403, 302, 200, 200, 200],
  ["GET",   "/mentions",                                             401, 200, 200, 200, 401, 200, 200, 200],
  ["GET",   "/search?q=hello",                                       401, 200, 200, 200, 401, 200, 200, 200],
  ["GET",   "/search?q=hello&channelId={private}",                   401, 200, 403, 200, 401, 403, 403, 403],
  ["GET",   "/search?q=hello&channelId={public}",                    401, 200, 403, 200, 401, 403, 403, 403],
  ["GET",   "/search?q=hello&channelId={unknown}",                   401, 404, 404, 404, 401, 404, 404, 404],
  ["GET",   "/users?q=m",                                            401, 403, 403, 403, 401, 200, 200, 200],
  ["PATCH", "/users/{memberId}",                                     401, 403, 403, 403, 401, 403, 200, 200],
  ["PUT",   "/timeouts/{memberId}",                                  401, 403, 403, 403, 401, 200, 200, 200],
  ["DELETE", "/timeouts/{memberId}",                                  401, 403, 403, 403, 401, 204, 204, 204],
  ["GET",   "/timeouts",                                             401, 403, 403, 403, 401, 200, 200, 200],
  ["GET",   "/audit",                                                401, 403, 403, 403, 401, 403, 200, 200],
  ["GET",   "/bans",                                                 401, 403, 403, 403, 401, 403, 200, 200],
  ["PUT",   "/bans/{memberId}",                                      401, 403, 403, 403, 401, 403, 200, 200],
  ["DELETE", "/bans/{memberId}",                                      401, 403, 403, 403, 401, 403, 204, 204],
  ["GET",   "/reports",                                              401, 403, 403, 403, 401, 200, 200, 200],
  ["DELETE", "/reports/{unknownReport}",                              401, 403, 403, 403, 401, 404, 404, 404],
  ["DELETE", "/reports/{report}",                                     401, 403, 403, 403, 401, 204, 204, 204],
  ["GET",   "/settings#api",                                         401, 403, 403, 403, 401, 403, 200, 200],
  ["PATCH", "/settings",                                             401, 403, 403, 403, 401, 403, 200, 200],
  ["GET",   "/push/key",                                             401, 200, 200, 200, 401, 200, 200, 200],
  ["GET",   "/sw.js",                                                200, 200, 200, 200, 200, 200, 200, 200],
  ["POST",  "/push/subscriptions",                                   401, 201, 201, 201, 401, 201, 201, 201],
  ["DELETE", "/push/subscriptions",                                   401, 204, 204, 204, 401, 204, 204, 204],
  ["POST",  "/dms",                                                  401, 201, 201, 403, 401, 201, 201, 201],
  ["GET",   "/friends",                                              401, 200, 200, 200, 401, 200, 200, 200],
  ["POST",  "/friends",                                              401, 201, 201, 201, 401, 201, 201, 201],
  ["GET",   "/friends/events",                                       401, 200, 200, 200, 401, 200, 200, 200],
  ["PUT",   "/friends/{requesterId}",                                401, 200, 200, 200, 401, 200, 200, 200],
  ["PUT",   "/friends/{peerId}",                                     401, 404, 404, 404, 401, 404, 404, 404],
  ["DELETE", "/friends/{peerId}",                                     401, 204, 204, 204, 401, 204, 204, 204],
  ["GET",   "/blocks",                                               401, 200, 200, 200, 401, 200, 200, 200],
  ["PUT",   "/blocks/{peerId}",                                      401, 204, 204, 204, 401, 204, 204, 204],
  ["PUT",   "/blocks/{memberId}",                                    401, 422, 204, 204, 401, 204, 204, 204],
  ["DELETE", "/blocks/{peerId}",                                      401, 204, 204, 204, 401, 204, 204, 204],
  ["GET",   "/bots",                                                 401, 403, 403, 403, 401, 403, 200, 200],
  ["POST",  "/bots",                                                 401, 403, 403, 403, 401, 403, 201, 201],
  ["PATCH", "/bots/{botId}",                                         401, 403, 403, 403, 401, 403, 200, 200],
  ["POST",  "/bots/{botId}/token",                                   401, 403, 403, 403, 401, 403, 200, 200],
  ["GET",   "/bots/{botId}/deliveries",                              401, 403, 403, 403, 401, 403, 200, 200],
  ["DELETE", "/bots/{doomedBot}",                                     401, 403, 403, 403, 401, 403, 204, 204],
  ["POST",  "/channels/{own}/webhooks",                              401, 201, 201, 403, 401, 201, 201, 201],
  ["POST",  "/hooks/{privateHook}/{hookSecret}",                     201, 201, 201, 201, 201, 201, 201, 201],
  ["POST",  "/hooks/{privateHook}/{wrongSecret}",                    404, 404, 404, 404, 404, 404, 404, 404],
  ["GET",   "/channels/{dm}/messages",                               401, 200, 403, 403, 401, 403, 403, 403],
  ["POST",  "/channels/{dm}/join",                                   401, 403, 403, 403, 401, 403, 403, 403],
  ["POST",  "/channels/{dm}/leave",                                  401, 403, 204, 204, 401, 204, 204, 204],
  ["DELETE", "/channels/{dm}",                                        401, 403, 403, 403, 401, 403, 403, 403],
  ["POST",  "/invites",                                              401, 201, 201, 201, 401, 201, 201, 201],
  ["POST",  "/invites?channel=private",                              401, 201, 403, 201, 401, 403, 403, 403],
  ["GET",   "/invites",                                              401, 200, 200, 200, 401, 200, 200, 200],
  ["GET",   "/invites/{invite}",                                     200, 200, 200, 200, 200, 200, 200, 200],
  ["POST",  "/invites/{invite}/accept",                              401, 200, 200, 200, 401, 200, 200, 200],
  ["DELETE", "/invites/{invite}",                                     401, 403, 403, 403, 401, 403, 204, 204],
  ["GET",   "/invites/{unknownInvite}",                              404, 404, 404, 404, 404, 404, 404, 404],
  ["POST",  "/invites/{unknownInvite}/accept",                       401, 404, 404, 404, 401, 404, 404, 404],
  ["DELETE", "/invites/{unknownInvite}",                              401, 404, 404, 404, 401, 404, 404, 404],
  ["GET",   "/invite/{invite}",                                      200, 200, 200, 200, 200, 200, 200, 200],
  ["GET",   "/invite/{unknownInvite}",                               404, 404, 404, 404, 404, 404, 404, 404],
  ["PATCH", "/channels/{private}",                                   401, 403, 403, 403, 401, 403, 200, 200],
  ["DELETE", "/channels/{doomedChannel}",                             401, 403, 403, 403, 401, 403, 204, 204],
  ["DELETE", "/channels/{private}/members/{memberId}",                401, 204, 403, 403, 401, 204, 204, 204],
  ["GET",   "/channels/{private}/candidates?q=o",                    401, 403, 403, 403, 401, 403, 403, 403],
  ["POST",  "/channels/{private}/join",                              401, 200, 403, 200, 401, 403, 403, 403],
  ["POST",  "/channels/{private}/leave",                             401, 204, 204, 204, 401, 204, 204, 204],
  ["GET",   "/channels/{private}/members",                           401, 200, 403, 200, 401, 403, 403, 403],
  ["POST",  "/channels/{private}/members",                           401, 403, 403, 403, 401, 403, 403, 403],
  ["POST",  "/channels/{private}/read",                              401, 204, 403, 204, 401, 403, 403, 403],
  ["PUT",   "/channels/{private}/notifications",                     401, 200, 403, 200, 401, 403, 403, 403],
  ["GET",   "/channels/{private}/messages",                          401, 200, 403, 200, 401, 403, 403, 403],
  ["POST",  "/channels/{private}/messages",                          401, 201, 403, 403, 401, 403, 403, 403],
  ["POST",  "/channels/{private}/files",                             401, 201, 403, 403, 401, 403, 403, 403],
  ["GET",   "/channels/{private}/changes?since=0",                   401, 200, 403, 200, 401, 403, 403, 403],
  ["PATCH", "/channels/{private}/messages/{seq}",                    401, 403, 403, 403, 401, 403, 403, 403],
  ["PUT",   "/channels/{private}/messages/{seq}/reactions/{emoji}",  401, 204, 403, 403, 401, 403, 403, 403],
  ["DELETE", "/channels/{private}/messages/{seq}/reactions/{emoji}",  401, 204, 403, 403, 401, 403, 403, 403],
  ["DELETE", "/channels/{private}/messages/{doomed}",                 401, 403, 403, 403, 401, 403, 403, 403],
  ["POST",  "/channels/{private}/messages/{seq}/report",             401, 201, 403, 201, 401, 403, 403, 403],
  ["GET",   "/channels/{private}/webhooks",                          401, 403, 403, 403, 401, 403, 200, 200],
  ["POST",  "/channels/{private}/webhooks",                          401, 403, 403, 403, 401, 403, 201, 201],
  ["DELETE", "/channels/{private}/webhooks/{doomedHook}",             401, 403, 403, 403, 401, 403, 204, 204],
  ["GET",   "/files/{privateFile}",                                  404, 200, 404, 200, 404, 404, 404, 404],
  ["GET",   "/files/{privateImage}/thumbnail",                       404, 200, 404, 200, 404, 404, 404, 404],
  ["WS",    "/ws/channels/{private}",                                401, 101, 403, 101, 401, 403, 403, 403],
  ["GET",   "/c/{private}",                                          302, 200, 403, 200, 302, 403, 403, 403],
  ["PATCH", "/channels/{public}",                                    401, 403, 403, 403, 401, 403, 200, 200],
  ["DELETE", "/channels/{public}/members/{memberId}",                 401, 204, 403, 403, 401, 204, 204, 204],
  ["GET",   "/channels/{public}/candidates?q=o",                     401, 403, 403, 403, 401, 403, 403, 403],
  ["POST",  "/channels/{public}/join",                               401, 200, 200, 200, 401, 200, 200, 200],
  ["POST",  "/channels/{public}/leave",                              401, 204, 204, 204, 401, 204, 204, 204],
  ["GET",   "/channels/{public}/members",                            401, 200, 403, 200, 401, 403, 403, 403],
  ["POST",  "/channels/{public}/members",                            401, 403, 403, 403, 401, 403, 403, 403],
  ["POST",  "/channels/{public}/read",                               401, 204, 403, 204, 401, 403, 403, 403],
  ["PUT",   "/channels/{public}/notifications",                      401, 200, 403, 200, 401, 403, 403, 403],
  ["GET",   "/channels/{public}/messages",                           401, 200, 403, 200, 401, 403, 403, 403],
  ["POST",  "/channels/{public}/messages",                           401, 201, 403, 403, 401, 403, 403, 403],
  ["POST",  "/channels/{public}/files",                              401, 201, 403, 403, 401, 403, 403, 403],
  ["POST",  "/channels/{public}/messages/{seq}/report",              401, 201, 403, 201, 401, 403, 403, 403],
  ["GET",   "/channels/{public}/webhooks",                           401, 403, 403, 403, 401, 403, 200, 200],
  ["POST",  "/channels/{public}/webhooks",                           401, 403, 403, 403, 401, 403, 201, 201],
  ["GET",   "/files/{publicFile}",                                   404, 200, 404, 200, 404, 404, 404, 404],
  ["GET",   "/files/{publicImage}/thumbnail",                        404, 200, 404, 200, 404, 404, 404, 404],
  ["WS",    "/ws/channels/{public}",                                 401, 101, 403, 101, 401, 403, 403, 403],
  ["GET",   "/c/{public}",                                           302, 200, 200, 200, 302, 200, 200, 200],
  ["PATCH", "/channels/{unknown}",                                   401, 404, 404, 404, 401, 404, 404, 404],
  ["DELETE", "/channels/{unknown}",                                   401, 404, 404, 404, 401, 404, 404, 404],
  ["DELETE", "/channels/{unknown}/members/{memberId}",                401, 404, 404, 404, 401, 404, 404, 404],
  ["GET",   "/channels/{unknown}/candidates?q=o",                    401, 404, 404, 404, 401, 404, 404, 404],
  ["POST",  "/channels/{unknown}/join",                              401, 404, 404, 404, 401, 404, 404, 404],
  ["POST",  "/channels/{unknown}/leave",                             401, 404, 404, 404, 401, 404, 404, 404],
  ["GET",   "/channels/{unknown}/members",                           401, 404, 404, 404, 401, 404, 404, 404],
  ["POST",  "/channels/{unknown}/members",                           401, 404, 404, 404, 401, 404, 404, 404],
  ["POST",  "/channels/{unknown}/read",                              401, 404, 404, 404, 401, 404, 404, 404],
  ["PUT",   "/channels/{unknown}/notifications",                     401, 404, 404, 404, 401, 404, 404, 404],
  ["GET",   "/channels/{unknown}/messages",                          401, 404, 404, 404, 401, 404, 404, 404],
  ["POST",  "/channels/{unknown}/messages",                          401, 404, 404, 404, 401, 404, 404, 404],
  ["POST",  "/channels/{unknown}/files",                             401, 404, 404, 404, 401, 404, 404, 404],
  ["GET",   "/channels/{unknown}/changes?since=0",                   401, 404, 404, 404, 401, 404, 404, 404],
  ["PATCH", "/channels/{unknown}/messages/{seq}",                    401, 404, 404, 404, 401, 404, 404, 404],
  ["PUT",   "/channels/{unknown}/messages/{seq}/reactions/{emoji}",  401, 404, 404, 404, 401, 404, 404, 404],
  ["DELETE", "/channels/{unknown}/messages/{seq}/reactions/{emoji}",  401, 404, 404, 404, 401, 404, 404, 404],
  ["DELETE", "/channels/{unknown}/messages/{doomed}",                 401, 404, 404, 404, 401, 404, 404, 404],
  ["POST",  "/channels/{unknown}/messages/{seq}/report",             401, 404, 404, 404, 401, 404, 404, 404],
  ["GET",   "/channels/{unknown}/webhooks",                          401, 404, 404, 404, 401, 404, 404, 404],
  ["POST",  "/channels/{unknown}/webhooks",                          401, 404, 404, 404, 401, 404, 404, 404],
  ["DELETE", "/channels/{unknown}/webhooks/{doomedHook}",             401, 404, 404, 404, 401, 404, 404, 404],
  ["GET",   "/files/{unknownFile}",                                  404, 404, 404, 404, 404, 404, 404, 404],
  ["GET",   "/files/{unknownFile}/thumbnail",                        404, 404, 404, 404, 404, 404, 404, 404],
  ["WS",    "/ws/channels/{unknown}",                                401, 404, 404, 404, 401, 404, 404, 404],
  ["GET",   "/c/{unknown}",                                          302, 404, 404, 404, 302, 404, 404, 404],
];

type Person = Account & { api: Api };

/** The accounts, channels and files every row refers to. */
interface Fixture {
  server: TestServer;
  users: Record<Exclude<Role, "anon">, Person> & { host: Person };
  /** Has asked every column to be friends. */
  requester: Person;
  /** A public channel each column made, for {own}. */
  own: Record<Exclude<Role, "anon">, string>;
  ids: Record<string, string>;
}

async function setUp(server: TestServer): Promise<Fixture> {
  const { base } = server;
  const owner = await signUp(base, uniqueName("owner"));
  const [host, member, nonMember, timedOut, banned, moderator, admin] =
    await Promise.all(
      ["host", "member", "none", "muted", "banned", "mod", "admin"].map((n) =>
        signUp(base, uniqueName(n))
      ),
    );
  // An avatar of someone no column is, so the avatar rows never change it.
  const avatar = await avatarUpload(base, host.token);
  assert.equal(avatar.status, 200);
  for (const [who, role] of [[moderator, "moderator"], [admin, "admin"]]) {
    const set = await owner.api.send("PATCH", `/users/${(who as Person).id}`, {
      json: { role },
    });
    assert.equal(set.status, 200);
  }
  const priv = await createChannel(host.api, uniqueName("private"), {
    private: true,
  });
  const pub = await createChannel(host.api, uniqueName("public"));
  for (const user of [member, timedOut, banned]) {
    const added = await host.api.post(`/channels/${priv.id}/members`, {
      username: user.username,
    });
    assert.equal(added.status, 201);
    assert.equal((await user.api.post(`/channels/${pub.id}/join`)).status, 200);
  }
  const files: Record<string, string> = {};
  for (const [name, channel] of [["private", priv], ["public", pub]] as const) {
    const file = await uploadFile(
      host.api,
      channel.id,
      new TextEncoder().encode("hello, members\n"),
      "note.txt",
    );
    files[name] = file.id;
    const image = await uploadFile(host.api, channel.id, png(40, 30), "a.png");
    files[`${name}Image`] = image.id;
    const doomed = await postMessage(host.api, channel.id, "delete me");
    assert.equal(doomed.seq, 3);
  }
  const reported = await postMessage(member.api, pub.id, "reported");
  const people = {
    member,
    nonMember,
    timedOut,
    banned,
    moderator,
    admin,
    owner,
  };
  const own = Object.fromEntries(
    await Promise.all(
      Object.entries(people).map(async ([role, user]) =>
        [role, (await createChannel(user.api, uniqueName("own"))).id] as const
      ),
    ),
  ) as Fixture["own"];
  const requester = await signUp(base, uniqueName("requester"));
  for (const user of Object.values(people)) {
    await askFriend(requester.api, user.username);
  }
  const peer = await signUp(base, uniqueName("peer"));
  const hook = await webhookOf(host.api, priv.id);
  const muted = await moderator.api.send("PUT", `/timeouts/${timedOut.id}`, {
    json: { seconds: 86400 },
  });
  assert.equal(muted.status, 200);
  const ban = await admin.api.send("PUT", `/bans/${banned.id}`, { json: {} });
  assert.equal(ban.status, 200);
  const fx: Fixture = {
    server,
    users: { host, ...people },
    requester,
    own,
    ids: {
      dm: (await host.api.post("/dms", { usernames: [member.username] })).body
        .id,
      peer: peer.username,
      peerId: peer.id,
      requesterId: requester.id,
      botId: await botOf(owner),
      doomedBot: await botOf(owner),
      privateHook: hook.id,
      hookSecret: hook.secret,
      wrongSecret: "A".repeat(43),
      doomedHook: (await webhookOf(host.api, priv.id)).id,
      memberId: member.id,
      founderId: host.id,
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
      reportedSeq: String(reported.seq),
      emoji: encodeURIComponent("👍"),
    },
  };
  fx.ids.invite = await inviteTo(fx);
  fx.ids.doomedChannel = await doomedChannel(fx);
  fx.ids.report = await reportAgain(fx);
  return fx;
}

async function botOf(owner: Person): Promise<string> {
  const res = await owner.api.post("/bots", { username: uniqueName("bot") });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.bot.id;
}

async function doomedChannel(fx: Fixture): Promise<string> {
  const { host, member } = fx.users;
  const doomed = await createChannel(host.api, uniqueName("doomed"), {
    private: true,
  });
  const added = await host.api.post(`/channels/${doomed.id}/members`, {
    username: member.username,
  });
  assert.equal(added.status, 201);
  return doomed.id;
}

async function inviteTo(fx: Fixture): Promise<string> {
  const res = await fx.users.host.api.post("/invites", {
    channelId: fx.ids.private,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.code;
}

async function reportAgain(fx: Fixture): Promise<string> {
  const res = await fx.users.host.api.post(
    `/channels/${fx.ids.public}/messages/${fx.ids.reportedSeq}/report`,
    { reason: "fixture" },
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

function fileUpload(
  base: string,
  token: string | undefined,
  channelId: string,
) {
  const form = new FormData();
  form.set("file", new File(["hello\n"], "note.txt", { type: "text/plain" }));
  return request(base, "POST", `/channels/${channelId}/files`, {
    token,
    body: form,
  });
}

/** The JSON body each route needs to get past validation, so only access decides. */
function bodyFor(method: string, template: string, fx: Fixture, role: Role) {
  const route = `${method} ${routeOfRow(template)}`;
  const caller = role === "anon" ? fx.users.member : fx.users[role];
  const password = "correct horse battery";
  const bodies: Record<string, unknown> = {
    "POST auth/register": { username: uniqueName("new"), password },
    "POST auth/login": { username: caller.username, password },
    "PATCH me": { displayName: "Renamed" },
    "POST me/password": { currentPassword: password, newPassword: password },
    "PATCH users/[id]": { role: "moderator" },
    "PUT timeouts/[id]": { seconds: 60 },
    "PUT bans/[id]": {},
    "PATCH settings": { name: "Renamed" },
    "POST channels": { name: uniqueName("room") },
    "POST dms": { usernames: [fx.ids.peer] },
    "POST friends": { username: fx.ids.peer },
    "POST bots": { username: uniqueName("bot") },
    "PATCH bots/[id]": { webhookUrl: null },
    "POST channels/[id]/webhooks": { name: "Hook" },
    "POST hooks/[id]/[id]": { content: "from a hook" },
    "POST invites": template.includes("private")
      ? { channelId: fx.ids.private }
      : {},
    "PATCH channels/[id]": { topic: "Changed" },
    "POST channels/[id]/members": { username: fx.users.member.username },
    "POST channels/[id]/read": { seq: 1 },
    "PUT channels/[id]/notifications": { level: "all" },
    "POST channels/[id]/messages": { content: "hello" },
    "PATCH channels/[id]/messages/[id]": { content: "edited" },
    "POST channels/[id]/messages/[id]/report": { reason: "spam" },
    "POST push/subscriptions": {
      endpoint: "https://push.example/device",
      keys: { p256dh: "B".repeat(87), auth: "A".repeat(22) },
    },
    "DELETE push/subscriptions": { endpoint: "https://push.example/device" },
  };
  return bodies[route];
}

/** Pages, asked for as a browser does. */
function isPage(method: string, template: string): boolean {
  return method === "GET" && (template === "/" || template === "/browse" ||
    template === "/settings" || template === "/admin" ||
    template.startsWith("/c/") || template.startsWith("/invite/"));
}

async function call(
  method: string,
  template: string,
  role: Role,
  fx: Fixture,
): Promise<number> {
  const base = fx.server.base;
  const path = template.replace(
    /\{(\w+)\}/g,
    (_, name) =>
      name === "own"
        ? (role === "anon" ? fx.ids.public : fx.own[role])
        : fx.ids[name],
  );
  let token = role === "anon" ? undefined : fx.users[role].token;
  if (template === "/auth/logout" && role !== "anon" && role !== "banned") {
    const user = fx.users[role];
    token = await signIn(base, user.username, user.password);
  }
  if (method === "WS") {
    return await upgradeStatus(socketUrl(base, path.split("/").pop()!, token));
  }
  if (isPage(method, template)) {
    const res = await fetch(new URL(path, base), {
      headers: {
        accept: "text/html",
        ...(token ? { cookie: `hearth_token=${token}` } : {}),
      },
      redirect: "manual",
    });
    await res.body?.cancel();
    return res.status;
  }
  if (template === "/friends/events") {
    const { status, problem } = await openStream(base, path, token);
    assert.equal(problem, undefined, `${method} ${path}`);
    return status;
  }
  const res = template.endsWith("/files")
    ? await fileUpload(base, token, path.split("/")[2])
    : method === "PUT" && template === "/me/avatar"
    ? await avatarUpload(base, token)
    : await request(base, method, path, {
      token,
      json: bodyFor(method, template, fx, role),
    });
  if (res.status >= 400) {
    assert.equal(typeof res.body?.code, "string", `${method} ${path}`);
  }
  return res.status;
}

/** Puts back what a cell that succeeded changed, so every cell starts alike. */
async function restore(
  method: string,
  template: string,
  role: Role,
  status: number,
  fx: Fixture,
): Promise<void> {
  if (role === "anon" || status >= 300) return;
  const { owner, host, member } = fx.users;
  const memberPath = (prefix: string) => `${prefix}/${fx.ids.memberId}`;
  const ok = (res: { status: number }, what: string) =>
    assert.ok(res.status < 300, `could not restore after ${what}`);
  const key = `${method} ${template}`;
  if (key === "PATCH /users/{memberId}") {
    ok(
      await owner.api.send("PATCH", memberPath("/users"), {
        json: { role: "member" },
      }),
      key,
    );
  } else if (key === "PUT /timeouts/{memberId}") {
    ok(await owner.api.send("DELETE", memberPath("/timeouts"), {}), key);
  } else if (key === "PUT /bans/{memberId}") {
    ok(await owner.api.send("DELETE", memberPath("/bans"), {}), key);
  } else if (key === "DELETE /channels/{doomedChannel}") {
    fx.ids.doomedChannel = await doomedChannel(fx);
  } else if (key === "DELETE /invites/{invite}") {
    fx.ids.invite = await inviteTo(fx);
  } else if (key === "DELETE /reports/{report}") {
    fx.ids.report = await reportAgain(fx);
  } else if (key === "DELETE /bots/{doomedBot}") {
    fx.ids.doomedBot = await botOf(owner);
  } else if (key === "DELETE /channels/{private}/webhooks/{doomedHook}") {
    fx.ids.doomedHook = (await webhookOf(host.api, fx.ids.private)).id;
  } else if (key === "POST /friends") {
    ok(
      await fx.users[role].api.send("DELETE", `/friends/${fx.ids.peerId}`, {}),
      key,
    );
  } else if (key === "PUT /friends/{requesterId}") {
    const user = fx.users[role];
    ok(
      await user.api.send("DELETE", `/friends/${fx.ids.requesterId}`, {}),
      key,
    );
    await askFriend(fx.requester.api, user.username);
  }
  const blocked = template.match(/^\/blocks\/\{(\w+)\}$/);
  if (blocked && method === "PUT") {
    const undo = `/blocks/${fx.ids[blocked[1]]}`;
    ok(await fx.users[role].api.send("DELETE", undo, {}), key);
  }
  const removed = template.match(
    /^\/channels\/\{(\w+)\}\/members\/\{memberId\}$/,
  );
  if (removed && method === "DELETE") {
    const id = fx.ids[removed[1]];
    ok(
      removed[1] === "public"
        ? await member.api.post(`/channels/${id}/join`)
        : await host.api.post(`/channels/${id}/members`, {
          username: member.username,
        }),
      key,
    );
  }
  const user = fx.users[role];
  const wasMember = role === "member" || role === "timedOut" ||
    role === "banned";
  if (template === "/invites/{invite}/accept" && !wasMember) {
    ok(await user.api.post(`/channels/${fx.ids.private}/leave`), key);
  }
  const channel = template.match(/^\/channels\/\{(private|public)\}\/(\w+)$/);
  if (!channel) return;
  const [, which, action] = channel;
  const id = fx.ids[which];
  if (action === "join" && !wasMember) {
    ok(await user.api.post(`/channels/${id}/leave`), key);
  } else if (action === "leave" && wasMember) {
    ok(
      which === "public"
        ? await user.api.post(`/channels/${id}/join`)
        : await host.api.post(`/channels/${id}/members`, {
          username: user.username,
        }),
      key,
    );
  }
}

Deno.test("the role matrix has a row for every method of every route, with a cell for every role", () => {
  const rows = new Set(
    MATRIX.map(([method, path]) =>
      `${method === "WS" ? "GET" : method} ${routeOfRow(path)}`
    ),
  );
  const routes = manifestRoutes();
  assert.deepEqual(
    routes.filter((r) => !rows.has(r)),
    [],
    "routes with no row",
  );
  assert.deepEqual(
    [...rows].filter((r) => !routes.includes(r)),
    [],
    "rows of no route",
  );
  for (const [method, path, ...wants] of MATRIX) {
    assert.equal(wants.length, ROLES.length, `${method} ${path}`);
  }
});

Deno.test("role matrix: every route against every instance role", async () => {
  await withHearth(async (server) => {
    const fx = await setUp(server);
    const rendered: { method: string; path: string; cells: string[] }[] = [];
    const failures: string[] = [];
    for (const [method, template, ...wants] of MATRIX) {
      const cells: string[] = [];
      for (const [i, role] of ROLES.entries()) {
        const status = await call(method, template, role, fx);
        await restore(method, template, role, status, fx);
        if (status === wants[i]) {
          cells.push(String(status));
        } else {
          cells.push(`*${status}≠${wants[i]}`);
          failures.push(
            `${method} ${template} as ${role}: ${status}, want ${wants[i]}`,
          );
        }
      }
      rendered.push({ method, path: template, cells });
    }
    assert.deepEqual(
      failures,
      [],
      `role matrix (* marks got≠want):\n${renderMatrix(ROLES, rendered)}\n`,
    );
  });
});
