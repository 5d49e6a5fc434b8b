/**
 * Channel names that look the same are the same name: uniqueness is decided
 * after removing what cannot be seen, folding case and composing accents
 * (`comparableName`), on create and on rename alike; a name that is or holds
 * an invisible character on its own is refused outright.
 */
import assert from "node:assert/strict";
import { createChannel, signUp, withHearth } from "../helpers/api.ts";

Deno.test("POST /channels is 409 channel_exists for a name that only differs by what cannot be seen", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    await createChannel(ada.api, "Random");
    await createChannel(ada.api, "caf\u00e9");
    const lookalikes = [
      "ran\u200ddom", // a zero-width joiner after a letter
      "random\ufe0f", // a variation selector after a letter
      "RANDOM\u200d",
      "cafe\u0301", // the same accent, decomposed
      "gen\u200deral", // the default channel
    ];
    for (const name of lookalikes) {
      const res = await ada.api.post("/channels", { name });
      assert.equal(res.status, 409, JSON.stringify(name));
      assert.equal(res.body.code, "channel_exists");
    }
    // Invisible characters that no visible one carries are refused before that.
    for (const name of ["gen\u00aderal", "\u200drandom", "ran\u200bdom"]) {
      const res = await ada.api.post("/channels", { name });
      assert.equal(res.status, 422, JSON.stringify(name));
    }
    // A visible difference is another name.
    assert.ok(await createChannel(ada.api, "random-2"));
  });
});

Deno.test("PATCH /channels/{id} is 409 for a look-alike of another name, and moves nothing for a look-alike of its own", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    await createChannel(ada.api, "taken");
    const plans = await createChannel(ada.api, "plans");
    const rename = (name: string) =>
      ada.api.send("PATCH", `/channels/${plans.id}`, { json: { name } });
    const taken = await rename("ta\u200dken");
    assert.equal(taken.status, 409);
    assert.equal(taken.body.code, "channel_exists");
    const own = await rename("Pla\u200dns");
    assert.equal(own.status, 200);
    assert.equal(own.body.name, "Pla\u200dns");
    // The name is still held under its visible form.
    const again = await ada.api.post("/channels", { name: "plans" });
    assert.equal(again.status, 409);
    assert.equal((await rename("plans-2")).status, 200);
    assert.equal(
      (await ada.api.post("/channels", { name: "plans" })).status,
      201,
    );
  });
});
