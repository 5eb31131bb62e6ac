import { errors } from "../errors/a2a-error.js";

/**
 * What the SSE `id` of each of a task's events starts with: event `seq` is
 * `<prefix><seq>`, that is `<taskId>:<seq>`. Clients treat it as opaque and send it back as
 * `Last-Event-ID` to resume. `undefined` for a task id SSE cannot carry (CR, LF, NUL): its
 * events go without ids.
 */
export function eventIdPrefix(taskId: string): string | undefined {
  return /[\r\n\0]/.test(taskId) ? undefined : `${taskId}:`;
}

/** Where a resumed stream picks up: after event `seq` of task `taskId`. */
export interface EventCursor {
  taskId: string;
  seq: number;
}

/** Reads a `Last-Event-ID`; throws InvalidParams for one this server cannot have sent. */
export function parseEventId(text: string): EventCursor {
  const colon = text.lastIndexOf(":");
  const seq = colon > 0 ? text.slice(colon + 1) : "";
  if (!/^\d{1,15}$/.test(seq)) {
    throw errors.invalidParams([
      { field: "Last-Event-ID", description: "is not an event id this server sent" },
    ]);
  }
  return { taskId: text.slice(0, colon), seq: Number(seq) };
}
