/**
 * Turns zod schemas into the document's `components.schemas` with zod's own
 * JSON Schema output (2020-12, what OpenAPI 3.1 uses). Requests are described
 * as they are accepted (`io: "input"`: before trimming and other transforms),
 * answers as they are sent (`io: "output"`: no keys beyond those listed).
 */
import { z } from "zod";
import * as admin from "../shared/admin_schemas.ts";
import * as frames from "../shared/frame_schemas.ts";
import * as integrations from "../shared/integration_schemas.ts";
import * as responses from "../shared/response_schemas.ts";
import * as wire from "../shared/wire_schemas.ts";

type Registry = z.core.$ZodRegistry<{ id: string }>;

/** A JSON Schema object, loosely typed. */
export type JsonSchema = Record<string, unknown>;

/** Where a named schema is found in the document. */
export function refTo(id: string): JsonSchema {
  return { $ref: `#/components/schemas/${id}` };
}

/** Collects the named schemas of one document; `schemas()` converts them all at once. */
export class Components {
  #requests: Registry = z.registry<{ id: string }>();
  #answers: Registry = z.registry<{ id: string }>();

  /** Starts with every schema of lib/shared that names itself (`.meta({id})`). */
  constructor() {
    for (const module of [wire, responses, integrations, frames, admin]) {
      for (const value of Object.values(module)) {
        if (!(value instanceof z.ZodType)) continue;
        const id = z.globalRegistry.get(value)?.id;
        if (!id) continue;
        // Client frames are requests: described as accepted.
        const registry = id.startsWith("Client")
          ? this.#requests
          : this.#answers;
        registry.add(value, { id });
      }
    }
  }

  /** A `$ref` to a request schema, named `fallback` unless it names itself. */
  request(schema: z.ZodType, fallback: string): JsonSchema {
    return refTo(this.#name(this.#requests, schema, fallback));
  }

  /** A `$ref` to an answer schema; an array of a named schema is `<Name>List`. */
  answer(schema: z.ZodType, fallback: string): JsonSchema {
    if (schema instanceof z.ZodArray) {
      const item = this.#answers.get(schema.element as z.ZodType)?.id;
      // Every array of one named schema is the same list.
      if (item && this.#answers._idmap.has(`${item}List`)) {
        return refTo(`${item}List`);
      }
      if (item) fallback = `${item}List`;
    }
    return refTo(this.#name(this.#answers, schema, fallback));
  }

  #name(registry: Registry, schema: z.ZodType, fallback: string): string {
    const known = registry.get(schema)?.id ??
      z.globalRegistry.get(schema)?.id;
    if (known) {
      if (!registry.has(schema)) registry.add(schema, { id: known });
      return known;
    }
    if (registry._idmap.has(fallback)) {
      throw new Error(`Two different schemas are both named ${fallback}`);
    }
    registry.add(schema, { id: fallback });
    return fallback;
  }

  /** Every collected schema as JSON Schema, requests as accepted and answers as sent. */
  schemas(): Record<string, JsonSchema> {
    const uri = (id: string) => `#/components/schemas/${id}`;
    const convert = (registry: Registry, io: "input" | "output") =>
      z.toJSONSchema(registry, { io, uri, unrepresentable: "any" })
        .schemas as Record<string, JsonSchema>;
    const all = {
      ...convert(this.#answers, "output"),
      ...convert(this.#requests, "input"),
    };
    for (const schema of Object.values(all)) {
      delete schema.$schema;
      delete schema.$id;
    }
    return Object.fromEntries(
      Object.entries(all).sort(([a], [b]) => a.localeCompare(b)),
    );
  }
}

/** The properties of an object schema as accepted, for query and path parameters. */
export function parameterSchemas(
  schema: z.ZodObject,
): { name: string; required: boolean; schema: JsonSchema }[] {
  const json = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}
