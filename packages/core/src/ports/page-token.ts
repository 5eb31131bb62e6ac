import { fromBase64Url, toBase64Url } from "../util/base64url.js";
import { InvalidPageTokenError } from "./task-store.js";

/** Position of a task in the `ListTasks` order: status time (ms), then task id. */
export interface ListCursor {
  time: number;
  taskId: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An opaque, URL-safe page token for the task after which the next page starts. */
export function encodePageToken(cursor: ListCursor): string {
  return toBase64Url(encoder.encode(JSON.stringify([cursor.time, cursor.taskId])));
}

/** Decodes a token from `encodePageToken`; throws `InvalidPageTokenError` otherwise. */
export function decodePageToken(token: string): ListCursor {
  try {
    const value: unknown = JSON.parse(decoder.decode(fromBase64Url(token)));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === "number" &&
      Number.isFinite(value[0]) &&
      typeof value[1] === "string"
    ) {
      return { time: value[0], taskId: value[1] };
    }
  } catch {
    // fall through: any decoding failure is the same client error
  }
  throw new InvalidPageTokenError();
}

/** The `ListTasks` order: newest status time first, ties by task id descending. */
export function compareNewestFirst(a: ListCursor, b: ListCursor): number {
  if (a.time !== b.time) return b.time - a.time;
  return a.taskId < b.taskId ? 1 : a.taskId > b.taskId ? -1 : 0;
}
