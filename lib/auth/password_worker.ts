/** Worker that runs bcrypt off the main thread for `PasswordHasher`. */
import bcrypt from "bcryptjs";

/** Work for the worker: hash a password, or compare one with a hash. */
export type PasswordTask =
  | { op: "hash"; password: string; cost: number }
  | { op: "verify"; password: string; hash: string };

/** A task as posted to the worker, tagged so the answer can be matched. */
export type PasswordJob = PasswordTask & { id: number };

/** The worker's answer to a job with the same `id`. */
export type PasswordResult =
  | { id: number; ok: true; value: string | boolean }
  | { id: number; ok: false; error: string };

// The project's compiler libs describe a window, not a worker scope, so the
// two members used here are typed by hand.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<PasswordJob>) => void) | null;
  postMessage(message: PasswordResult): void;
};

function run(job: PasswordJob): string | boolean {
  // The synchronous variants are right here: this thread does nothing else,
  // and the async ones only add timer hops.
  if (job.op === "hash") return bcrypt.hashSync(job.password, job.cost);
  return bcrypt.compareSync(job.password, job.hash);
}

scope.onmessage = (event) => {
  const job = event.data;
  try {
    scope.postMessage({ id: job.id, ok: true, value: run(job) });
  } catch (err) {
    // An uncaught error would tear down the worker and surface on the main
    // thread; answering keeps the pool slot usable.
    const error = err instanceof Error ? err.message : String(err);
    scope.postMessage({ id: job.id, ok: false, error });
  }
};
