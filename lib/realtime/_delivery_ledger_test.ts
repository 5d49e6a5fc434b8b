import assert from "node:assert/strict";
import { makeMessage } from "./_test_helpers.ts";
import { messageEvent, typingEvent, updateEvent } from "./hub_events.ts";
import { DeliveryLedger } from "./_delivery_ledger.ts";

Deno.test("DeliveryLedger admits each message once, in any order, and each change once", () => {
  const ledger = new DeliveryLedger();
  const at = (seq: number, rev = seq) => ({ ...makeMessage("c", seq), rev });
  assert.equal(ledger.admit("c", messageEvent(at(2))), true);
  assert.equal(ledger.admit("c", messageEvent(at(1))), true, "late, not lost");
  assert.equal(ledger.admit("c", messageEvent(at(2))), false);
  assert.equal(ledger.admit("c", messageEvent(at(1))), false);
  assert.equal(ledger.admit("other", messageEvent(at(1))), true);
  // A change: once per rev, and never after a later one.
  assert.equal(ledger.admit("c", updateEvent(at(1, 5))), true);
  assert.equal(ledger.admit("c", updateEvent(at(1, 5))), false);
  assert.equal(ledger.admit("c", updateEvent(at(1, 4))), false);
  assert.equal(ledger.admit("c", updateEvent(at(1, 6))), true);
  // A message read back already changed counts for that change too.
  assert.equal(ledger.admit("c", messageEvent(at(3, 9))), true);
  assert.equal(ledger.admit("c", updateEvent(at(3, 9))), false);
  // Other events are not its business.
  const typing = typingEvent({ id: "u" });
  assert.equal(ledger.admit("c", typing), true);
  assert.equal(ledger.admit("c", typing), true);
  ledger.forget("c");
  assert.equal(ledger.admit("c", messageEvent(at(2))), true);
});

Deno.test("DeliveryLedger stays bounded over a long run", () => {
  const ledger = new DeliveryLedger();
  for (let seq = 1; seq <= 20_000; seq++) {
    assert.equal(ledger.admit("c", messageEvent(makeMessage("c", seq))), true);
  }
  // Far below the window counts as delivered.
  assert.equal(ledger.admit("c", messageEvent(makeMessage("c", 5))), false);
  assert.equal(
    ledger.admit("c", messageEvent(makeMessage("c", 19_999))),
    false,
  );
});
