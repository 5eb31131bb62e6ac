import { z } from "zod";
import { Int32 } from "../v1/primitives.js";

/** 0.3 `TaskState`, by its 0.3 string value. `unknown` exists only in 0.3. */
export const TASK_STATES = [
  "submitted",
  "working",
  "input-required",
  "completed",
  "canceled",
  "failed",
  "rejected",
  "auth-required",
  "unknown",
] as const;
export const TaskState = z.enum(TASK_STATES);
export type TaskState = z.infer<typeof TaskState>;

/** 0.3 message role. */
export const Role = z.enum(["user", "agent"]);
export type Role = z.infer<typeof Role>;

/**
 * A 0.3 `historyLength`: a non-negative integer. Decimal strings are accepted too, as in
 * 1.0, because the HTTP+JSON binding carries it as a query parameter.
 */
export const HistoryLength = Int32.pipe(z.number().min(0, "must be a non-negative integer"));

/**
 * A 0.3 timestamp: "an ISO 8601 datetime string". The spec's own examples omit the offset
 * and carry microseconds (`2025-04-02T16:59:25.331844`), so both are accepted.
 */
export const Timestamp = z.iso.datetime({
  offset: true,
  local: true,
  message: "must be an ISO 8601 datetime",
});
