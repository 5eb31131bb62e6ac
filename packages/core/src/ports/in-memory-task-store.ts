import type { Task } from "../wire/v1/index.js";
import { isTerminal } from "../wire/v1/index.js";
import { type Clock, systemClock } from "./clock.js";
import {
  compareNewestFirst,
  decodePageToken,
  encodePageToken,
  type ListCursor,
} from "./page-token.js";
import type { TaskKey, TaskListPage, TaskListQuery, TaskScope, TaskStore } from "./task-store.js";

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
  task: Task;
  /** Status timestamp in ms, the `ListTasks` sort key. */
  time: number;
}

const DEFAULT_MAX_TASKS = 10_000;
const DEFAULT_FINISHED_TTL_MS = 60 * 60 * 1000;

function keyOf(tenant: string, owner: string, taskId: string): string {
  // NUL cannot appear in a JSON-decoded id that we accept, so keys cannot collide.
  return `${tenant}\u0000${owner}\u0000${taskId}`;
}

function statusTime(task: Task): number {
  const time = task.status.timestamp ? Date.parse(task.status.timestamp) : 0;
  return Number.isNaN(time) ? 0 : time;
}

/**
 * The default `TaskStore`: process memory, bounded in count and in how long finished
 * tasks live, so a long-running server does not grow without end. Tasks are stored by
 * reference (the server treats them as immutable values), so saving costs no copy.
 */
export class InMemoryTaskStore implements TaskStore {
  readonly maxTasks: number;
  readonly finishedTaskTtlMs: number;
  readonly #clock: Clock;
  /** Insertion order is last-save order: the head is the least recently updated task. */
  readonly #entries = new Map<string, Entry>();
  /** Finished tasks by key, in the order they finished, with their expiry time. */
  readonly #finished = new Map<string, number>();

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
    const id = keyOf(key.tenant, key.owner, key.taskId);
    const expiresAt = this.#finished.get(id);
    if (expiresAt !== undefined && expiresAt <= this.#clock.now()) {
      this.#delete(id);
      return undefined;
    }
    return this.#entries.get(id)?.task;
  }

  async save(key: TaskKey, task: Task): Promise<void> {
    const now = this.#clock.now();
    this.#sweepExpired(now);
    const id = keyOf(key.tenant, key.owner, key.taskId);
    this.#entries.delete(id);
    this.#entries.set(id, {
      scope: { tenant: key.tenant, owner: key.owner },
      task,
      time: statusTime(task),
    });
    if (isTerminal(task.status.state)) {
      if (!this.#finished.has(id)) this.#finished.set(id, now + this.finishedTaskTtlMs);
    } else {
      this.#finished.delete(id);
    }
    this.#evictOverflow();
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
      const { task } = entry;
      if (query.contextId !== undefined && task.contextId !== query.contextId) continue;
      if (query.status !== undefined && task.status.state !== query.status) continue;
      if (query.statusTimestampAfter !== undefined && !(entry.time > query.statusTimestampAfter)) {
        continue;
      }
      matching.push(entry);
    }
    matching.sort((a, b) =>
      compareNewestFirst({ time: a.time, taskId: a.task.id }, { time: b.time, taskId: b.task.id }),
    );
    let start = 0;
    if (after) {
      while (
        start < matching.length &&
        compareNewestFirst(
          { time: matching[start]!.time, taskId: matching[start]!.task.id },
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
      tasks: page.map((entry) => entry.task),
      nextPageToken:
        hasMore && last ? encodePageToken({ time: last.time, taskId: last.task.id }) : "",
      totalSize: matching.length,
    };
  }

  #delete(id: string): void {
    this.#entries.delete(id);
    this.#finished.delete(id);
  }

  #sweepExpired(now: number): void {
    // #finished is in finishing order and the TTL is constant, so expiries are ascending.
    for (const [id, expiresAt] of this.#finished) {
      if (expiresAt > now) break;
      this.#delete(id);
    }
  }

  #evictOverflow(): void {
    while (this.#entries.size > this.maxTasks) {
      const oldestFinished = this.#finished.keys().next();
      const victim = oldestFinished.done ? this.#entries.keys().next().value : oldestFinished.value;
      if (victim === undefined) return;
      this.#delete(victim);
    }
  }
}
