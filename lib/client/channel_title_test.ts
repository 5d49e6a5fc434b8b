import assert from "node:assert/strict";
import { channelLabel, channelTitle } from "./channel_title.ts";

const people = [
  { id: "me", username: "me", displayName: "Me" },
  { id: "a", username: "ada", displayName: "Ada" },
  { id: "b", username: "bo", displayName: "Bo" },
];

Deno.test("channelTitle() names a channel by its name and a DM by the others in it", () => {
  assert.equal(
    channelTitle({ name: "general", kind: "channel" }, "me"),
    "general",
  );
  assert.equal(
    channelTitle({ name: "dm-1", kind: "dm", people }, "me"),
    "Ada, Bo",
  );
  assert.equal(
    channelLabel({ name: "dm-1", kind: "dm", people }, "a"),
    "@Me, Bo",
  );
  assert.equal(
    channelLabel({ name: "garden", kind: "channel" }, "me"),
    "#garden",
  );
});
