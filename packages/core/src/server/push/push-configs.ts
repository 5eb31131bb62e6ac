import { A2AError, errors } from "../../errors/a2a-error.js";
import {
  PushConfigLimitError,
  type PushConfigRecord,
  type PushConfigStore,
  type PushPayloadVersion,
} from "../../ports/push-config-store.js";
import { InvalidPageTokenError, type TaskKey, type TaskStore } from "../../ports/task-store.js";
import type { WebhookSender } from "../../ports/webhook-sender.js";
import type { TaskPushNotificationConfig } from "../../wire/v1/index.js";
import type { PushDelivery } from "./push-delivery.js";
import { validatePushConfig } from "./validate-config.js";

/** `ListTaskPushNotificationConfigs` page size when the caller asks for none, and at most. */
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 100;

export interface PushConfigsDeps {
  tasks: TaskStore;
  configs: PushConfigStore;
  sender: WebhookSender;
  delivery: PushDelivery;
  maxConfigsPerTask: number;
  newId: () => string;
}

/**
 * Where a config's deliveries stand, shown (as `deliveryStatus`, a field of this server's
 * own) on a config whose deliveries were stopped, so its owner can tell why and set it again.
 */
export interface PushDeliveryStatus {
  state: "DISABLED";
  reason: string;
  /** When deliveries stopped (RFC 3339). */
  since: string;
  consecutiveFailures: number;
}

/** A config as its owner sees it. */
export type PushConfigView = TaskPushNotificationConfig & { deliveryStatus?: PushDeliveryStatus };

function view(record: PushConfigRecord): PushConfigView {
  const shown: PushConfigView = { ...record.config };
  if (record.disabled) {
    shown.deliveryStatus = {
      state: "DISABLED",
      reason: record.disabled.reason,
      since: record.disabled.at,
      consecutiveFailures: record.failures,
    };
  }
  return shown;
}

/** Where a config came from: the version it was created through, and the agent's URL then. */
export interface ConfigOrigin {
  payload: PushPayloadVersion;
  agentUrl: string;
}

function configNotFound(taskId: string, id: string): A2AError {
  return new A2AError(
    "TASK_NOT_FOUND",
    `Push notification config not found: ${id} of task ${taskId}`,
    { metadata: { taskId, configId: id } },
  );
}

/**
 * The push notification config operations (spec §3.1.7-3.1.10), scoped like tasks: the key
 * carries the caller's tenant and owner, so a config of another principal's task is as
 * missing as the task.
 */
export class PushConfigs {
  readonly #deps: PushConfigsDeps;

  constructor(deps: PushConfigsDeps) {
    this.#deps = deps;
  }

  async create(
    key: TaskKey,
    input: TaskPushNotificationConfig,
    origin: ConfigOrigin,
  ): Promise<PushConfigView> {
    const stored = await this.#deps.tasks.get(key);
    if (!stored) throw errors.taskNotFound(key.taskId);
    await validatePushConfig(input, this.#deps.sender);
    // Deliveries begin with the task's next event.
    return this.#store(key, input, origin, stored.version);
  }

  /**
   * A config given with a send (`configuration.taskPushNotificationConfig`), checked before
   * the task exists.
   */
  async validateForSend(input: TaskPushNotificationConfig): Promise<void> {
    await validatePushConfig(input, this.#deps.sender, "configuration.taskPushNotificationConfig.");
  }

  /** Stores a send's config once its task is known; deliveries start after `version`. */
  async createForSend(
    key: TaskKey,
    input: TaskPushNotificationConfig,
    origin: ConfigOrigin,
    version: number,
  ): Promise<void> {
    await this.#store(key, input, origin, version);
  }

  async get(key: TaskKey, id: string): Promise<PushConfigView> {
    await this.#taskExists(key);
    const record = await this.#deps.configs.get(key, id);
    if (!record) throw configNotFound(key.taskId, id);
    return view(record);
  }

  async list(
    key: TaskKey,
    query: { pageSize?: number | undefined; pageToken?: string | undefined },
  ): Promise<{ configs: PushConfigView[]; nextPageToken: string }> {
    if (query.pageSize !== undefined && (query.pageSize < 0 || query.pageSize > MAX_PAGE_SIZE)) {
      throw errors.invalidParams([
        { field: "pageSize", description: `must be between 1 and ${MAX_PAGE_SIZE}` },
      ]);
    }
    await this.#taskExists(key);
    const pageSize = query.pageSize || DEFAULT_PAGE_SIZE;
    try {
      const page = await this.#deps.configs.list(key, { pageSize, pageToken: query.pageToken });
      return { configs: page.records.map(view), nextPageToken: page.nextPageToken };
    } catch (error) {
      if (error instanceof InvalidPageTokenError) {
        throw errors.invalidParams([{ field: "pageToken", description: error.message }]);
      }
      throw error;
    }
  }

  /** Idempotent: deleting a config that is not there succeeds (its task must exist). */
  async delete(key: TaskKey, id: string): Promise<void> {
    await this.#taskExists(key);
    await this.#deps.configs.delete(key, id);
    this.#deps.delivery.stopped(key, id);
  }

  /** Stops the deliveries made here (see `PushDelivery.close`). */
  close(): Promise<void> {
    return this.#deps.delivery.close();
  }

  async #taskExists(key: TaskKey): Promise<void> {
    if (!(await this.#deps.tasks.get(key))) throw errors.taskNotFound(key.taskId);
  }

  async #store(
    key: TaskKey,
    input: TaskPushNotificationConfig,
    { payload, agentUrl }: ConfigOrigin,
    version: number,
  ): Promise<PushConfigView> {
    const { tenant: _routing, ...fields } = input;
    // A 0.3 config without an id is the task's own (as a 0.3 `set` makes it), so that a 0.3
    // `get` naming only the task finds it.
    const id = input.id || (payload === "0.3" ? key.taskId : this.#deps.newId());
    // Setting a config again (same id) keeps its progress and enables it again.
    const existing = await this.#deps.configs.get(key, id);
    const record: PushConfigRecord = {
      config: { ...fields, id, taskId: key.taskId },
      payload,
      agentUrl,
      deliveredSeq: existing?.deliveredSeq ?? version,
      failures: 0,
      disabled: undefined,
    };
    try {
      await this.#deps.configs.put(key, record, { maxPerTask: this.#deps.maxConfigsPerTask });
    } catch (error) {
      if (error instanceof PushConfigLimitError) {
        throw errors.resourceExhausted(error.message, error.limit);
      }
      throw error;
    }
    this.#deps.delivery.started(key, id);
    return view(record);
  }
}
