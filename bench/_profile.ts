/**
 * CPU profiles of a server subprocess through its V8 inspector (the server is
 * started with `--inspect=127.0.0.1:0`): start the sampler before a phase,
 * stop it after, write the `.cpuprofile` (Chrome DevTools opens it) and list
 * the functions with the most self time.
 */

/** The inspector address Deno prints on stderr when started with `--inspect`. */
export const INSPECTOR_LINE = /Debugger listening on (ws:\/\/\S+)/;

/** A connection to one process's inspector. */
export class Inspector {
  #socket: WebSocket;
  #next = 1;
  #waiting = new Map<number, (result: unknown) => void>();
  #chunks: string[] | undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (e) => {
      const reply = JSON.parse(e.data);
      if (reply.method === "HeapProfiler.addHeapSnapshotChunk") {
        this.#chunks?.push(reply.params.chunk);
        return;
      }
      const resolve = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      resolve?.(reply.result ?? reply.error);
    };
  }

  /** Connects to the inspector at `url` (the `ws://` address it printed). */
  static open(url: string): Promise<Inspector> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.onopen = () => resolve(new Inspector(socket));
      socket.onerror = () => reject(new Error(`no inspector at ${url}`));
    });
  }

  /** Sends one protocol command and waits for its answer. */
  call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Starts sampling every `intervalUs` microseconds. */
  async start(intervalUs = 200): Promise<void> {
    await this.call("Profiler.enable");
    await this.call("Profiler.setSamplingInterval", { interval: intervalUs });
    await this.call("Profiler.start");
  }

  /** Stops sampling and returns the profile. */
  async stop(): Promise<CpuProfile> {
    const { profile } = await this.call("Profiler.stop") as {
      profile: CpuProfile;
    };
    return profile;
  }

  /** Writes a heap snapshot (DevTools' Memory tab opens it) to `file`. */
  async heapSnapshot(file: string): Promise<void> {
    this.#chunks = [];
    await this.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    await Deno.writeTextFile(file, this.#chunks.join(""));
    this.#chunks = undefined;
  }

  /** Closes the connection. */
  close(): void {
    this.#socket.close();
  }
}

/** The part of a V8 CPU profile read here. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: {
      functionName: string;
      url: string;
      lineNumber: number;
    };
    hitCount?: number;
  }[];
  samples?: number[];
}

/** The `n` functions with the most self time: share of samples, name and place. */
export function topSelf(profile: CpuProfile, n = 25): string[] {
  const byName = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*\/(node_modules|ext|lib|bench)\//, "$1/");
    const key = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
    byName.set(key, (byName.get(key) ?? 0) + hits);
    total += hits;
  }
  return [...byName].sort((a, b) => b[1] - a[1]).slice(0, n).map((
    [key, hits],
  ) => `${(100 * hits / total).toFixed(1).padStart(5)}%  ${key}`);
}
