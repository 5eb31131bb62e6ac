import { jsonOf } from "../../wire/task-json.js";
import type { Task } from "../../wire/v1/index.js";
import type { StreamResponse } from "../../wire/v1/responses.js";

/** One event of a task's log, with the task as it is after the event. */
export interface TaskEvent {
  payload: StreamResponse;
  /** `undefined` only for a message answered without a task. */
  task: Task | undefined;
}

export type TaskEventListener = (event: TaskEvent) => void;

/**
 * An event's size as JSON, in bytes, for bounding what waits for a reader: serialised once
 * whoever asks (the bindings reuse the text when they send it); 0 when it cannot be, and
 * each stream that tries to send it ends with an error event.
 */
export function payloadBytes(payload: StreamResponse): number {
  try {
    return jsonOf(payload).length;
  } catch {
    return 0;
  }
}

/**
 * In-process fan-out of task events. Events of one task are published in log order, so
 * every listener sees the same events in the same order. Keys with no listener hold no
 * memory.
 */
export class TaskEventHub {
  readonly #listeners = new Map<string, Set<TaskEventListener>>();

  subscribe(key: string, listener: TaskEventListener): () => void {
    let set = this.#listeners.get(key);
    if (!set) {
      set = new Set();
      this.#listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.#listeners.get(key);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.#listeners.delete(key);
    };
  }

  publish(key: string, event: TaskEvent): void {
    const set = this.#listeners.get(key);
    if (!set) return;
    for (const listener of set) listener(event);
  }

  /** Listeners registered for `key` (0 when none), for leak checks. */
  listenerCount(key?: string): number {
    if (key !== undefined) return this.#listeners.get(key)?.size ?? 0;
    let total = 0;
    for (const set of this.#listeners.values()) total += set.size;
    return total;
  }
}
