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
 * Appends an event to a task's log (see `TaskStore.append`); a store whose budget is spent
 * becomes the client's RESOURCE_EXHAUSTED (429), with the budget named, so a caller knows to
 * try again later.
 */
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
    if (error instanceof TaskStoreFullError) {
      throw errors.resourceExhausted(`The task store is full: ${error.message}`, error.limit);
    }
    throw error;
  }
}
