import type { Task, TaskState } from "../wire/v1/index.js";

/**
 * Who a task belongs to. Every store access is scoped by tenant and owner, so a task of
 * another tenant or principal is indistinguishable from one that does not exist.
 */
export interface TaskScope {
  /** `""` when the request names no tenant. */
  tenant: string;
  /** The principal's id; `""` for unauthenticated callers. */
  owner: string;
}

export interface TaskKey extends TaskScope {
  taskId: string;
}

/**
 * A task key as one string, for maps. NUL cannot appear in a JSON-decoded id that the server
 * accepts as a key part, so distinct keys never collide.
 */
export function taskKeyString(key: TaskKey): string {
  return `${key.tenant}\u0000${key.owner}\u0000${key.taskId}`;
}

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

/**
 * Persistence for tasks. Implementations must treat tasks as values: the server never
 * mutates a task after saving it, and must not be handed objects that change later.
 */
export interface TaskStore {
  get(key: TaskKey): Promise<Task | undefined>;
  /**
   * Stores a task, all or nothing: when it cannot be stored (it cannot be serialised, or a
   * budget would be exceeded), it throws and what was stored before stays as it was.
   * Throws {@link TaskStoreFullError} when a budget is the reason.
   */
  save(key: TaskKey, task: Task): Promise<void>;
  /**
   * A page of the scope's tasks, newest status timestamp first.
   * Throws `InvalidPageTokenError` for a token it did not issue.
   */
  list(scope: TaskScope, query: TaskListQuery): Promise<TaskListPage>;
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

/** Thrown by `TaskStore.save` when storing the task would exceed one of the store's budgets. */
export class TaskStoreFullError extends Error {
  readonly limit: TaskStoreLimit;

  constructor(limit: TaskStoreLimit, message: string) {
    super(message);
    this.name = "TaskStoreFullError";
    this.limit = limit;
  }
}
