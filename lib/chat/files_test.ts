import assert from "node:assert/strict";
import { channelKey } from "../db/_keys.ts";
import { createChannel } from "../db/channels.ts";
import { draftMessage } from "../db/messages.ts";
import { ApiError } from "../errors.ts";
import { countKeys, formRequest, randomBytes } from "../files/_testing.ts";
import { setLogSink } from "../log.ts";
import { account, withServices } from "./_test_services.ts";
import { shareFile } from "./files.ts";
import { channelMember } from "./standing.ts";

Deno.test("shareFile() undoes the file when its message cannot be written", () =>
  withServices(async (services) => {
    const ada = await account(services, "ada");
    const room = await createChannel(services.kv, ada.id, { name: "room" });
    const member = await channelMember(services, room.id, ada);
    // The channel goes while the upload streams: the message write fails.
    await services.kv.delete(channelKey(room.id));
    const form = new FormData();
    form.append("file", new File([randomBytes(200_000)], "a.bin"));
    const previous = setLogSink(() => {});
    try {
      await assert.rejects(
        shareFile(member, formRequest(form)),
        (error) => error instanceof ApiError && error.status === 404,
      );
    } finally {
      setLogSink(previous);
    }
    for (const family of ["files", "file_chunks", "unreferenced_files"]) {
      assert.equal(await countKeys(services.kv, [family]), 0, family);
    }
  }));

Deno.test("draftMessage() refuses a message too large to store, before anything is written", () => {
  assert.throws(
    () =>
      draftMessage({
        channelId: crypto.randomUUID(),
        author: { id: "u", username: "ada", displayName: "Ada" },
        content: "",
        file: {
          id: "f",
          name: "n".repeat(70_000),
          size: 1,
          type: "text/plain",
        },
      }),
    (error) => error instanceof ApiError && error.status === 422,
  );
});
