import { errors } from "../../errors/a2a-error.js";
import type { Clock } from "../../ports/clock.js";
import {
  type AppendResult,
  type StoredTask,
  type TaskKey,
  type TaskStore,
  TaskStoreFullError,
} from "../../ports/task-store.js";
import type { Task, TaskState } from "../../wire/v1/index.js";
import type { StreamResponse } from "../../wire/v1/responses.js";
import { statusEvent } from "./events.js";
import { withStatus } from "./task-reducer.js";

/**
 * A store's refusal as the client sees it: a spent budget is RESOURCE_EXHAUSTED (429), with
 * the budget named, so a caller knows to try again later; anything else as it is.
 */
export function storeRefusal(error: unknown): unknown {
  return error instanceof TaskStoreFullError
    ? errors.resourceExhausted(`The task store is full: ${error.message}`, error.limit)
    : error;
}

/** Appends an event to a task's log (see `TaskStore.append`), refusals as `storeRefusal`. */
async function appendEvent(
  store: TaskStore,
  key: TaskKey,
  expectedVersion: number,
  event: StreamResponse,
  task: Task,
): Promise<AppendResult> {
  try {
    return await store.append(key, expectedVersion, [{ event, task }]);
  } catch (error) {
    throw storeRefusal(error);
  }
}

/**
 * Appends a status the server itself sets (a cancel, a lost run) to a stored task, with
 * compare-and-swap at the version it was read at: the task after it, or `undefined` when
 * another writer appended first.
 */
export async function appendServerStatus(
  deps: { store: TaskStore; clock: Clock; newId: () => string },
  key: TaskKey,
  stored: StoredTask,
  state: TaskState,
  text: string,
): Promise<Task | undefined> {
  const { task } = stored;
  const source = {
    taskId: task.id,
    contextId: task.contextId ?? "",
    clock: deps.clock,
    newId: deps.newId,
  };
  const event = statusEvent(source, state, text);
  const next = withStatus(task, event);
  const result = await appendEvent(deps.store, key, stored.version, { statusUpdate: event }, next);
  return result.ok ? next : undefined;
}
