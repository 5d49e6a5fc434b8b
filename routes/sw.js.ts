import { SERVICE_WORKER_SOURCE } from "../lib/push/service_worker.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  GET() {
    return new Response(SERVICE_WORKER_SOURCE, {
      headers: {
        "content-type": "text/javascript; charset=utf-8",
        // The worker is checked for updates on every navigation.
        "cache-control": "no-cache",
        // The worker's own policy: it may reach only this origin (its icon).
        "content-security-policy": "default-src 'self'",
        "service-worker-allowed": "/",
      },
    });
  },
});
