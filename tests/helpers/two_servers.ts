/**
 * The opening of the relay suites: two people in a fresh channel with a
 * socket each on both of two servers sharing one database, and messages
 * posted on one side, then on both at once, checked on every socket.
 */
import assert from "node:assert/strict";
import {
  Api,
  createChannel,
  FrameSocket,
  postMessage,
  signUp,
  uniqueName,
} from "./api.ts";
import { waitFor } from "./deadline.ts";
import { range } from "../../lib/db/_test_utils.ts";

/** Who the two-server suites work with, and their sockets. */
export interface TwoServerRoom {
  owner: Awaited<ReturnType<typeof signUp>>;
  bo: Awaited<ReturnType<typeof signUp>>;
  room: Awaited<ReturnType<typeof createChannel>>;
  ownerOnB: Api;
  boOnB: Api;
  /** Owner on a, Bo on a, owner on b, Bo on b; each past its `ready`. */
  sockets: FrameSocket[];
}

/** Signs two people up on `a`, puts them in a new channel and opens a socket for each on both servers. */
export async function roomOnTwoServers(
  a: string,
  b: string,
): Promise<TwoServerRoom> {
  const owner = await signUp(a, uniqueName("owner"));
  const bo = await signUp(a, uniqueName("bo"));
  const room = await createChannel(owner.api, uniqueName("room"));
  assert.equal((await bo.api.post(`/channels/${room.id}/join`)).status, 200);
  const sockets = await Promise.all([
    FrameSocket.open(a, room.id, owner.token),
    FrameSocket.open(a, room.id, bo.token),
    FrameSocket.open(b, room.id, owner.token),
    FrameSocket.open(b, room.id, bo.token),
  ]);
  await Promise.all(sockets.map((s) => s.next("ready")));
  return {
    owner,
    bo,
    room,
    ownerOnB: new Api(b, owner.token),
    boOnB: new Api(b, bo.token),
    sockets,
  };
}

/**
 * Posts `fromB` messages as Bo on b alone (a's sockets can hear of them only
 * through the relay), then `each` from both sides at once, interleaved, and
 * checks that every socket got seqs 1 to the total once and in order.
 */
export async function postFromBothSides(
  { owner, boOnB, room, sockets }: TwoServerRoom,
  fromB: number,
  each: number,
  timeoutMs: number,
): Promise<void> {
  const allGot = (n: number, what: string) =>
    Promise.all(
      sockets.map((s) =>
        waitFor(() => s.seqs().length >= n, { what, timeoutMs })
      ),
    );
  for (let i = 0; i < fromB; i++) {
    await postMessage(boOnB, room.id, `from b ${i}`);
  }
  await allGot(fromB, `${fromB} messages posted on b on every socket`);
  const side = async (api: Api, tag: string) => {
    for (let i = 0; i < each; i++) {
      await postMessage(api, room.id, `${tag} ${i}`);
    }
  };
  await Promise.all([side(owner.api, "a"), side(boOnB, "b")]);
  const total = fromB + 2 * each;
  await allGot(total, `${total} messages on every socket`);
  for (const socket of sockets) {
    assert.deepEqual(socket.seqs(), range(1, total));
  }
}
