import { jsonOf } from "../../wire/task-json.js";
import type { StreamResponse } from "../../wire/v1/responses.js";

/**
 * An event's size as JSON, in bytes, for bounding what waits for a reader: serialised once
 * whoever asks (the store and the bindings reuse the text); 0 when it cannot be, and each
 * stream that tries to send it ends with an error event.
 */
export function payloadBytes(payload: StreamResponse): number {
  try {
    return jsonOf(payload).length;
  } catch {
    return 0;
  }
}
