/**
 * The per-user storage count follows the files people can still see: deleting
 * a message or a channel gives its bytes back, and a backup restores the count
 * as it was (an import rebuilds it from the messages it restores).
 */
import assert from "node:assert/strict";
import { exportLines } from "../../lib/backup/export.ts";
import { importBackup } from "../../lib/backup/import.ts";
import type { UserLimits } from "../../lib/chat/user_limits.ts";
import { getStorageUsed } from "../../lib/db/storage.ts";
import {
  type Api,
  createChannel,
  signUp,
  type TestServer,
  withHearth,
} from "../helpers/api.ts";

const QUOTA: UserLimits = {
  enabled: false,
  messagesPerSecond: 1,
  messageBurst: 3,
  channelsPerHour: 2,
  socketsPerUser: 2,
  storageBytes: 100 * 1024,
};

// Uploads `kib` KiB to the channel: "201 <seq>" or "<status> <code>".
async function upload(api: Api, channelId: string, kib: number) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(kib * 1024)]), "a.bin");
  const res = await api.send("POST", `/channels/${channelId}/files`, {
    body: form,
  });
  return res.status === 201
    ? `201 ${res.body.seq}`
    : `${res.status} ${res.body.code}`;
}

function used(server: TestServer, userId: string): Promise<number> {
  return getStorageUsed(server.services.kv, userId);
}

Deno.test("deleting the message that carries a file gives its bytes back to the uploader", async () => {
  await withHearth(
    async (server) => {
      const { api, id: userId } = await signUp(server.base);
      const channel = await createChannel(api);
      assert.equal(await upload(api, channel.id, 90), "201 1");
      assert.equal(await used(server, userId), 90 * 1024);
      assert.equal(await upload(api, channel.id, 20), "413 file_too_large");
      const res = await api.send(
        "DELETE",
        `/channels/${channel.id}/messages/1`,
        {},
      );
      assert.equal(res.status, 204);
      assert.equal(await used(server, userId), 0);
      assert.equal(await upload(api, channel.id, 90), "201 2");
      // Deleting the same message again frees nothing a second time.
      await api.send("DELETE", `/channels/${channel.id}/messages/1`, {});
      assert.equal(await used(server, userId), 90 * 1024);
    },
    [],
    { userLimits: QUOTA },
  );
});

Deno.test("deleting a channel gives back the bytes of every file in it, to each uploader", async () => {
  await withHearth(
    async (server) => {
      const owner = await signUp(server.base);
      const guest = await signUp(server.base);
      const channel = await createChannel(owner.api);
      await guest.api.post(`/channels/${channel.id}/join`);
      const other = await createChannel(owner.api);
      assert.equal(await upload(owner.api, channel.id, 30), "201 1");
      assert.equal(await upload(owner.api, channel.id, 30), "201 2");
      assert.equal(await upload(guest.api, channel.id, 50), "201 3");
      assert.equal(await upload(owner.api, other.id, 10), "201 1");
      assert.equal(await used(server, owner.id), 70 * 1024);
      const res = await owner.api.send("DELETE", `/channels/${channel.id}`, {});
      assert.equal(res.status, 204);
      assert.equal(await used(server, owner.id), 10 * 1024);
      assert.equal(await used(server, guest.id), 0);
      assert.equal(await upload(guest.api, other.id, 90), "403 not_member");
      assert.equal(await upload(owner.api, other.id, 90), "201 2");
    },
    [],
    { userLimits: QUOTA },
  );
});

Deno.test("a backup round trip keeps each user's stored bytes", async () => {
  await withHearth(
    async (server) => {
      const { api, id: userId } = await signUp(server.base);
      const channel = await createChannel(api);
      assert.equal(await upload(api, channel.id, 40), "201 1");
      assert.equal(await upload(api, channel.id, 25), "201 2");
      await api.send("DELETE", `/channels/${channel.id}/messages/1`, {});
      assert.equal(await used(server, userId), 25 * 1024);
      const lines: string[] = [];
      await exportLines(server.services.kv, (line) => {
        lines.push(line + "\n");
      });
      using target = await Deno.openKv(":memory:");
      await importBackup(
        target,
        ReadableStream.from([new TextEncoder().encode(lines.join(""))]),
      );
      assert.equal(await getStorageUsed(target, userId), 25 * 1024);
    },
    [],
    { userLimits: QUOTA },
  );
});
