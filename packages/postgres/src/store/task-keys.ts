import type { TaskKey, TaskScope } from "@a2a-mount/core";

/**
 * Whether PostgreSQL can hold these key parts exactly. Text columns cannot hold NUL, and a
 * lone surrogate would reach the database as U+FFFD, so two different owners could share a
 * key: such a key names no stored task, and nothing can be stored under it.
 */
export function storable(scope: TaskScope | TaskKey): boolean {
  return (
    exact(scope.tenant) &&
    exact(scope.owner) &&
    (!("taskId" in scope) || exact((scope as TaskKey).taskId))
  );
}

/** In unicode mode a surrogate pair is one code point: this matches lone surrogates only. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether PostgreSQL can hold this text exactly (no NUL, no lone surrogate). */
export function exact(part: string): boolean {
  return !part.includes("\u0000") && !LONE_SURROGATE.test(part);
}
