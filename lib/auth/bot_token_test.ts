import assert from "node:assert/strict";
import {
  formatBotToken,
  hashSecret,
  newSecret,
  parseBotToken,
  secretMatches,
} from "./bot_token.ts";

Deno.test("parseBotToken() reads back a formatted token and refuses anything else", () => {
  const id = crypto.randomUUID();
  const secret = newSecret();
  const token = formatBotToken(id, secret);
  assert.deepEqual(parseBotToken(token), { botId: id, secret });
  for (
    const bad of [
      "",
      "hbot_",
      token.slice(0, -1),
      token + "x",
      token.replace("hbot_", "hbat_"),
      `hbot_${"x".repeat(36)}_${secret}`,
      `hbot_${id}-${secret}`,
      `hbot_${id}_${"!".repeat(43)}`,
    ]
  ) assert.equal(parseBotToken(bad), null, bad);
});

Deno.test("secretMatches() accepts the secret only, against its stored hash", async () => {
  const secret = newSecret();
  const stored = await hashSecret(secret);
  assert.notEqual(stored, secret);
  assert.equal(await secretMatches(secret, stored), true);
  assert.equal(await secretMatches(newSecret(), stored), false);
  assert.equal(await secretMatches(secret, "short"), false);
});
