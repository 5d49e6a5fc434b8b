/**
 * The OpenAPI 3.1 document of Hearth's HTTP API and channel socket, built from
 * the operation registry: request schemas are the ones routes validate with,
 * answers and frames the ones lib/shared infers its types from.
 */
import {
  Components,
  type JsonSchema,
  parameterSchemas,
  refTo,
} from "./components.ts";
import type { Operation } from "./operation.ts";
import { OPERATIONS, pathOfRouteFile } from "./registry.ts";

const ERROR_CONTENT = "application/json";

/** The errors every operation of a kind may answer, by status. */
function commonErrors(
  op: Operation,
  method: string,
  path: string,
): Record<number, string[]> {
  const errors: Record<number, string[]> = {};
  const add = (status: number, ...codes: string[]) => {
    errors[status] = [...new Set([...(errors[status] ?? []), ...codes])];
  };
  if (op.auth === "user") add(401, "unauthorized");
  // The session cookie is refused on a changing request from another site.
  if (method !== "GET") add(403, "cross_site");
  // A path whose parameters match no route at all.
  if (path.includes("{")) add(404, "not_found");
  if (op.body) {
    add(400, "malformed_json", "bad_encoding");
    add(413, "payload_too_large");
    add(415, "unsupported_media_type");
    add(422, "validation_failed");
  }
  if (op.query || op.path) add(422, "validation_failed");
  if (op.rateLimited) add(429, "rate_limited");
  for (const [status, codes] of Object.entries(op.errors ?? {})) {
    add(Number(status), ...codes);
  }
  return errors;
}

function errorResponse(status: number, codes: string[]): JsonSchema {
  const response: JsonSchema = {
    description: `Refused: ${codes.join(", ")}`,
    content: {
      [ERROR_CONTENT]: {
        schema: {
          allOf: [refTo("Error"), {
            type: "object",
            properties: { code: { type: "string", enum: codes } },
          }],
        },
      },
    },
  };
  if (status === 429) {
    response.headers = {
      "Retry-After": {
        description: "Whole seconds to wait",
        schema: { type: "integer" },
      },
    };
  }
  return response;
}

function requestBody(
  op: Operation,
  name: string,
  components: Components,
): JsonSchema | undefined {
  if (op.body) {
    const schema = components.request(op.body, `${name}Body`);
    const content: JsonSchema = { "application/json": { schema } };
    if (op.form) content["application/x-www-form-urlencoded"] = { schema };
    return { required: !op.optionalBody, content };
  }
  if (!op.multipart) return undefined;
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [field, part] of Object.entries(op.multipart)) {
    properties[field] = part.binary
      ? { type: "string", format: "binary", description: part.description }
      : { type: "string", description: part.description };
    if (part.required) required.push(field);
  }
  return {
    required: true,
    content: {
      "multipart/form-data": {
        schema: { type: "object", properties, required },
      },
    },
  };
}

function operationObject(
  op: Operation,
  method: string,
  path: string,
  components: Components,
): JsonSchema {
  const name = op.id[0].toUpperCase() + op.id.slice(1);
  const parameters: JsonSchema[] = [];
  const typed = op.path ? parameterSchemas(op.path) : [];
  for (const [, param] of path.matchAll(/\{([^}]+)\}/g)) {
    const schema = typed.find((p) => p.name === param)?.schema ??
      { type: "string" };
    parameters.push({ name: param, in: "path", required: true, schema });
  }
  for (const param of op.query ? parameterSchemas(op.query) : []) {
    parameters.push({ ...param, in: "query" });
  }
  const responses: JsonSchema = {};
  for (const [status, success] of Object.entries(op.responses)) {
    const response: JsonSchema = { description: success.description };
    const content: JsonSchema = {};
    if (success.schema) {
      const schema = components.answer(success.schema, `${name}Response`);
      content["application/json"] = { schema };
    }
    if (success.media) content[success.media] = {};
    if (Object.keys(content).length > 0) response.content = content;
    responses[status] = response;
  }
  for (
    const [status, codes] of Object.entries(commonErrors(op, method, path))
  ) {
    responses[status] = errorResponse(Number(status), codes);
  }
  responses.default = {
    description: "Any other refusal or a server fault",
    content: { [ERROR_CONTENT]: { schema: refTo("Error") } },
  };
  const object: JsonSchema = {
    operationId: op.id,
    summary: op.summary,
    tags: [path.split("/")[1]],
    security: op.auth === "user"
      ? [{ bearer: [] }, { bot: [] }, { cookie: [] }]
      : [],
    parameters,
    responses,
  };
  if (op.description) object.description = op.description;
  const body = requestBody(op, name, components);
  if (body) object.requestBody = body;
  if (op.frames) {
    object["x-websocket"] = {
      description:
        "JSON text frames; each direction is one union keyed by type",
      clientFrames: components.request(op.frames.client, `${name}Client`),
      serverFrames: components.answer(op.frames.server, `${name}Server`),
    };
  }
  return object;
}

/** Builds the whole document; `version` is Hearth's. */
export function buildDocument(version: string): JsonSchema {
  const components = new Components();
  const paths: Record<string, JsonSchema> = {};
  for (const [file, entry] of Object.entries(OPERATIONS)) {
    if (typeof entry === "string") continue;
    const path = pathOfRouteFile(file);
    const item: JsonSchema = {};
    for (const [method, op] of Object.entries(entry)) {
      item[method.toLowerCase()] = operationObject(
        op,
        method,
        path,
        components,
      );
    }
    paths[path] = item;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Hearth",
      version,
      description:
        "A self-hosted group chat. Errors are always {detail, code}. The channel socket's frames are under x-websocket of GET /ws/channels/{id}.",
    },
    paths: Object.fromEntries(
      Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)),
    ),
    components: {
      schemas: components.schemas(),
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        // A bot's token goes under its own scheme word, which no http
        // scheme names: the header is described as a key.
        bot: {
          type: "apiKey",
          in: "header",
          name: "Authorization",
          description: "A bot's API token: Authorization: Bot <token>",
        },
        cookie: { type: "apiKey", in: "cookie", name: "hearth_token" },
      },
    },
  };
}
