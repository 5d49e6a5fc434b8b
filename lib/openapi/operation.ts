/**
 * How a route declares its operations for `/openapi.json`: a few lines per
 * method, the request schemas the route already validates with, a schema per
 * success status and the error codes it may answer. The common errors (401
 * without a session, 400/415/422 for a bad body or query, 429 when rate
 * limited; 403 `cross_site` on a changing method, 404 `not_found` on a path
 * with parameters) are added from the method, path, `auth`, `body`, `query`
 * and `rateLimited`.
 */
import type { z } from "zod";

/** What one success status carries: JSON, another media type, both (by `Accept`), or nothing. */
export type Success = {
  description: string;
  schema?: z.ZodType;
  media?: string;
};

/**
 * A JSON answer; `orMedia` names another type the same status answers in
 * when `Accept` asks for it (a page for a browser's navigation).
 */
export function json(
  schema: z.ZodType,
  description: string,
  orMedia?: string,
): Success {
  return orMedia ? { description, schema, media: orMedia } : {
    description,
    schema,
  };
}

/** An answer with no body. */
export function empty(description: string): Success {
  return { description };
}

/** An answer of another media type (a file, an image, a page). */
export function media(type: string, description: string): Success {
  return { description, media: type };
}

/** One method of one route. */
export interface Operation {
  /** Unique across the document: generated clients name the call after it. */
  id: string;
  summary: string;
  description?: string;
  /** `user`: a bearer token or the session cookie (401 without); `public`: anyone. */
  auth: "user" | "public";
  /** Path parameters that are more than a plain string (by `[name]` of the file). */
  path?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON body, validated by this schema. */
  body?: z.ZodType;
  /** The JSON body may be left out altogether (`requestBody.required: false`). */
  optionalBody?: boolean;
  /** The body may also be a form (`application/x-www-form-urlencoded`) of the same fields. */
  form?: boolean;
  /** A multipart body: its fields, `binary` for a file part. */
  multipart?: Record<
    string,
    { description: string; binary?: boolean; required?: boolean }
  >;
  /** Answers 429 `rate_limited` with `Retry-After` when over its limit. */
  rateLimited?: boolean;
  /** Success statuses. */
  responses: Record<number, Success>;
  /** A WebSocket's frames, each direction one union: the `x-websocket` extension. */
  frames?: { client: z.ZodType; server: z.ZodType };
  /** Error statuses beyond the common ones, each with the codes it may carry. */
  errors?: Record<number, string[]>;
}

/** The HTTP methods a route module may handle. */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Every method of one route file. */
export type RouteOperations = Partial<Record<Method, Operation>>;

/**
 * The registry: route files (as the manifest names them, e.g.
 * `channels/[id]/messages.ts`) to their operations, or to the reason the file
 * is not in the document (a page, the service worker).
 */
export type OperationRegistry = Record<string, RouteOperations | string>;
