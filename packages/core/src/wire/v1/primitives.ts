import { z } from "zod";

/** `google.protobuf.Struct`: a JSON object with arbitrary values. */
export const Struct = z.record(z.string(), z.unknown());

/** `google.protobuf.Timestamp` in ProtoJSON: RFC 3339 / ISO 8601 in UTC (`Z`). */
export const Timestamp = z.iso.datetime({ message: "must be an ISO 8601 UTC timestamp" });

/**
 * ProtoJSON `int32`: a JSON number or a decimal string, within int32 range.
 * Both forms are valid ProtoJSON, so both are accepted.
 */
export const Int32 = z
  .union([z.number(), z.string().regex(/^-?\d+$/, "must be an integer")])
  .transform((v) => (typeof v === "string" ? Number(v) : v))
  .pipe(
    z
      .number()
      .int("must be an integer")
      .min(-2147483648, "must fit in int32")
      .max(2147483647, "must fit in int32"),
  );

/** ProtoJSON `bytes`: standard or URL-safe base64. */
export const Bytes = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, "must be base64");

/** A non-empty string, for fields the proto marks REQUIRED. */
export const RequiredString = z.string().min(1, "is required");

export const TASK_STATES = [
  "TASK_STATE_SUBMITTED",
  "TASK_STATE_WORKING",
  "TASK_STATE_COMPLETED",
  "TASK_STATE_FAILED",
  "TASK_STATE_CANCELED",
  "TASK_STATE_INPUT_REQUIRED",
  "TASK_STATE_REJECTED",
  "TASK_STATE_AUTH_REQUIRED",
] as const;

/** `TaskState`, by name. `TASK_STATE_UNSPECIFIED` is not a state a task can be in. */
export const TaskState = z.enum(TASK_STATES);
export type TaskState = z.infer<typeof TaskState>;

/**
 * `ListTasks`' state filter: a state, or `TASK_STATE_UNSPECIFIED` (the proto default, and
 * so what a client that sets no filter may send), which means no filter.
 */
export const TaskStateFilter = z
  .union([TaskState, z.literal("TASK_STATE_UNSPECIFIED")])
  .transform((state) => (state === "TASK_STATE_UNSPECIFIED" ? undefined : state));

/** `Role`, by name. */
export const Role = z.enum(["ROLE_USER", "ROLE_AGENT"]);
export type Role = z.infer<typeof Role>;

/** States after which a task accepts no further messages or events. */
export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set([
  "TASK_STATE_COMPLETED",
  "TASK_STATE_FAILED",
  "TASK_STATE_CANCELED",
  "TASK_STATE_REJECTED",
]);

/** States in which the agent waits for the client. */
export const INTERRUPTED_STATES: ReadonlySet<TaskState> = new Set([
  "TASK_STATE_INPUT_REQUIRED",
  "TASK_STATE_AUTH_REQUIRED",
]);

export function isTerminal(state: TaskState): boolean {
  return TERMINAL_STATES.has(state);
}

export function isInterrupted(state: TaskState): boolean {
  return INTERRUPTED_STATES.has(state);
}
