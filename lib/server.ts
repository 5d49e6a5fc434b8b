import { App } from "fresh";
import manifest from "../fresh.gen.ts";
import type { Config } from "./config.ts";
import { type Handler, requestIdOf, withEnvelope } from "./http/envelope.ts";
import { type HttpServer, serveHttp, type ServeInfo } from "./http/serve.ts";
import { log } from "./log.ts";
import {
  closeServices,
  closeSockets,
  openServices,
  type Services,
} from "./services.ts";
import type { State } from "../utils.ts";
import { ALONE, watchdogFor, type WorkerPlace } from "./workers/place.ts";

/** A running Hearth server. */
export interface RunningServer {
  /** The address to open, e.g. http://127.0.0.1:8000/. */
  url: string;
  port: number;
  services: Services;
  /** Stops accepting, closes sockets with 1001, waits for requests, closes KV. */
  shutdown(): Promise<void>;
}

/**
 * Builds the request handler for a set of services (usable without a
 * listening socket): the app inside the envelope that gives every response
 * its security headers, request id and log line.
 */
export async function buildHandler(
  services: Services,
): Promise<Handler<ServeInfo>> {
  const app = new App<State>({ manifest });
  // ctx.state starts empty (as in Fresh 2); the envelope chose the request id.
  app.use(function seedState(ctx) {
    ctx.state.services = services;
    ctx.state.requestId = requestIdOf(ctx.req);
    return ctx.next();
  });
  await app.init();
  return withEnvelope(app.handler());
}

/** Opens KV, builds the app and starts listening (as serving worker `place`). */
export async function startServer(
  config: Config,
  place: WorkerPlace = ALONE,
): Promise<RunningServer> {
  const services = await openServices(config, place);
  let server: HttpServer;
  try {
    const handler = await buildHandler(services);
    server = await serveHttp({
      port: config.port,
      hostname: config.host,
      limits: config.connections,
      share: place.count,
      addresses: place.addresses,
      watchdog: watchdogFor(place),
    }, handler);
  } catch (error) {
    // A missing bundle or a busy port: release KV, workers and timers first.
    await closeServices(services);
    throw error;
  }
  const addr = server.addr;
  const shown = config.host === "0.0.0.0" || config.host === "::"
    ? "localhost"
    : addr.hostname;
  const host = shown.includes(":") ? `[${shown}]` : shown;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${addr.port}/`,
    port: addr.port,
    services,
    shutdown() {
      closing ??= (async () => {
        const stopped = server.shutdown();
        // Open sockets would hold shutdown forever; tell them we are going away.
        closeSockets(services);
        await stopped;
        // KV closes only after the last in-flight request has finished with it.
        await closeServices(services);
        log("info", "stopped");
      })();
      return closing;
    },
  };
}
