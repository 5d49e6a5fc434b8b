import { createDefine } from "fresh";
import type { Session } from "./lib/auth/session.ts";
import type { Services } from "./lib/services.ts";

/** Per-request state shared by middlewares, handlers and pages. */
export interface State {
  services: Services;
  /** Echoed as `X-Request-Id` and printed with every error, to match logs to reports. */
  requestId: string;
  /** Who is asking: set by the root middleware, null when nobody signed in. */
  session?: Session | null;
}

/** Typed `define.handlers`, `define.page` and `define.middleware` for Hearth. */
export const define = createDefine<State>();
