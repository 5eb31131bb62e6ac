import { errors } from "../../errors/a2a-error.js";
import {
  type AppendResult,
  type TaskKey,
  type TaskStore,
  TaskStoreFullError,
} from "../../ports/task-store.js";
import type { Task } from "../../wire/v1/index.js";
import type { StreamResponse } from "../../wire/v1/responses.js";

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
export async function appendEvent(
  store: TaskStore,
  key: TaskKey,
  expectedVersion: number,
  event: StreamResponse,
  task: Task,
): Promise<AppendResult> {
  try {
    return await store.append(key, expectedVersion, event, task);
  } catch (error) {
    throw storeRefusal(error);
  }
}
