import type { TaskKey } from "@a2a-mount/core";

/**
 * What the store tells other instances of each appended event, through NOTIFY: the task's
 * key and the event's number, then, when it fits under PostgreSQL's 8000-byte payload limit,
 * the event's JSON (listeners then need not read it back).
 */
export interface LogNotification {
  key: TaskKey;
  seq: number;
  json: string | undefined;
}

/** Payloads stay under PostgreSQL's limit of 8000 bytes, with room to spare. */
const MAX_PAYLOAD_BYTES = 7900;

export function encodeNotification(key: TaskKey, seq: number, json: string | undefined): string {
  // JSON.stringify never writes a raw newline, so the first one ends the header.
  const header = JSON.stringify([key.tenant, key.owner, key.taskId, seq]);
  // Without the event (several were written at once), listeners read what they missed.
  if (json === undefined) return header;
  const withEvent = `${header}\n${json}`;
  // Counted in UTF-16 units first: each is at most 3 bytes of UTF-8.
  if (withEvent.length * 3 <= MAX_PAYLOAD_BYTES) return withEvent;
  return Buffer.byteLength(withEvent) <= MAX_PAYLOAD_BYTES ? withEvent : header;
}

/** The notification in `payload`, or `undefined` when it is not one of ours. */
export function decodeNotification(payload: string | undefined): LogNotification | undefined {
  if (!payload) return undefined;
  const newline = payload.indexOf("\n");
  const header = newline === -1 ? payload : payload.slice(0, newline);
  try {
    const parts: unknown = JSON.parse(header);
    if (
      Array.isArray(parts) &&
      parts.length === 4 &&
      typeof parts[0] === "string" &&
      typeof parts[1] === "string" &&
      typeof parts[2] === "string" &&
      Number.isSafeInteger(parts[3]) &&
      parts[3] > 0
    ) {
      return {
        key: { tenant: parts[0], owner: parts[1], taskId: parts[2] },
        seq: parts[3],
        json: newline === -1 ? undefined : payload.slice(newline + 1),
      };
    }
  } catch {
    // not ours
  }
  return undefined;
}
