import { parseTask, taskJson } from "../util/task-json.js";
import type { Task, TaskState } from "../wire/v1/index.js";
import { isTerminal } from "../wire/v1/index.js";
import { type Clock, systemClock } from "./clock.js";
import {
  compareNewestFirst,
  decodePageToken,
  encodePageToken,
  type ListCursor,
} from "./page-token.js";
import {
  type TaskKey,
  type TaskListPage,
  type TaskListQuery,
  type TaskScope,
  type TaskStore,
  taskKeyString,
} from "./task-store.js";

export interface InMemoryTaskStoreOptions {
  /**
   * Most tasks kept at once. Past it, the oldest finished tasks are evicted first, then the
   * least recently updated unfinished ones. Default 10 000.
   */
  maxTasks?: number;
  /** How long a task in a terminal state is kept, in ms. Default 1 hour. */
  finishedTaskTtlMs?: number;
  clock?: Clock;
}

interface Entry {
  scope: TaskScope;
  /** An unfinished task, by reference: it changes often and is read often. */
  task: Task | undefined;
  /**
   * A finished task as JSON. Most held tasks are finished ones; as one string each they
   * take a fraction of the memory and give the garbage collector nothing to trace.
   */
  json: string | undefined;
  /** What `ListTasks` filters and sorts by, readable without parsing `json`. */
  taskId: string;
  contextId: string | undefined;
  state: TaskState;
  /** Status timestamp in ms, the `ListTasks` sort key. */
  time: number;
  /** When a finished task expires; `undefined` while the task is unfinished. */
  expiresAt: number | undefined;
}

function taskOf(entry: Entry): Task {
  return entry.task ?? parseTask(entry.json!);
}

const DEFAULT_MAX_TASKS = 10_000;
const DEFAULT_FINISHED_TTL_MS = 60 * 60 * 1000;

function statusTime(task: Task): number {
  const time = task.status.timestamp ? Date.parse(task.status.timestamp) : 0;
  return Number.isNaN(time) ? 0 : time;
}

/**
 * The default `TaskStore`: process memory, bounded in count and in how long finished
 * tasks live, so a long-running server does not grow without end. Unfinished tasks are
 * held by reference (the server treats them as immutable values), so the frequent saves
 * of a running task cost no copy; finished ones are held as one JSON string each.
 */
export class InMemoryTaskStore implements TaskStore {
  readonly maxTasks: number;
  readonly finishedTaskTtlMs: number;
  readonly #clock: Clock;
  /** Insertion order is last-save order: the head is the least recently updated task. */
  readonly #entries = new Map<string, Entry>();
  /**
   * Finished tasks in the order they finished, as (key, expiry) pairs. A plain array with a
   * head index, because V8 Maps slow down when iterated from a head of deleted entries.
   * Pairs whose entry is gone or has another expiry are stale and skipped.
   */
  #finished: Array<[string, number]> = [];
  #finishedHead = 0;

  constructor(options: InMemoryTaskStoreOptions = {}) {
    this.maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
    this.finishedTaskTtlMs = options.finishedTaskTtlMs ?? DEFAULT_FINISHED_TTL_MS;
    if (!Number.isInteger(this.maxTasks) || this.maxTasks < 1) {
      throw new TypeError("InMemoryTaskStore: maxTasks must be a positive integer");
    }
    if (!(this.finishedTaskTtlMs > 0)) {
      throw new TypeError("InMemoryTaskStore: finishedTaskTtlMs must be positive");
    }
    this.#clock = options.clock ?? systemClock;
  }

  /** Number of tasks currently held (expired ones may count until the next write). */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: TaskKey): Promise<Task | undefined> {
    const id = taskKeyString(key);
    const entry = this.#entries.get(id);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(id);
      return undefined;
    }
    return entry && taskOf(entry);
  }

  async save(key: TaskKey, task: Task): Promise<void> {
    const now = this.#clock.now();
    this.#sweepExpired(now);
    const id = taskKeyString(key);
    const previous = this.#entries.get(id);
    let expiresAt: number | undefined;
    const finished = isTerminal(task.status.state);
    if (finished) {
      // The TTL counts from when the task first finished.
      expiresAt = previous?.expiresAt ?? now + this.finishedTaskTtlMs;
      if (previous?.expiresAt === undefined) this.#finished.push([id, expiresAt]);
    }
    if (previous) this.#entries.delete(id);
    this.#entries.set(id, {
      scope: previous?.scope ?? { tenant: key.tenant, owner: key.owner },
      task: finished ? undefined : task,
      json: finished ? taskJson(task) : undefined,
      taskId: task.id,
      contextId: task.contextId,
      state: task.status.state,
      time: statusTime(task),
      expiresAt,
    });
    this.#evictOverflow(id);
  }

  async list(scope: TaskScope, query: TaskListQuery): Promise<TaskListPage> {
    const now = this.#clock.now();
    this.#sweepExpired(now);
    const after: ListCursor | undefined = query.pageToken
      ? decodePageToken(query.pageToken)
      : undefined;
    const matching: Entry[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.scope.tenant !== scope.tenant || entry.scope.owner !== scope.owner) continue;
      if (query.contextId !== undefined && entry.contextId !== query.contextId) continue;
      if (query.status !== undefined && entry.state !== query.status) continue;
      if (query.statusTimestampAfter !== undefined && entry.time < query.statusTimestampAfter) {
        continue;
      }
      matching.push(entry);
    }
    matching.sort((a, b) =>
      compareNewestFirst({ time: a.time, taskId: a.taskId }, { time: b.time, taskId: b.taskId }),
    );
    let start = 0;
    if (after) {
      while (
        start < matching.length &&
        compareNewestFirst(
          { time: matching[start]!.time, taskId: matching[start]!.taskId },
          after,
        ) <= 0
      ) {
        start++;
      }
    }
    const page = matching.slice(start, start + query.pageSize);
    const last = page[page.length - 1];
    const hasMore = start + query.pageSize < matching.length;
    return {
      tasks: page.map(taskOf),
      nextPageToken:
        hasMore && last ? encodePageToken({ time: last.time, taskId: last.taskId }) : "",
      totalSize: matching.length,
    };
  }

  /** The oldest finished task still held, without removing it from the queue. */
  #oldestFinished(): [string, number] | undefined {
    while (this.#finishedHead < this.#finished.length) {
      const pair = this.#finished[this.#finishedHead]!;
      if (this.#entries.get(pair[0])?.expiresAt === pair[1]) return pair;
      this.#finishedHead++; // stale: deleted or replaced since it finished
    }
    return undefined;
  }

  #dropOldestFinished(): void {
    const pair = this.#finished[this.#finishedHead++]!;
    this.#entries.delete(pair[0]);
    if (this.#finishedHead > 1024 && this.#finishedHead * 2 > this.#finished.length) {
      this.#finished = this.#finished.slice(this.#finishedHead);
      this.#finishedHead = 0;
    }
  }

  #sweepExpired(now: number): void {
    // The TTL is constant, so finishing order is expiry order.
    for (let oldest = this.#oldestFinished(); oldest; oldest = this.#oldestFinished()) {
      if (oldest[1] > now) return;
      this.#dropOldestFinished();
    }
  }

  /** Evicts down to `maxTasks`, never the task just saved (`keep`): a client is about to read it. */
  #evictOverflow(keep: string): void {
    while (this.#entries.size > this.maxTasks) {
      const oldest = this.#oldestFinished();
      if (oldest && oldest[0] !== keep) {
        this.#dropOldestFinished();
      } else {
        // Only unfinished tasks left: drop the least recently updated one.
        // (`keep` was inserted last, so it is the head only when it is the only task.)
        const victim = this.#entries.keys().next().value;
        if (victim === undefined || victim === keep) return;
        this.#entries.delete(victim);
      }
    }
  }
}
