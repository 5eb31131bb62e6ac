import { fromBase64Url, toBase64Url } from "../util/base64url.js";
import {
  PushConfigLimitError,
  type PushConfigPage,
  type PushConfigRecord,
  type PushConfigStore,
  type PushProgress,
} from "./push-config-store.js";
import { InvalidPageTokenError, type TaskKey, taskKeyString } from "./task-store.js";

export interface InMemoryPushConfigStoreOptions {
  /** Most configs held at once, over all tasks. Default 100 000. */
  maxConfigs?: number;
}

interface Slot {
  record: PushConfigRecord;
  /** Creation order within the task: the list order and the page cursor. */
  order: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function decodeCursor(token: string): number {
  try {
    const value: unknown = JSON.parse(decoder.decode(fromBase64Url(token)));
    if (Number.isSafeInteger(value)) return value as number;
  } catch {
    // any decoding failure is the same client error
  }
  throw new InvalidPageTokenError();
}

/**
 * The default {@link PushConfigStore}: process memory, bounded in count. Records are copied
 * in and out, so a caller never changes what is stored by changing what it holds.
 */
export class InMemoryPushConfigStore implements PushConfigStore {
  readonly maxConfigs: number;
  readonly #tasks = new Map<string, Map<string, Slot>>();
  #count = 0;
  #order = 0;

  constructor(options: InMemoryPushConfigStoreOptions = {}) {
    this.maxConfigs = options.maxConfigs ?? 100_000;
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
    let slots = this.#tasks.get(id);
    const existing = slots?.get(record.config.id);
    if (existing) {
      existing.record = structuredClone(record);
      return;
    }
    if ((slots?.size ?? 0) >= options.maxPerTask) {
      throw new PushConfigLimitError(
        `A task may have at most ${options.maxPerTask} push notification configs`,
        "maxConfigsPerTask",
      );
    }
    if (this.#count >= this.maxConfigs) {
      throw new PushConfigLimitError(
        `The push config store holds its maximum of ${this.maxConfigs} configs`,
        "maxConfigs",
      );
    }
    if (!slots) {
      slots = new Map();
      this.#tasks.set(id, slots);
    }
    slots.set(record.config.id, { record: structuredClone(record), order: ++this.#order });
    this.#count++;
  }

  async get(key: TaskKey, id: string): Promise<PushConfigRecord | undefined> {
    const slot = this.#tasks.get(taskKeyString(key))?.get(id);
    return slot && structuredClone(slot.record);
  }

  async list(
    key: TaskKey,
    query: { pageSize: number; pageToken?: string | undefined },
  ): Promise<PushConfigPage> {
    const after = query.pageToken ? decodeCursor(query.pageToken) : 0;
    const slots = [...(this.#tasks.get(taskKeyString(key))?.values() ?? [])].filter(
      (slot) => slot.order > after,
    );
    const page = slots.slice(0, query.pageSize);
    const last = page.at(-1);
    return {
      records: page.map((slot) => structuredClone(slot.record)),
      nextPageToken:
        last && slots.length > page.length
          ? toBase64Url(encoder.encode(JSON.stringify(last.order)))
          : "",
    };
  }

  async delete(key: TaskKey, id: string): Promise<void> {
    const taskId = taskKeyString(key);
    const slots = this.#tasks.get(taskId);
    if (!slots?.delete(id)) return;
    this.#count--;
    if (slots.size === 0) this.#tasks.delete(taskId);
  }

  async deleteTask(key: TaskKey): Promise<void> {
    const taskId = taskKeyString(key);
    const slots = this.#tasks.get(taskId);
    if (!slots) return;
    this.#count -= slots.size;
    this.#tasks.delete(taskId);
  }

  async update(key: TaskKey, id: string, progress: PushProgress): Promise<void> {
    const slot = this.#tasks.get(taskKeyString(key))?.get(id);
    if (!slot) return;
    const { record } = slot;
    if (progress.deliveredSeq !== undefined && progress.deliveredSeq > record.deliveredSeq) {
      record.deliveredSeq = progress.deliveredSeq;
    }
    if (progress.failures !== undefined) record.failures = progress.failures;
    if ("disabled" in progress) record.disabled = progress.disabled && { ...progress.disabled };
  }
}
