import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { PersonName } from "./PersonName.tsx";
import { personLabel } from "../lib/client/format.ts";

Deno.test("PersonName shows the username beside a display name that is not it", () => {
  assert.equal(
    renderToString(
      <PersonName person={{ displayName: "Alice", username: "mallory" }} />,
    ),
    'Alice <span class="msg-handle">@mallory</span>',
  );
  assert.equal(
    renderToString(
      <PersonName person={{ displayName: "alice", username: "alice" }} />,
    ),
    "alice",
  );
});

Deno.test("personLabel() adds the username in plain text when the names differ", () => {
  assert.equal(
    personLabel({ displayName: "Alice", username: "mallory" }),
    "Alice (@mallory)",
  );
  assert.equal(personLabel({ displayName: "bo", username: "bo" }), "bo");
});
