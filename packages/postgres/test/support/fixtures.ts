import {
  applyTaskEvent,
  type StreamResponse,
  type Task,
  type TaskKey,
  type TaskLogEvent,
  type TaskState,
  type TaskStore,
} from "@a2a-mount/core";
import { expect } from "vitest";

/** The status time of step 0; step `n` is `n` seconds later. */
export const T0 = Date.parse("2026-01-01T00:00:00.000Z");

export const stamp = (step: number): string => new Date(T0 + step * 1000).toISOString();

export function newTask(id: string, step = 0, contextId = "ctx"): Task {
  return { id, contextId, status: { state: "TASK_STATE_SUBMITTED", timestamp: stamp(step) } };
}

export function statusEvent(task: Task, state: TaskState, step: number): StreamResponse {
  return {
    statusUpdate: {
      taskId: task.id,
      contextId: task.contextId ?? "ctx",
      status: { state, timestamp: stamp(step) },
    },
  };
}

export function artifactEvent(task: Task, artifactId: string, text: string): StreamResponse {
  return {
    artifactUpdate: {
      taskId: task.id,
      contextId: task.contextId ?? "ctx",
      artifact: { artifactId, parts: [{ text }] },
    },
  };
}

/**
 * A task's log as a test keeps it: the events appended so far, the task they fold to, and
 * its version. `append` extends it through a store and checks the append succeeded.
 */
export class Log {
  readonly events: StreamResponse[] = [];
  task: Task;

  constructor(
    readonly key: TaskKey,
    created: Task = newTask(key.taskId),
  ) {
    this.task = created;
  }

  get version(): number {
    return this.events.length;
  }

  /** Creates the task (version 1) through `store`. */
  async create(store: TaskStore): Promise<void> {
    expect(this.events).toHaveLength(0);
    const result = await store.append(this.key, 0, [
      { event: { task: this.task }, task: this.task },
    ]);
    expect(result).toEqual({ ok: true, version: 1 });
    this.events.push({ task: this.task });
  }

  /** Appends `event` through `store` at the log's version; the task is the fold. */
  async append(store: TaskStore, event: StreamResponse): Promise<number> {
    const next = applyTaskEvent(this.task, event);
    const result = await store.append(this.key, this.version, [{ event, task: next }]);
    expect(result).toEqual({ ok: true, version: this.version + 1 });
    this.events.push(event);
    this.task = next;
    return this.version;
  }

  async status(store: TaskStore, state: TaskState, step = this.version): Promise<number> {
    return this.append(store, statusEvent(this.task, state, step));
  }

  /** The log's events numbered from 1 (or from `after + 1`). */
  numbered(after = 0): Array<{ seq: number; event: StreamResponse }> {
    return this.events.slice(after).map((event, i) => ({ seq: after + i + 1, event }));
  }
}

/** A watcher's record: every event it was told of, checking `json` is the event's JSON. */
export function recorder(): {
  events: TaskLogEvent[];
  listener: (event: TaskLogEvent) => void;
} {
  const events: TaskLogEvent[] = [];
  return {
    events,
    listener: (event) => {
      events.push(event);
    },
  };
}

/** Log events as `{ seq, event }`, after checking that each `json` given is the event's JSON. */
export function plain(
  events: TaskLogEvent[] | undefined,
): Array<{ seq: number; event: StreamResponse }> | undefined {
  return events?.map(({ seq, event, json }) => {
    if (json !== undefined) expect(JSON.parse(json)).toEqual(event);
    return { seq, event };
  });
}

/** Waits until `condition()` holds, polling every few ms; fails after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** How a promise settled within `ms`: resolved, rejected, or still pending then. */
export type Settled<T> =
  | { status: "resolved"; value: T; ms: number }
  | { status: "rejected"; error: unknown; ms: number }
  | { status: "pending"; ms: number };

export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ status: "pending", ms: Date.now() - started }), ms);
  });
  // A promise still pending when the time is up must not fail the run later.
  promise.catch(() => undefined);
  try {
    return await Promise.race([
      promise.then(
        (value): Settled<T> => ({ status: "resolved", value, ms: Date.now() - started }),
        (error: unknown): Settled<T> => ({ status: "rejected", error, ms: Date.now() - started }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
