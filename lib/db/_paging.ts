import { ApiError } from "../errors.ts";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../shared/limits.ts";

/** A page size: 50 when not given, at most 200; 422 for a negative or fractional one. */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new ApiError(
      422,
      "validation_failed",
      "limit must be a non-negative integer",
    );
  }
  // 0 would mean "no limit" to kv.list, so the smallest page is one message.
  return Math.min(Math.max(limit, 1), MAX_PAGE_SIZE);
}
