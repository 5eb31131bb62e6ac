import type { Task, TaskState } from "../../wire/v1/index.js";
import type {
  AgentMessageInput,
  ArtifactInput,
  ArtifactOptions,
  TaskHelper,
} from "./agent-executor.js";

/** What the helper needs from the run that owns the task. */
export interface TaskPublisher {
  readonly task: Task | undefined;
  publishStatus(
    state: TaskState,
    message?: AgentMessageInput,
    metadata?: Record<string, unknown>,
  ): Promise<void>;
  publishArtifact(artifact: ArtifactInput, options?: ArtifactOptions): Promise<string>;
}

/**
 * The `task` handle given to the agent. A class (not closures) because one is made per
 * request: its methods live on the prototype.
 */
export class ExecutionTaskHelper implements TaskHelper {
  readonly #publisher: TaskPublisher;

  constructor(
    publisher: TaskPublisher,
    readonly id: string,
    readonly contextId: string,
  ) {
    this.#publisher = publisher;
  }

  get current(): Task | undefined {
    return this.#publisher.task;
  }

  working(message?: AgentMessageInput): Promise<void> {
    return this.#publisher.publishStatus("TASK_STATE_WORKING", message);
  }

  complete(message?: AgentMessageInput): Promise<void> {
    return this.#publisher.publishStatus("TASK_STATE_COMPLETED", message);
  }

  fail(message?: AgentMessageInput): Promise<void> {
    return this.#publisher.publishStatus("TASK_STATE_FAILED", message);
  }

  reject(message?: AgentMessageInput): Promise<void> {
    return this.#publisher.publishStatus("TASK_STATE_REJECTED", message);
  }

  inputRequired(message?: AgentMessageInput): Promise<void> {
    return this.#publisher.publishStatus("TASK_STATE_INPUT_REQUIRED", message);
  }

  authRequired(message?: AgentMessageInput): Promise<void> {
    return this.#publisher.publishStatus("TASK_STATE_AUTH_REQUIRED", message);
  }

  status(
    state: TaskState,
    message?: AgentMessageInput,
    metadata?: Record<string, unknown>,
  ): Promise<void> {
    return this.#publisher.publishStatus(state, message, metadata);
  }

  artifact(artifact: ArtifactInput, options?: ArtifactOptions): Promise<string> {
    return this.#publisher.publishArtifact(artifact, options);
  }
}
