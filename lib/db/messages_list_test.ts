import assert from "node:assert/strict";
import { createChannel } from "./channels.ts";
import { createMessage, listMessages } from "./messages.ts";
import type { User } from "./users.ts";
import {
  range,
  seqs,
  userWithChannel as setup,
  withKv,
} from "./_test_utils.ts";

async function fill(kv: Deno.Kv, channelId: string, author: User, n: number) {
  for (let i = 1; i <= n; i++) {
    await createMessage(kv, { channelId, author, content: `message ${i}` });
  }
}

Deno.test("listMessages() returns the newest page oldest first by default", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    assert.deepEqual(await listMessages(kv, channelId), []);
    await fill(kv, channelId, user, 60);
    assert.deepEqual(seqs(await listMessages(kv, channelId)), range(11, 60));
    assert.deepEqual(
      seqs(await listMessages(kv, channelId, { limit: 5 })),
      range(56, 60),
    );
  }));

Deno.test("listMessages() pages back with before and catches up with after", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    await fill(kv, channelId, user, 30);
    const page = (o: Parameters<typeof listMessages>[2]) =>
      listMessages(kv, channelId, o).then(seqs);
    assert.deepEqual(await page({ before: 21, limit: 10 }), range(11, 20));
    assert.deepEqual(await page({ before: 5, limit: 10 }), range(1, 4));
    assert.deepEqual(await page({ before: 1 }), []);
    assert.deepEqual(await page({ before: 1000, limit: 3 }), [28, 29, 30]);
    assert.deepEqual(await page({ after: 10, limit: 5 }), range(11, 15));
    assert.deepEqual(await page({ after: 25 }), range(26, 30));
    assert.deepEqual(await page({ after: 30 }), []);
    assert.deepEqual(await page({ after: 0, limit: 3 }), [1, 2, 3]);
    assert.deepEqual(await page({ after: 5, before: 9 }), [6, 7, 8]);
    assert.deepEqual(await page({ after: 5, before: 20, limit: 2 }), [6, 7]);
    assert.deepEqual(await page({ after: 5, before: 6 }), []);
    assert.deepEqual(await page({ after: 9, before: 3 }), []);
    // Messages of other channels never leak into a page.
    const other = await createChannel(kv, user.id, { name: "other" });
    await fill(kv, other.id, user, 3);
    assert.deepEqual(await page({ after: 28 }), [29, 30]);
    assert.deepEqual(await page({}), range(1, 30));
  }));

Deno.test("listMessages() clamps limit to 1..200 and rejects bad cursors", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    await Promise.all(
      Array.from(
        { length: 210 },
        (_, i) =>
          createMessage(kv, { channelId, author: user, content: `m${i}` }),
      ),
    );
    assert.deepEqual(
      seqs(await listMessages(kv, channelId, { limit: 500 })),
      range(11, 210),
    );
    assert.deepEqual(
      seqs(await listMessages(kv, channelId, { limit: 0 })),
      [210],
    );
    for (
      const bad of [{ before: -1 }, { after: 1.5 }, { limit: -3 }, {
        after: Number.NaN,
      }]
    ) {
      await assert.rejects(listMessages(kv, channelId, bad), { status: 422 });
    }
  }));
