/**
 * Applying the shared rules: a failed schema becomes the app's one 422, with
 * a detail that names the field. HTTP bodies, queries, upload fields and the
 * data layer's own invariant checks all report through here.
 */
import type { z } from "zod";
import { ApiError } from "./errors.ts";

/** Parses `value` with `schema`, or throws a 422 `validation_failed` naming the first bad field. */
export function validate<T extends z.ZodType>(
  value: unknown,
  schema: T,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ApiError(
    422,
    "validation_failed",
    describeIssues(result.error.issues.slice(0, 1)),
  );
}

/** Joins zod issues into one detail, each prefixed with its field's path. */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
): string {
  if (issues.length === 0) return "The request is not valid";
  return issues.map((issue) => {
    const field = issue.path.map(String).join(".");
    return field ? `${field}: ${issue.message}` : issue.message;
  }).join("; ");
}
