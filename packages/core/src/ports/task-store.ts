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
