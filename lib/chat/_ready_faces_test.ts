import assert from "node:assert/strict";
import type { User } from "../db/users.ts";
import { Presence } from "../realtime/presence.ts";
import type { RosterView } from "../roster.ts";
import { READY_ONLINE_MEMBERS } from "../shared/limits.ts";
import type { Member } from "../shared/wire.ts";
import { ReadyFaces } from "./_ready_faces.ts";

function user(n: number): User {
  return {
    id: `id${n}`,
    // Zero-padded, so usernames sort as the numbers do.
    username: `user${String(n).padStart(5, "0")}`,
    displayName: `User ${n}`,
    createdAt: "2026-12-06T00:00:00.000Z",
    role: "member",
    status: "",
    avatarUrl: null,
  };
}

// A view kept current by presence, as the roster keeps its own.
function setup(count: number) {
  const members = Array.from({ length: count }, (_, i) => user(i));
  const view: RosterView = {
    members,
    byId: new Map(members.map((m) => [m.id, m])),
    online: new Set(),
  };
  const presence = new Presence();
  presence.onChange((id, online) => {
    if (online) view.online.add(id);
    else view.online.delete(id);
  });
  let built = 0;
  const faces = new ReadyFaces(presence, (u): Member => {
    built++;
    return {
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      online: true,
    };
  });
  return { view, presence, faces, built: () => built };
}

const names = (list: Member[]) => list.map((m) => m.username);

Deno.test("ReadyFaces builds a full list once while newcomers sort after it", () => {
  const { view, presence, faces, built } = setup(300);
  for (let i = 0; i < 150; i++) presence.connect(`id${i}`);
  const first = faces.faces("c1", view);
  assert.deepEqual(first.length, READY_ONLINE_MEMBERS);
  assert.deepEqual(first.at(-1)!.username, "user00099");
  const builtOnce = built();
  // Users 150 to 299 sort after the last listed one: the list stays.
  for (let i = 150; i < 300; i++) presence.connect(`id${i}`);
  assert.equal(faces.faces("c1", view), first);
  assert.deepEqual(built(), builtOnce);
});

Deno.test("ReadyFaces drops a list when a newcomer sorts before its last name", () => {
  const { view, presence, faces } = setup(300);
  for (let i = 1; i <= 150; i++) presence.connect(`id${i}`);
  assert.deepEqual(faces.faces("c1", view)[0].username, "user00001");
  presence.connect("id0");
  const next = faces.faces("c1", view);
  assert.deepEqual(next[0].username, "user00000");
  assert.deepEqual(next.at(-1)!.username, "user00099");
  assert.deepEqual(next.length, READY_ONLINE_MEMBERS);
});

Deno.test("ReadyFaces drops a list when a listed member goes offline", () => {
  const { view, presence, faces } = setup(300);
  for (let i = 0; i < 150; i++) presence.connect(`id${i}`);
  faces.faces("c1", view);
  presence.disconnect("id5");
  const next = faces.faces("c1", view);
  assert.ok(!names(next).includes("user00005"));
  assert.deepEqual(next.at(-1)!.username, "user00100");
  // Someone unlisted leaving changes nothing listed.
  presence.disconnect("id140");
  assert.equal(faces.faces("c1", view), next);
});

Deno.test("ReadyFaces lists every newcomer while the list is not full", () => {
  const { view, presence, faces } = setup(300);
  presence.connect("id250");
  assert.deepEqual(names(faces.faces("c1", view)), ["user00250"]);
  presence.connect("id299");
  assert.deepEqual(names(faces.faces("c1", view)), ["user00250", "user00299"]);
});

Deno.test("ReadyFaces ignores users of other channels and keeps a bounded number of channels", () => {
  const { view, presence, faces } = setup(10);
  presence.connect("id1");
  const list = faces.faces("c1", view);
  presence.connect("stranger");
  assert.equal(faces.faces("c1", view), list);
  const small = new ReadyFaces(
    presence,
    (u) => ({
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      online: true,
    }),
    2,
  );
  const views = [0, 1, 2].map((): RosterView => ({
    members: [],
    byId: new Map(),
    online: new Set(),
  }));
  views.forEach((v, i) => small.faces(`c${i}`, v));
  assert.equal(small.size, 2);
});

Deno.test("ReadyFaces builds again for a new view of the channel, as after a roster reload", () => {
  const { view, presence, faces, built } = setup(10);
  presence.connect("id1");
  const list = faces.faces("c1", view);
  const builtOnce = built();
  const reloaded: RosterView = { ...view, online: new Set(view.online) };
  const again = faces.faces("c1", reloaded);
  assert.notEqual(again, list);
  assert.deepEqual(again, list);
  assert.equal(built(), builtOnce + 1);
  assert.equal(faces.size, 1);
});
