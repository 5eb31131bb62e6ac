import { isInterrupted, isTerminal, type TaskState } from "../wire/v1/index.js";
import type { StreamResponse } from "../wire/v1/responses.js";

/** Where a stream of a task's events ends. */
export interface StreamEnd {
  /** Whether the stream ends after this event. */
  isLast(payload: StreamResponse): boolean;
  /** Whether a task in this state has nothing more for the stream. */
  endsIn(state: TaskState): boolean;
}

/** A send stream ends where the task pauses or finishes, or an agent message answers (spec §11.7). */
const paused = (state: TaskState) => isTerminal(state) || isInterrupted(state);

export const untilPause: StreamEnd = {
  isLast: (payload) =>
    "message" in payload
      ? payload.message.role !== "ROLE_USER"
      : "statusUpdate" in payload && paused(payload.statusUpdate.status.state),
  endsIn: paused,
};

/** A 1.0 subscription ends only when the task finishes (spec §3.1.6). */
export const untilTerminal: StreamEnd = {
  isLast: (payload) => "statusUpdate" in payload && isTerminal(payload.statusUpdate.status.state),
  endsIn: isTerminal,
};
