/**
 * Parsing of the frames a client sends on a channel socket. The frame schemas
 * live in `lib/shared/frame_schemas.ts` and the field rules in
 * `lib/shared/fields.ts`, shared with HTTP; this module only applies them to socket text.
 */
import { clientIdSchema } from "../shared/fields.ts";
import { clientFrameSchemas } from "../shared/frame_schemas.ts";
import { MAX_FRAME_BYTES } from "../shared/limits.ts";
import { utf8ByteLength } from "../shared/text.ts";
import type { ClientFrame } from "../shared/wire.ts";
import { describeIssues } from "../validation.ts";

/** Result of {@linkcode parseClientFrame}: a typed frame, or an error to send back. */
export type ParseResult =
  | { ok: true; frame: ClientFrame }
  | { ok: false; code: string; detail: string; clientId?: string };

/** Parses one client text frame; never throws, so bad input cannot kill a socket. */
export function parseClientFrame(text: string): ParseResult {
  // The cheap bound first: UTF-8 is never shorter than UTF-16 code units.
  if (text.length > MAX_FRAME_BYTES || utf8ByteLength(text) > MAX_FRAME_BYTES) {
    return fail(
      "frame_too_large",
      `Frame is larger than ${MAX_FRAME_BYTES} bytes`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fail("invalid_json", "Frame is not valid JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return fail("invalid_frame", "Frame must be a JSON object");
  }
  const type = (data as { type?: unknown }).type;
  if (typeof type !== "string") {
    return fail("invalid_frame", `Frame has no string "type"`);
  }
  if (!Object.hasOwn(clientFrameSchemas, type)) {
    return fail(
      "unknown_frame_type",
      `Unknown frame type ${JSON.stringify(type.slice(0, 40))}`,
    );
  }
  const schema = clientFrameSchemas[type as ClientFrame["type"]];
  const result = schema.safeParse(data);
  if (!result.success) {
    // The refusal names the frame by its clientId, when that much is valid.
    const clientId = clientIdSchema.safeParse(
      (data as { clientId?: unknown }).clientId,
    );
    return fail(
      "validation_failed",
      describeIssues(result.error.issues),
      clientId.success ? clientId.data : undefined,
    );
  }
  return { ok: true, frame: result.data as ClientFrame };
}

function fail(code: string, detail: string, clientId?: string): ParseResult {
  return clientId === undefined
    ? { ok: false, code, detail }
    : { ok: false, code, detail, clientId };
}
