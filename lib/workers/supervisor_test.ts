import assert from "node:assert/strict";
import { parseConfig } from "../config.ts";
import { withDeadline } from "../../tests/helpers/deadline.ts";
import { startWorkers } from "./supervisor.ts";

function configOf(args: string[]) {
  const parsed = parseConfig(args, () => undefined);
  if (parsed.kind !== "serve") throw new Error(JSON.stringify(parsed));
  return parsed.config;
}

Deno.test("a serving worker that fails is reported, and the others still stop", async () => {
  const workers = await startWorkers(
    configOf(["--workers", "2", "--db", "/tmp/unused.db"]),
    new URL("./_failing_worker.ts", import.meta.url),
  );
  const error = await withDeadline(workers.failed, 10_000, "the failure");
  assert.match(error.message, /serving worker 1 failed: .*worker 1 broke/);
  await withDeadline(workers.shutdown(), 30_000, "stopping the workers");
});

Deno.test("startWorkers() fails, and leaves nothing running, when a worker cannot listen", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dir = await Deno.makeTempDir({ prefix: "hearth-supervisor-" });
  try {
    await assert.rejects(
      withDeadline(
        startWorkers(configOf([
          "--workers",
          "2",
          "--host",
          "127.0.0.1",
          "--port",
          String(taken.addr.port),
          "--db",
          `${dir}/hearth.db`,
        ])),
        60_000,
        "starting on a busy port",
      ),
      /in use|EADDRINUSE/i,
    );
  } finally {
    taken.close();
    await Deno.remove(dir, { recursive: true });
  }
});
