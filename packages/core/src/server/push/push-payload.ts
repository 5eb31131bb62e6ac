import type { PushConfigRecord } from "../../ports/push-config-store.js";
import * as convert from "../../wire/convert/index.js";
import type { Task } from "../../wire/v1/index.js";
import type { StreamResponse } from "../../wire/v1/responses.js";

const encoder = new TextEncoder();

/** What one delivery sends: the exact body bytes and the headers. */
export interface PushMessage {
  body: Uint8Array;
  headers: Record<string, string>;
}

/**
 * The id of the delivery of event `seq` of a task: the same for every attempt, so receivers
 * can drop duplicates (at-least-once delivery may repeat one). The form of SSE event ids.
 */
export function deliveryId(taskId: string, seq: number): string {
  return `${taskId}:${seq}`;
}

/**
 * A delivery of event `seq` to a config. 1.0 configs get the event as streams send it (spec
 * §4.3.3, a `StreamResponse`); configs created through 0.3 get what 0.3 peers expect, the
 * task as it stands after the event (0.3 JSON shape; `task`), as the 0.3 reference SDKs send.
 */
export function pushMessage(
  record: PushConfigRecord,
  seq: number,
  event: StreamResponse,
  task: Task | undefined,
): PushMessage {
  const { config } = record;
  const json =
    record.payload === "0.3" && task
      ? JSON.stringify(convert.taskToV03(task))
      : JSON.stringify(event);
  const headers: Record<string, string> = {
    "content-type": record.payload === "0.3" ? "application/json" : "application/a2a+json",
    "a2a-notification-id": deliveryId(config.taskId, seq),
  };
  const auth = config.authentication;
  if (auth?.credentials !== undefined) {
    // Schemes are case-insensitive (RFC 9110 §11.1); bearer is sent as its usual spelling.
    const scheme = auth.scheme.toLowerCase() === "bearer" ? "Bearer" : auth.scheme;
    headers.authorization = `${scheme} ${auth.credentials}`;
  }
  if (config.token) headers["x-a2a-notification-token"] = config.token;
  return { body: encoder.encode(json), headers };
}
