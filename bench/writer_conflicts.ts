/**
 * Do serving workers that post into one channel get in each other's way?
 * Each writer is a Web Worker with its own KV handle on one database file (as
 * `--workers N` runs them) posting through lib/db's group commit; a commit
 * whose check fails (another handle moved the channel's counter first) is
 * retried. Alternates 1 writer with `--senders` concurrent posters,
 * `--writers` writers sharing the same number of posters, and the same
 * writers routing every post to one owner of the channel (over a MessagePort,
 * the hop one writer per channel would add), and the same writers taking
 * turns per channel (lib/db/commit_turns.ts, what `--workers` runs), and
 * prints posts/s, posts per commit and failed commits per post. A run whose
 * posts fail (409 after every retry lost) says so.
 *
 *   deno run -A bench/writer_conflicts.ts [--writers 2] [--senders 10]
 *     [--per-sender 200] [--repeat 3]
 */
import { parseArgs } from "node:util";
import { loadAverage, machine, randomSecret, seed } from "./_hearth.ts";
import type { WriterJob, WriterResult } from "./_writer_conflicts_worker.ts";
import { newCommitTurns } from "../lib/db/commit_turns.ts";

/** How the writers share the channel. */
type Mode = "race" | "routed" | "turns";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    // Routed runs take 2 (one owner, one forwarder).
    writers: { type: "string", default: "2" },
    senders: { type: "string", default: "10" },
    "per-sender": { type: "string", default: "200" },
    repeat: { type: "string", default: "3" },
  },
});
const WRITERS = Number(values.writers);
const SENDERS = Number(values.senders);
const PER_SENDER = Number(values["per-sender"]);

const dir = await Deno.makeTempDir({ prefix: "hearth-writer-conflicts-" });
const db = `${dir}/hearth.db`;
const seeded = await seed(db, 1, randomSecret(), true);
const user = seeded.users[0];
const author = {
  id: user.id,
  username: user.username,
  displayName: user.displayName,
};

async function run(
  writers: number,
  mode: Mode,
): Promise<WriterResult | string> {
  const routed = mode === "routed";
  const turns = mode === "turns" ? newCommitTurns() : undefined;
  const startAt = Date.now() + 1500;
  // Routed: writer 0 owns the channel; every other writer reaches it on a port.
  const ports = Array.from(
    { length: writers },
    (_, w) => routed && w > 0 ? new MessageChannel() : null,
  );
  const settled = await Promise.allSettled(
    Array.from({ length: writers }, (_, w) => {
      const worker = new Worker(
        new URL("./_writer_conflicts_worker.ts", import.meta.url),
        { type: "module" },
      );
      // Posters split as evenly as they go; the total stays the same.
      const senders = Math.floor(SENDERS / writers) +
        (w < SENDERS % writers ? 1 : 0);
      return new Promise<WriterResult>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent<WriterResult>) => {
          worker.terminate();
          resolve(e.data);
        };
        worker.onerror = (e) => {
          e.preventDefault();
          worker.terminate();
          reject(new Error(e.message));
        };
        const job: WriterJob = {
          db,
          channelId: seeded.channelId!,
          author,
          senders,
          perSender: PER_SENDER,
          startAt,
        };
        if (turns) job.turns = turns;
        const own = ports[w];
        if (own) job.route = { role: "forwarder", port: own.port2 };
        // One owner per forwarder keeps the sketch simple: with 2 writers, one.
        const owned = ports.find((p) => p !== null);
        if (w === 0 && owned) job.route = { role: "owner", port: owned.port1 };
        const transfer = job.route ? [job.route.port] : [];
        worker.postMessage(job, transfer);
      });
    }),
  );
  const failures = settled.flatMap((r) =>
    r.status === "rejected" ? [String(r.reason)] : []
  );
  if (failures.length > 0) return `posts failed: ${failures.join("; ")}`;
  const results = settled.map((r) =>
    (r as PromiseFulfilledResult<WriterResult>).value
  );
  return {
    posts: results.reduce((s, r) => s + r.posts, 0),
    commits: results.reduce((s, r) => s + r.commits, 0),
    failed: results.reduce((s, r) => s + r.failed, 0),
    ms: Math.max(...results.map((r) => r.ms)),
  };
}

const LABELS: Record<Mode, string> = {
  race: "",
  routed: ", routed to one",
  turns: ", taking turns",
};

const line = (writers: number, r: WriterResult | string, mode: Mode) =>
  typeof r === "string"
    ? `${writers} writer(s)${LABELS[mode]}: ${r}`
    : `${writers} writer(s)${LABELS[mode]}: ${
      Math.round(r.posts / (r.ms / 1000))
    } posts/s, ` +
      `${(r.posts / (r.commits - r.failed)).toFixed(1)} posts per commit, ` +
      `${(r.failed / r.posts).toFixed(3)} failed commits per post ` +
      `(${r.failed} of ${r.commits})`;

console.log(`${new Date().toISOString()} ${await machine()}`);
console.log(
  `${SENDERS} posters in all, ${PER_SENDER} posts each, one channel`,
);
try {
  for (let i = 0; i < Number(values.repeat); i++) {
    console.log(`${await loadAverage()}`);
    console.log(line(1, await run(1, "race"), "race"));
    for (const mode of ["race", "routed", "turns"] as const) {
      console.log(line(WRITERS, await run(WRITERS, mode), mode));
    }
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
