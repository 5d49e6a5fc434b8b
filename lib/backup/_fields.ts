/**
 * The field bounds every backup record schema shares. Ids and names end up in
 * KV keys, which hold at most 2 KiB; these bounds keep every key far below
 * that and refuse nonsense early.
 */
import { z } from "zod";

/** An id. */
export const id = z.string().min(1).max(200);
/** A time (ISO 8601). */
export const time = z.string().min(1).max(64);
/** A count, 0 or more. */
export const count = z.int().min(0);
/** A message seq, 1 or more. */
export const seq = z.int().min(1);
