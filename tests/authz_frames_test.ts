/**
 * The authorization matrix of socket frames by instance role: every kind of
 * client frame, sent on an open socket of a public channel everyone in the
 * columns is in, against member, timed-out, moderator, admin and owner.
 * (Anonymous, non-member and banned callers never get a socket: the `WS`
 * rows of tests/authz*_test.ts.) A cell is `ok` when the frame took effect
 * (seen on the socket, or by another member for typing), the error frame's
 * code when it was refused, and `none` when nothing came back. A test checks
 * that every client frame type has a row.
 */
import assert from "node:assert/strict";
import type { ClientFrame, ServerFrame } from "../lib/shared/wire.ts";
import {
  type Account,
  type Api,
  createChannel,
  FrameSocket,
  postMessage,
  signUp,
  uniqueName,
  withHearth,
} from "./helpers/api.ts";
import { DeadlineError, waitFor } from "./helpers/deadline.ts";

const ROLES = ["member", "timedOut", "moderator", "admin", "owner"] as const;
type Role = typeof ROLES[number];
type Person = Account & { api: Api };

/** What a row sends: the frame, and how its effect shows. */
interface FrameRow {
  type: ClientFrame["type"];
  /** What the frame acts on, made fresh for each cell. */
  frame(fx: Fixture, role: Role, clientId: string): Promise<ClientFrame>;
  want: Record<Role, string>;
}

interface Fixture {
  host: Person;
  users: Record<Role, Person>;
  channelId: string;
  /** A message of each column's own, posted before the timeout. */
  own: Record<Role, number>;
}

// Others' messages are the host's (a member, not staff, and the channel's
// owner); each cell gets a new one, so a deletion never meets a tombstone.
async function hostMessage(fx: Fixture): Promise<number> {
  return (await postMessage(fx.host.api, fx.channelId, "host says")).seq;
}

/**
 * Staff act on others' messages in channels they are in; a timed-out person
 * is refused posting, editing and reacting, not deleting (their own).
 */
const ROWS: FrameRow[] = [
  {
    type: "message",
    frame: (_fx, _role, clientId) =>
      Promise.resolve({ type: "message", content: "hi", clientId }),
    want: {
      member: "ok",
      timedOut: "timed_out",
      moderator: "ok",
      admin: "ok",
      owner: "ok",
    },
  },
  {
    type: "edit",
    frame: (fx, role, clientId) =>
      Promise.resolve({
        type: "edit",
        seq: fx.own[role],
        content: `edited ${clientId}`,
        clientId,
      }),
    want: {
      member: "ok",
      timedOut: "timed_out",
      moderator: "ok",
      admin: "ok",
      owner: "ok",
    },
  },
  {
    type: "delete",
    frame: async (fx, _role, clientId) => ({
      type: "delete",
      seq: await hostMessage(fx),
      clientId,
    }),
    want: {
      member: "not_author",
      timedOut: "not_author",
      moderator: "ok",
      admin: "ok",
      owner: "ok",
    },
  },
  {
    type: "react",
    frame: async (fx, _role, clientId) => ({
      type: "react",
      seq: await hostMessage(fx),
      emoji: "👍",
      add: true,
      clientId,
    }),
    want: {
      member: "ok",
      timedOut: "timed_out",
      moderator: "ok",
      admin: "ok",
      owner: "ok",
    },
  },
  {
    type: "typing",
    frame: () => Promise.resolve({ type: "typing" }),
    // A timed-out person's typing notice still reaches the channel, though
    // nothing they type can be sent: recorded as it stands.
    want: {
      member: "ok",
      timedOut: "ok",
      moderator: "ok",
      admin: "ok",
      owner: "ok",
    },
  },
];

/** Every client frame type, from the wire's union (kept in step by the compiler). */
const FRAME_TYPES: Record<ClientFrame["type"], true> = {
  message: true,
  edit: true,
  delete: true,
  react: true,
  typing: true,
};

Deno.test("the frame matrix has a row for every client frame type", () => {
  assert.deepEqual(
    ROWS.map((r) => r.type).sort(),
    Object.keys(FRAME_TYPES).sort(),
  );
});

// What became of the frame: the effect it should have, or an error frame.
function outcome(
  row: FrameRow,
  sent: ClientFrame,
  clientId: string,
  mine: FrameSocket,
  watcher: FrameSocket,
  userId: string,
  since: { mine: number; watcher: number },
): string | undefined {
  const refused = mine.frames.slice(since.mine).find((
    f,
  ): f is Extract<ServerFrame, { type: "error" }> =>
    f.type === "error" && (f.clientId === clientId || row.type === "typing")
  );
  if (refused) return refused.code;
  const seen = (f: ServerFrame) => {
    switch (sent.type) {
      case "message":
        return f.type === "message" && f.message.clientId === clientId;
      case "edit":
        return f.type === "message_update" && f.message.seq === sent.seq &&
          f.message.content === sent.content;
      case "delete":
        return f.type === "message_update" && f.message.seq === sent.seq &&
          f.message.deleted === true;
      case "react":
        return f.type === "message_update" && f.message.seq === sent.seq &&
          f.message.reactions.some((r) => r.userIds.includes(userId));
      case "typing":
        return f.type === "typing" && f.userId === userId;
    }
  };
  const frames = sent.type === "typing"
    ? watcher.frames.slice(since.watcher)
    : mine.frames.slice(since.mine);
  return frames.some(seen) ? "ok" : undefined;
}

Deno.test("frame matrix: every client frame against every role that can hold a socket", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const host = await signUp(base, uniqueName("host"));
    const [member, timedOut, moderator, admin] = await Promise.all(
      ["member", "muted", "mod", "admin"].map((n) =>
        signUp(base, uniqueName(n))
      ),
    );
    for (const [who, role] of [[moderator, "moderator"], [admin, "admin"]]) {
      const set = await owner.api.send(
        "PATCH",
        `/users/${(who as Person).id}`,
        {
          json: { role },
        },
      );
      assert.equal(set.status, 200);
    }
    const users: Record<Role, Person> = {
      member,
      timedOut,
      moderator,
      admin,
      owner,
    };
    const channelId = (await createChannel(host.api, uniqueName("room"))).id;
    const own = {} as Record<Role, number>;
    for (const role of ROLES) {
      const joined = await users[role].api.post(`/channels/${channelId}/join`);
      assert.equal(joined.status, 200);
      own[role] = (await postMessage(users[role].api, channelId, "mine")).seq;
    }
    const muted = await moderator.api.send("PUT", `/timeouts/${timedOut.id}`, {
      json: { seconds: 86400 },
    });
    assert.equal(muted.status, 200);
    const fx: Fixture = { host, users, channelId, own };

    const watcher = await FrameSocket.open(base, channelId, host.token);
    const sockets: FrameSocket[] = [watcher];
    try {
      await watcher.next("ready");
      const failures: string[] = [];
      let n = 0;
      for (const role of ROLES) {
        const mine = await FrameSocket.open(base, channelId, users[role].token);
        sockets.push(mine);
        await mine.next("ready");
        for (const row of ROWS) {
          const clientId = `c${++n}`;
          const sent = await row.frame(fx, role, clientId);
          const since = {
            mine: mine.frames.length,
            watcher: watcher.frames.length,
          };
          mine.send(sent);
          let got: string;
          try {
            got = await waitFor(
              () =>
                outcome(
                  row,
                  sent,
                  clientId,
                  mine,
                  watcher,
                  users[role].id,
                  since,
                ),
              { what: `${row.type} as ${role}`, timeoutMs: 2000 },
            );
          } catch (error) {
            if (!(error instanceof DeadlineError)) throw error;
            got = "none";
          }
          if (got !== row.want[role]) {
            failures.push(
              `${row.type} as ${role}: ${got}, want ${row.want[role]}`,
            );
          }
        }
        await mine.close();
      }
      assert.deepEqual(failures, []);
    } finally {
      for (const socket of sockets) await socket.close();
    }
  });
});
