import { errors } from "../../errors/a2a-error.js";
import { type TaskKey, type TaskStore, TaskStoreFullError } from "../../ports/task-store.js";
import type { Task } from "../../wire/v1/index.js";

/**
 * Saves a task; a store whose budget is spent becomes the client's RESOURCE_EXHAUSTED (429),
 * with the budget named, so a caller knows to try again later.
 */
export async function saveTask(store: TaskStore, key: TaskKey, task: Task): Promise<void> {
  try {
    await store.save(key, task);
  } catch (error) {
    if (error instanceof TaskStoreFullError) {
      throw errors.resourceExhausted(`The task store is full: ${error.message}`, error.limit);
    }
    throw error;
  }
}
