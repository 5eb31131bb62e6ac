import { isInterrupted, isTerminal } from "../wire/v1/index.js";
import type { StreamResponse } from "../wire/v1/responses.js";

/** A send stream ends where the task pauses or finishes (spec §11.7). */
export function endsAtPause(payload: StreamResponse): boolean {
  if ("message" in payload) return true;
  if (!("statusUpdate" in payload)) return false;
  const { state } = payload.statusUpdate.status;
  return isTerminal(state) || isInterrupted(state);
}

/** A 1.0 subscription ends only when the task finishes (spec §3.1.6). */
export function endsAtTerminal(payload: StreamResponse): boolean {
  return "statusUpdate" in payload && isTerminal(payload.statusUpdate.status.state);
}
