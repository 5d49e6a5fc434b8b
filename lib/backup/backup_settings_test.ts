import assert from "node:assert/strict";
import { getChannel } from "../db/channels.ts";
import { readAvatar, saveAvatar } from "../db/avatars.ts";
import {
  getNotificationSettings,
  setNotificationSetting,
} from "../db/notifications.ts";
import { listSubscriptions, saveSubscription, vapidKeys } from "../db/push.ts";
import { randomBytes } from "../files/_testing.ts";
import { importBackup } from "./import.ts";
import { userWithAvatar } from "./_export_avatar.ts";
import { userKey } from "./_keys.ts";
import { BackupError } from "./format.ts";
import {
  allKeys,
  buildSource,
  exportAll,
  type Source,
  toStream,
} from "./_test_fixture.ts";

const KEYS = { p256dh: "BPublicKeyOfTheBrowser", auth: "authsecret" };

/** Mutes general for bob, gives alice a two-part avatar, and bob a push subscription. */
async function addSettings(kv: Deno.Kv, built: Source) {
  const [alice, bob] = built.users;
  const general = await getChannel(kv, built.generalId, bob.id);
  await setNotificationSetting(kv, general!, bob.id, {
    level: "all",
    muted: true,
  });
  const image = randomBytes(130_000); // three parts of 60,000 bytes
  const user = await saveAvatar(kv, alice.id, {
    bytes: image,
    type: "image/png",
  });
  const keys = await vapidKeys(kv);
  await saveSubscription(kv, bob.id, "https://push.example/device-1", KEYS);
  return { image, version: Number(user.avatarUrl!.split("/").at(-1)), keys };
}

Deno.test("a backup carries notification settings, avatars, and push keys with subscriptions", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  const built = await buildSource(source);
  const { image, version, keys } = await addSettings(source, built);
  const [alice, bob] = built.users;
  const lines = await exportAll(source);
  const counts = JSON.parse(lines.at(-1)!).counts;
  assert.equal(counts.notificationSettings, 1);
  assert.equal(counts.avatarParts, 3);
  assert.equal(counts.pushKeys, 1);
  assert.equal(counts.pushSubscriptions, 1);

  await importBackup(target, toStream(lines));
  const general = await getChannel(target, built.generalId, bob.id);
  assert.deepEqual(
    await getNotificationSettings(target, general!, [bob.id, alice.id]),
    [
      { notifications: "all", muted: true },
      { notifications: "mentions", muted: false },
    ],
  );
  const avatar = await readAvatar(target, alice.id, version);
  assert.equal(avatar?.type, "image/png");
  assert.deepEqual(avatar?.bytes, image);
  assert.deepEqual(await vapidKeys(target), keys);
  assert.deepEqual(
    await listSubscriptions(target, [bob.id]),
    await listSubscriptions(source, [bob.id]),
  );

  // Exporting the restored database gives the same records again.
  const again = await exportAll(target);
  assert.deepEqual(again.slice(1, -1), lines.slice(1, -1));
});

Deno.test("an import replaces a push key pair the target made on its own", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  const built = await buildSource(source);
  const { keys } = await addSettings(source, built);
  const own = await vapidKeys(target); // a server started once, never used
  assert.notEqual(own.publicKey, keys.publicKey);
  await importBackup(target, toStream(await exportAll(source)));
  assert.deepEqual(await vapidKeys(target), keys);
});

Deno.test("a backup whose push subscriptions lack their key pair is refused, and nothing stays", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  await addSettings(source, await buildSource(source));
  const lines = (await exportAll(source)).filter((line) =>
    !line.startsWith('{"type":"push_keys"')
  );
  await assert.rejects(
    importBackup(target, toStream(lines)),
    (error: Error) =>
      error instanceof BackupError &&
      /push subscription before the push key pair/.test(error.message),
  );
  assert.deepEqual(await allKeys(target), []);
});

Deno.test("an avatar part of another version than the user's is refused", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  await addSettings(source, await buildSource(source));
  const lines = (await exportAll(source)).map((line) =>
    line.startsWith('{"type":"avatar_part"')
      ? line.replace('"version":1,', '"version":7,')
      : line
  );
  await assert.rejects(
    importBackup(target, toStream(lines)),
    /avatar version 7 is not the one user/,
  );
  assert.deepEqual(await allKeys(target), []);
});

Deno.test("an avatar replaced while the export reads its user is exported as replaced, whole", async () => {
  using kv = await Deno.openKv(":memory:");
  const [alice] = (await buildSource(kv)).users;
  await saveAvatar(kv, alice.id, {
    bytes: randomBytes(70_000),
    type: "image/png",
  });
  const stale = await kv.get(userKey(alice.id)); // read by the export's scan …
  const image = randomBytes(50_000); // … then replaced, the old parts dropped
  await saveAvatar(kv, alice.id, { bytes: image, type: "image/webp" });
  const { user, parts } = await userWithAvatar(kv, stale.value);
  assert.deepEqual(user, (await kv.get(userKey(alice.id))).value);
  assert.deepEqual(parts.map((p) => [p.version, p.n]), [[2, 0]]);
  assert.deepEqual(Uint8Array.fromBase64(parts[0].data), image);
});
