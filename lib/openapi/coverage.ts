/**
 * What the registry lacks for a manifest's routes, each gap one sentence that
 * names the route file, path and method, so a route added without its
 * operations fails tests/openapi_test.ts with what to write and where.
 */
import type { OperationRegistry } from "./operation.ts";
import { pathOfRouteFile } from "./registry.ts";

const WHERE = "lib/openapi/operations/ (README: OpenAPI document)";

/** The methods a route module handles: its handler object's keys, or GET for a page. */
export function methodsOf(mod: { handler?: unknown }): string[] {
  const handler = mod.handler;
  return handler && typeof handler === "object" && !Array.isArray(handler)
    ? Object.keys(handler)
    : ["GET"];
}

/** Every gap between `routes` (the manifest's) and `operations`, sorted; none when covered. */
export function documentationGaps(
  routes: Record<string, { handler?: unknown }>,
  operations: OperationRegistry,
): string[] {
  const gaps: string[] = [];
  const files = Object.keys(routes).filter((file) =>
    !file.split("/").some((part) => part.startsWith("_"))
  );
  for (const file of files) {
    const entry = operations[file];
    const path = pathOfRouteFile(file);
    if (entry === undefined) {
      gaps.push(`routes/${file} (${path}) has no entry in ${WHERE}`);
      continue;
    }
    if (typeof entry === "string") continue;
    const methods = methodsOf(routes[file]);
    for (const method of methods) {
      if (!(method in entry)) {
        gaps.push(`${method} ${path} (routes/${file}) has no operation`);
      }
    }
    for (const method of Object.keys(entry)) {
      if (!methods.includes(method)) {
        gaps.push(
          `${method} ${path} is documented but routes/${file} does not handle it`,
        );
      }
    }
  }
  for (const file of Object.keys(operations)) {
    if (!files.includes(file)) {
      gaps.push(`${WHERE} has an entry for routes/${file}, which is no route`);
    }
  }
  return gaps.sort();
}
