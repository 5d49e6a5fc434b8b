import assert from "node:assert/strict";
import {
  mayRemoveFrom,
  membersById,
  personOf,
  roleLabel,
  staffOffer,
  withRole,
} from "./people.ts";

Deno.test("staffOffer() offers nothing to a member, or on an equal or higher rank", () => {
  assert.deepEqual(staffOffer("member", "member"), {
    timeOut: false,
    ban: false,
    roles: [],
  });
  assert.deepEqual(staffOffer("moderator", "moderator"), {
    timeOut: false,
    ban: false,
    roles: [],
  });
  assert.deepEqual(staffOffer("admin", "owner").roles, []);
});

Deno.test("staffOffer() follows the role rules: moderators time out, admins ban and set lower roles, the owner sets admin", () => {
  assert.deepEqual(staffOffer("moderator", "member"), {
    timeOut: true,
    ban: false,
    roles: [],
  });
  assert.deepEqual(staffOffer("admin", "member"), {
    timeOut: true,
    ban: true,
    roles: ["moderator"],
  });
  assert.deepEqual(staffOffer("admin", "moderator").roles, ["member"]);
  assert.deepEqual(staffOffer("owner", "admin").roles, [
    "member",
    "moderator",
  ]);
  assert.deepEqual(staffOffer("owner", "member").roles, [
    "moderator",
    "admin",
  ]);
});

Deno.test("personOf() fills an author in from the member list, and keeps a stranger as given", () => {
  const members = [{
    id: "u1",
    username: "bea",
    displayName: "Bea",
    online: true,
    avatarUrl: "/avatars/u1/2",
    role: "moderator" as const,
  }];
  const byId = membersById(members);
  const author = { id: "u1", username: "bea", displayName: "Bea" };
  assert.equal(personOf(byId, author).avatarUrl, "/avatars/u1/2");
  assert.equal(personOf(byId, author).role, "moderator");
  const gone = { id: "u2", username: "cy", displayName: "Cy" };
  assert.deepEqual(personOf(byId, gone), gone);
  assert.equal(roleLabel("moderator"), "Moderator");
  assert.equal(roleLabel("member"), "");
});

Deno.test("withRole() sets one member's role, leaving it out for a member", () => {
  const members = [
    { id: "a", username: "a", displayName: "A", online: true },
    {
      id: "b",
      username: "b",
      displayName: "B",
      online: false,
      role: "moderator" as const,
    },
  ];
  assert.equal(withRole(members, "a", "admin")[0].role, "admin");
  assert.equal("role" in withRole(members, "b", "member")[1], false);
  assert.equal(withRole(members, "b", undefined)[0], members[0]);
});

Deno.test("mayRemoveFrom() offers removal to managers, and to staff on lower ranks who do not own the channel; never in a DM", () => {
  const channel = { kind: "channel", ownerId: "o" };
  const people = new Map([
    ["o", { id: "o", username: "o", displayName: "O", online: true }],
    ["m", { id: "m", username: "m", displayName: "M", online: true }],
    [
      "a",
      {
        id: "a",
        username: "a",
        displayName: "A",
        online: true,
        role: "admin" as const,
      },
    ],
  ]);
  assert.equal(mayRemoveFrom(channel, "a", people, true, "member"), true);
  assert.equal(mayRemoveFrom(channel, "m", people, false, "moderator"), true);
  assert.equal(mayRemoveFrom(channel, "o", people, false, "moderator"), false);
  assert.equal(mayRemoveFrom(channel, "a", people, false, "moderator"), false);
  assert.equal(mayRemoveFrom(channel, "m", people, false, "member"), false);
  assert.equal(
    mayRemoveFrom({ kind: "dm", ownerId: "o" }, "m", people, true, "owner"),
    false,
  );
});
