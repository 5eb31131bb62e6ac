import type { Task, TaskState } from "../wire/v1/index.js";
import type { StreamResponse } from "../wire/v1/responses.js";
import type { PushConfigStore } from "./push-config-store.js";
import type { TaskKey, TaskScope } from "./task-key.js";

export { type TaskKey, type TaskScope, taskKeyString } from "./task-key.js";

/** Filters and cursor of `ListTasks`, already validated. */
export interface TaskListQuery {
  contextId?: string | undefined;
  status?: TaskState | undefined;
  /** Only tasks whose status timestamp is at or after this (ms since epoch), per a2a.proto. */
  statusTimestampAfter?: number | undefined;
  pageSize: number;
  /** Opaque cursor from a previous page's `nextPageToken`; `""` or absent for the first page. */
  pageToken?: string | undefined;
  /**
   * A budget for the page: once the tasks taken add up to this many bytes (as stored), the
   * page ends early, with a `nextPageToken`. The first task is always taken.
   */
  maxBytes?: number | undefined;
}

export interface TaskListPage {
  /** Newest status timestamp first. */
  tasks: Task[];
  /** `""` on the last page. */
  nextPageToken: string;
  /** Number of tasks matching the filters across all pages. */
  totalSize: number;
}

/** A stored task with its version: the sequence number of the last event of its log. */
export interface StoredTask {
  task: Task;
  version: number;
}

/**
 * One entry of a task's log. `seq` numbers a task's events 1, 2, 3 ... in the order they
 * were appended; the event is what streams send: `task` (the task created), `statusUpdate`,
 * `artifactUpdate`, or `message` (a message joining the history).
 */
export interface TaskLogEvent {
  seq: number;
  event: StreamResponse;
  /**
   * The event as JSON, when the store has it at hand (streams then send it as it is, rather
   * than serialise the event again). Optional: readers serialise the event themselves.
   */
  json?: string;
}

/** An event to append, with the task as it stands after it. */
export interface TaskLogEntry {
  event: StreamResponse;
  task: Task;
  /**
   * `JSON.stringify(event)`, when the writer already made it (the server does, once per
   * event): a store may use it rather than serialise the event again.
   */
  json?: string;
}

/** Told of each event appended to a task, in order, once each. */
export type TaskLogListener = (event: TaskLogEvent) => void;

/**
 * What an append did: `ok` with the task's new version, or, when the task was not at the
 * expected version (another writer appended first), not `ok` with the task as it now is
 * (`undefined` if it does not exist), and nothing stored changed.
 */
export type AppendResult =
  | { ok: true; version: number }
  | { ok: false; current: StoredTask | undefined };

/**
 * A run's hold on its task: the process `holder` runs the task's agent, and will say so again
 * (renew) within `ttlMs`, or be taken for gone.
 */
export interface RunLease {
  holder: string;
  ttlMs: number;
}

export interface AppendOptions {
  /**
   * The append is a run's: the task is leased to the run's process from now on, until the
   * task finishes (a terminal event ends the lease) or the run releases it. The append is
   * refused, as a lost race with the task's version unchanged, while another holder's lease
   * on the task has not lapsed. Stores without {@link RunLeases} ignore it.
   */
  lease?: RunLease;
}

/** A run whose lease lapsed: its holder stopped renewing it, so it is taken for gone. */
export interface LapsedRun extends StoredTask {
  key: TaskKey;
  holder: string;
}

/**
 * Leases on runs, for stores shared by several processes: the process running a task's
 * agent holds its lease and renews it; when it stops renewing (it died), any process finds
 * the lapsed run and ends it, so no client waits forever.
 */
export interface RunLeases {
  /** Extends every lease `holder` has by `ttlMs` from now. */
  renew(holder: string, ttlMs: number): Promise<void>;
  /** Ends `holder`'s lease on the task, if it still has it. */
  release(key: TaskKey, holder: string): Promise<void>;
  /** Up to `limit` runs whose lease lapsed, with their tasks, the longest lapsed first. */
  lapsed(limit: number): Promise<LapsedRun[]>;
}

/**
 * Persistence for tasks, as logs (see "Tasks are logs" in the README). Each task is an
 * ordered log of events; the stored task is the log folded up to its last event, and
 * carries that event's number as its version. Writers append with compare-and-swap, so two
 * writers never both extend the same version: the loser is told and learns the task's new
 * state, and no update is lost or merged.
 *
 * Implementations treat tasks and events as values: the server never mutates one after
 * appending it, and must not be handed objects that change later. Every method is scoped
 * by the key's tenant and owner. The shared contract tests (`test/contract/` in the
 * repository) say precisely what an implementation must do.
 */
export interface TaskStore {
  /** The task and its version, or `undefined` when the scope holds no such task. */
  get(key: TaskKey): Promise<StoredTask | undefined>;
  /**
   * Appends `entries`' events to the task's log, in order, each with the task as it stands
   * after it, only if the task is at `expectedVersion` (0: the task must not exist yet, and
   * the first event creates it); the task's version moves on by the number of entries. All
   * or nothing, and one round trip for a store that has them: when the events cannot be
   * stored (one cannot be serialised, or a budget would be exceeded), it throws and what was
   * stored stays as it was; throws {@link TaskStoreFullError} when a budget is the reason.
   * With `options.lease`, see {@link AppendOptions}. Throws a `TypeError` for no entries.
   *
   * A store that appends in memory may answer with the result itself rather than a promise:
   * the server then takes it in without waiting a turn of the event loop per event. Either
   * way it never throws synchronously: its refusals are rejected promises.
   */
  append(
    key: TaskKey,
    expectedVersion: number,
    entries: readonly TaskLogEntry[],
    options?: AppendOptions,
  ): Promise<AppendResult> | AppendResult;
  /**
   * The task's events after `afterVersion`, oldest first; `undefined` when the task does not
   * exist. Events are kept as long as their task is.
   */
  readEvents(key: TaskKey, afterVersion: number): Promise<TaskLogEvent[] | undefined>;
  /**
   * Calls `listener` with every event appended to the task from now on, in order, until the
   * returned function is called. Registering is immediate: an event appended after `watch`
   * returns is never missed, so a reader that watches first and then reads the task (or its
   * events) sees every event exactly once by skipping those at or below what it read. A
   * listener that throws affects neither the append nor other listeners.
   */
  watch(key: TaskKey, listener: TaskLogListener): () => void;
  /**
   * A page of the scope's tasks, newest status timestamp first.
   * Throws `InvalidPageTokenError` for a token it did not issue.
   */
  list(scope: TaskScope, query: TaskListQuery): Promise<TaskListPage>;
  /**
   * Leases on runs, when the store is shared by several processes (absent in one process,
   * where a run cannot outlive the process that tracks it).
   */
  readonly runs?: RunLeases;
  /**
   * Where push notification configs live with this store's tasks (and as long as they do),
   * for a store that keeps them; the `push` option uses it unless given a store of its own.
   */
  readonly pushConfigs?: PushConfigStore;
}

/** Thrown by `TaskStore.list` for a page token it cannot decode. */
export class InvalidPageTokenError extends Error {
  constructor() {
    super("pageToken is not a token this server issued");
    this.name = "InvalidPageTokenError";
  }
}

/** Which budget of a store a write would exceed. */
export type TaskStoreLimit = "maxBytes" | "maxBytesPerOwner" | "maxTasks";

/** Thrown by `TaskStore.append` when storing the event would exceed one of the store's budgets. */
export class TaskStoreFullError extends Error {
  readonly limit: TaskStoreLimit;

  constructor(limit: TaskStoreLimit, message: string) {
    super(message);
    this.name = "TaskStoreFullError";
    this.limit = limit;
  }
}
