import { decodeJsonToken, encodeJsonToken } from "./page-token.js";
import {
  PushConfigLimitError,
  type PushConfigPage,
  type PushConfigRecord,
  type PushConfigStore,
  type PushProgress,
} from "./push-config-store.js";
import { type TaskKey, taskKeyString } from "./task-store.js";

export interface InMemoryPushConfigStoreOptions {
  /** Most configs held at once, over all tasks. Default 100 000. */
  maxConfigs?: number;
  /**
   * Whether a task is still stored. When the store is full, the configs of tasks that are
   * gone (expired, evicted) are dropped to make room. `createA2A` passes its task store's.
   */
  taskExists?: (key: TaskKey) => Promise<boolean>;
}

/** One task's configs, by id, and the task's key. */
interface TaskConfigs {
  key: TaskKey;
  slots: Map<string, Slot>;
}

interface Slot {
  record: PushConfigRecord;
  /** Creation order within the task: the list order and the page cursor. */
  order: number;
}

/** A page token: the creation order of the page's last config. */
const isOrder = (value: unknown): value is number => Number.isSafeInteger(value);

/**
 * The default {@link PushConfigStore}: process memory, bounded in count. Records are copied
 * in and out, so a caller never changes what is stored by changing what it holds.
 */
export class InMemoryPushConfigStore implements PushConfigStore {
  readonly maxConfigs: number;
  readonly #taskExists: ((key: TaskKey) => Promise<boolean>) | undefined;
  readonly #tasks = new Map<string, TaskConfigs>();
  #count = 0;
  #order = 0;

  constructor(options: InMemoryPushConfigStoreOptions = {}) {
    this.maxConfigs = options.maxConfigs ?? 100_000;
    this.#taskExists = options.taskExists;
  }

  /** Number of configs held. */
  get size(): number {
    return this.#count;
  }

  async put(
    key: TaskKey,
    record: PushConfigRecord,
    options: { maxPerTask: number },
  ): Promise<void> {
    const id = taskKeyString(key);
    const existing = this.#tasks.get(id)?.slots.get(record.config.id);
    if (existing) {
      existing.record = structuredClone(record);
      return;
    }
    if ((this.#tasks.get(id)?.slots.size ?? 0) >= options.maxPerTask) {
      throw new PushConfigLimitError(
        `A task may have at most ${options.maxPerTask} push notification configs`,
        "maxConfigsPerTask",
      );
    }
    if (this.#count >= this.maxConfigs) await this.#dropConfigsOfGoneTasks();
    if (this.#count >= this.maxConfigs) {
      throw new PushConfigLimitError(
        `The push config store holds its maximum of ${this.maxConfigs} configs`,
        "maxConfigs",
      );
    }
    let task = this.#tasks.get(id);
    if (!task) {
      task = { key: { ...key }, slots: new Map() };
      this.#tasks.set(id, task);
    }
    task.slots.set(record.config.id, { record: structuredClone(record), order: ++this.#order });
    this.#count++;
  }

  /** Makes room: configs live as long as their task. */
  async #dropConfigsOfGoneTasks(): Promise<void> {
    if (!this.#taskExists) return;
    for (const task of [...this.#tasks.values()]) {
      if (!(await this.#taskExists(task.key))) await this.deleteTask(task.key);
    }
  }

  async get(key: TaskKey, id: string): Promise<PushConfigRecord | undefined> {
    const slot = this.#tasks.get(taskKeyString(key))?.slots.get(id);
    return slot && structuredClone(slot.record);
  }

  async list(
    key: TaskKey,
    query: { pageSize: number; pageToken?: string | undefined },
  ): Promise<PushConfigPage> {
    const after = query.pageToken ? decodeJsonToken(query.pageToken, isOrder) : 0;
    const slots = [...(this.#tasks.get(taskKeyString(key))?.slots.values() ?? [])].filter(
      (slot) => slot.order > after,
    );
    const page = slots.slice(0, query.pageSize);
    const last = page.at(-1);
    return {
      records: page.map((slot) => structuredClone(slot.record)),
      nextPageToken: last && slots.length > page.length ? encodeJsonToken(last.order) : "",
    };
  }

  async delete(key: TaskKey, id: string): Promise<void> {
    const taskId = taskKeyString(key);
    const task = this.#tasks.get(taskId);
    if (!task?.slots.delete(id)) return;
    this.#count--;
    if (task.slots.size === 0) this.#tasks.delete(taskId);
  }

  async deleteTask(key: TaskKey): Promise<void> {
    const taskId = taskKeyString(key);
    const task = this.#tasks.get(taskId);
    if (!task) return;
    this.#count -= task.slots.size;
    this.#tasks.delete(taskId);
  }

  async update(key: TaskKey, id: string, progress: PushProgress): Promise<void> {
    const slot = this.#tasks.get(taskKeyString(key))?.slots.get(id);
    if (!slot) return;
    const { record } = slot;
    if (progress.deliveredSeq !== undefined && progress.deliveredSeq > record.deliveredSeq) {
      record.deliveredSeq = progress.deliveredSeq;
    }
    if (progress.failures !== undefined) record.failures = progress.failures;
    if ("disabled" in progress) record.disabled = progress.disabled && { ...progress.disabled };
  }
}
