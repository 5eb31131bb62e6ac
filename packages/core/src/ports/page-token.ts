import { fromBase64Url, toBase64Url } from "../util/base64url.js";
import type { Task } from "../wire/v1/index.js";
import { InvalidPageTokenError } from "./task-store.js";

/** Position of a task in the `ListTasks` order: status time (ms), then task id. */
export interface ListCursor {
  time: number;
  taskId: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A task's place in time in the `ListTasks` order: its status timestamp in ms (0 without one,
 * or one that does not parse). Every store sorts and pages by it.
 */
export function statusTimeOf(task: Task): number {
  const time = task.status.timestamp ? Date.parse(task.status.timestamp) : 0;
  return Number.isNaN(time) ? 0 : time;
}

/** An opaque, URL-safe page token holding `value` (JSON). */
export function encodeJsonToken(value: unknown): string {
  return toBase64Url(encoder.encode(JSON.stringify(value)));
}

/**
 * The value of a token from `encodeJsonToken`, when `isValid` accepts it; throws
 * `InvalidPageTokenError` otherwise (any decoding failure is the same client error).
 */
export function decodeJsonToken<T>(token: string, isValid: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(fromBase64Url(token)));
  } catch {
    throw new InvalidPageTokenError();
  }
  if (!isValid(value)) throw new InvalidPageTokenError();
  return value;
}

/** An opaque, URL-safe page token for the task after which the next page starts. */
export function encodePageToken(cursor: ListCursor): string {
  return encodeJsonToken([cursor.time, cursor.taskId]);
}

/** Decodes a token from `encodePageToken`; throws `InvalidPageTokenError` otherwise. */
export function decodePageToken(token: string): ListCursor {
  const [time, taskId] = decodeJsonToken(
    token,
    (value): value is [number, string] =>
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === "number" &&
      Number.isFinite(value[0]) &&
      typeof value[1] === "string",
  );
  return { time, taskId };
}

/**
 * The `ListTasks` order: newest status time first, ties by task id descending, ids compared
 * by Unicode code point (the order of their UTF-8 bytes, which databases sort by too).
 */
export function compareNewestFirst(a: ListCursor, b: ListCursor): number {
  if (a.time !== b.time) return b.time - a.time;
  return compareCodePoints(b.taskId, a.taskId);
}

/**
 * Compares strings by code point. JavaScript's `<` compares UTF-16 code units, which puts
 * characters past U+FFFF (surrogate pairs) before U+E000-U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only where a surrogate meets U+E000-U+FFFF do the two orders differ.
    if (x >= 0xd800 && x <= 0xdfff && y >= 0xe000) return 1;
    if (y >= 0xd800 && y <= 0xdfff && x >= 0xe000) return -1;
    return x - y;
  }
  return a.length - b.length;
}
