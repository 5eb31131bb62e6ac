import type * as v1 from "../v1/index.js";
import type * as v03 from "../v03/index.js";

const TO_V03 = {
  TASK_STATE_SUBMITTED: "submitted",
  TASK_STATE_WORKING: "working",
  TASK_STATE_COMPLETED: "completed",
  TASK_STATE_FAILED: "failed",
  TASK_STATE_CANCELED: "canceled",
  TASK_STATE_INPUT_REQUIRED: "input-required",
  TASK_STATE_REJECTED: "rejected",
  TASK_STATE_AUTH_REQUIRED: "auth-required",
} as const satisfies Record<v1.TaskState, v03.TaskState>;

const FROM_V03: Partial<Record<v03.TaskState, v1.TaskState>> = Object.fromEntries(
  Object.entries(TO_V03).map(([v1State, v03State]) => [v03State, v1State]),
);

/** A 1.0 task state as its 0.3 value (`TASK_STATE_INPUT_REQUIRED` -> `input-required`). */
export function taskStateToV03(state: v1.TaskState): v03.TaskState {
  return TO_V03[state];
}

/**
 * A 0.3 task state as its 1.0 value. 0.3 `unknown` has no 1.0 counterpart
 * (`TASK_STATE_UNSPECIFIED` is not a state a task can be in), so it throws: a server never
 * reads a task state from a 0.3 client, and a client has no honest state to put there.
 */
export function taskStateFromV03(state: v03.TaskState): v1.TaskState {
  const mapped = FROM_V03[state];
  if (mapped === undefined) {
    throw new Error(`0.3 task state "${state}" has no A2A 1.0 equivalent`);
  }
  return mapped;
}
