import { A2AError, errors } from "../errors/a2a-error.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import {
  InvalidPageTokenError,
  type TaskKey,
  type TaskStore,
  taskKeyString,
} from "../ports/task-store.js";
import { yieldToEventLoop } from "../util/yield-to-event-loop.js";
import { taskJson } from "../wire/task-json.js";
import {
  type CancelTaskRequest,
  type GetTaskRequest,
  isTerminal,
  type ListTasksRequest,
  type Message,
  type SendMessageRequest,
  type SubscribeToTaskRequest,
  type Task,
} from "../wire/v1/index.js";
import type {
  ListTasksResponse,
  SendMessageResponse,
  StreamResponse,
} from "../wire/v1/responses.js";
import { type CallContext, ownerOf, type TaskOwner } from "./call-context.js";
import type { AgentExecutorObject } from "./execution/agent-executor.js";
import { EventQueue } from "./execution/event-queue.js";
import { statusEvent } from "./execution/events.js";
import { Execution, type ExecutionDeps } from "./execution/execution.js";
import { saveTask } from "./execution/save-task.js";
import { payloadBytes, TaskEventHub } from "./execution/task-event-hub.js";
import { taskView, withStatus } from "./execution/task-reducer.js";
import { KeyedMutex } from "./keyed-mutex.js";
import { assertPartsAccepted } from "./media-types.js";
import { endsAtPause, endsAtTerminal } from "./stream-ends.js";

/** `ListTasks` page size when the caller asks for none. */
export const DEFAULT_PAGE_SIZE = 50;

/** `ListTasks` serialises about this many characters between giving the event loop back. */
const SERIALISE_SLICE_CHARS = 256 * 1024;

export interface ServerConfig {
  executor: AgentExecutorObject;
  store: TaskStore;
  clock: Clock;
  logger: Logger;
  newId: () => string;
  streaming: boolean;
  /** Declared `capabilities.extendedAgentCard`. */
  extendedAgentCard: boolean;
  /**
   * The extended card for an authenticated call, in the call's wire shape; `undefined` when
   * none is configured.
   */
  extendedCard: ((call: CallContext) => Promise<object>) | undefined;
  /** The 401 for a call that must be authenticated and is not. */
  unauthenticated: () => Error;
  /**
   * Checks what a message needs beyond the agent's requirements (its skill's), before
   * anything is created for it; throws the 401/403 otherwise.
   */
  authorizeMessage: ((message: Message, call: CallContext) => Promise<void>) | undefined;
  /** Media types the agent accepts (`defaultInputModes`). */
  inputModes: readonly string[];
  /** `ListTasks` ends a page early once its tasks take this many bytes. */
  maxListBytes: number;
  /** Who owns a principal's tasks. */
  taskOwner: TaskOwner;
  /** Bytes of events that may wait for one stream's reader before it is dropped. */
  maxStreamBufferBytes: number;
  /** Runs not finished after this many ms are failed; `undefined`: no deadline. */
  runTimeoutMs: number | undefined;
}

/** A stream of events; the first one is ready to be read. */
export type EventStream = AsyncIterableIterator<StreamResponse>;

/**
 * The A2A operations, binding-neutral: transports call these with validated 1.0 params and
 * a call context, and map results and `A2AError`s to the wire.
 */
export class A2AServer {
  readonly hub = new TaskEventHub();
  readonly #config: ServerConfig;
  readonly #deps: ExecutionDeps;
  readonly #executions = new Map<string, Execution>();
  readonly #locks = new KeyedMutex();

  constructor(config: ServerConfig) {
    this.#config = config;
    this.#deps = {
      store: config.store,
      hub: this.hub,
      clock: config.clock,
      logger: config.logger,
      newId: config.newId,
      executor: config.executor,
      runTimeoutMs: config.runTimeoutMs,
    };
  }

  /** Number of agent runs in progress. */
  get activeExecutions(): number {
    return this.#executions.size;
  }

  async sendMessage(params: SendMessageRequest, call: CallContext): Promise<SendMessageResponse> {
    const execution = await this.#prepare(params, call);
    const returnImmediately = params.configuration?.returnImmediately === true;
    execution.start({ createFirst: returnImmediately });
    const outcome = await (returnImmediately
      ? execution.created.promise
      : execution.paused.promise);
    if ("message" in outcome) return outcome;
    return {
      task: taskView(outcome.task, { historyLength: params.configuration?.historyLength }),
    };
  }

  async sendStreamingMessage(params: SendMessageRequest, call: CallContext): Promise<EventStream> {
    this.#assertStreaming();
    const execution = await this.#prepare(params, call);
    const queue = this.#listen(execution.keyString, endsAtPause);
    execution.paused.promise.catch((error: unknown) => queue.fail(error));
    void execution.done.promise.then(() => queue.end());
    // A client that asked not to wait gets the task, and so its stream, at once.
    execution.start({ createFirst: params.configuration?.returnImmediately === true });
    return queue;
  }

  async getTask(params: GetTaskRequest, call: CallContext): Promise<Task> {
    const task = await this.#config.store.get(this.#key(call, params.id));
    if (!task) throw errors.taskNotFound(params.id);
    return taskView(task, { historyLength: params.historyLength });
  }

  async listTasks(params: ListTasksRequest, call: CallContext): Promise<ListTasksResponse> {
    const pageSize = params.pageSize ?? DEFAULT_PAGE_SIZE;
    let page: Awaited<ReturnType<TaskStore["list"]>>;
    try {
      page = await this.#config.store.list(
        { tenant: call.tenant, owner: ownerOf(call.principal, this.#config.taskOwner) },
        {
          contextId: params.contextId,
          status: params.status,
          statusTimestampAfter:
            params.statusTimestampAfter === undefined
              ? undefined
              : Date.parse(params.statusTimestampAfter),
          pageSize,
          pageToken: params.pageToken,
          maxBytes: this.#config.maxListBytes,
        },
      );
    } catch (error) {
      if (error instanceof InvalidPageTokenError) {
        throw errors.invalidParams([{ field: "pageToken", description: error.message }]);
      }
      throw error;
    }
    const view = {
      historyLength: params.historyLength,
      includeArtifacts: !!params.includeArtifacts,
    };
    // Each task is serialised here, one at a time with the event loop given back between
    // slices, so a large page never blocks other requests; the reply reuses the text.
    const tasks: Task[] = [];
    let sinceYield = 0;
    for (const task of page.tasks) {
      if (sinceYield > SERIALISE_SLICE_CHARS) {
        await yieldToEventLoop();
        sinceYield = 0;
      }
      const shown = taskView(task, view);
      sinceYield += taskJson(shown).length;
      tasks.push(shown);
    }
    return {
      tasks,
      nextPageToken: page.nextPageToken,
      pageSize,
      totalSize: page.totalSize,
    };
  }

  async cancelTask(params: CancelTaskRequest, call: CallContext): Promise<Task> {
    const key = this.#key(call, params.id);
    const ks = taskKeyString(key);
    const running = this.#executions.get(ks);
    if (running?.task) return running.cancel();
    return this.#locks.run(ks, async () => {
      const task = await this.#config.store.get(key);
      if (!task) throw errors.taskNotFound(params.id);
      const active = this.#executions.get(ks);
      if (active?.task) return active.cancel();
      if (isTerminal(task.status.state))
        throw errors.taskNotCancelable(params.id, task.status.state);
      // An idle task (waiting for input): no agent to stop, so the server records the cancel.
      const event = statusEvent(
        {
          taskId: task.id,
          contextId: task.contextId ?? "",
          clock: this.#config.clock,
          newId: this.#config.newId,
        },
        "TASK_STATE_CANCELED",
        "The task was canceled.",
      );
      const next = withStatus(task, event);
      await saveTask(this.#config.store, key, next);
      this.hub.publish(ks, { payload: { statusUpdate: event }, task: next });
      return next;
    });
  }

  async subscribeToTask(params: SubscribeToTaskRequest, call: CallContext): Promise<EventStream> {
    this.#assertStreaming();
    const key = this.#key(call, params.id);
    const ks = taskKeyString(key);
    const attach = (task: Task): EventStream => {
      if (isTerminal(task.status.state)) {
        throw errors.unsupportedOperation(
          `Task ${task.id} is ${task.status.state}; a finished task has no updates to subscribe to`,
          { taskId: task.id },
        );
      }
      const queue = this.#listen(ks, endsAtTerminal);
      // Registered and seeded in one synchronous step, so no event falls in between.
      queue.push({ task }, payloadBytes);
      return queue;
    };
    const running = this.#executions.get(ks)?.task;
    if (running) return attach(running);
    return this.#locks.run(ks, async () => {
      const stored = await this.#config.store.get(key);
      const task = this.#executions.get(ks)?.task ?? stored;
      if (!task) throw errors.taskNotFound(params.id);
      return attach(task);
    });
  }

  /** The extended card, for authenticated callers only (spec §13.3). */
  async getExtendedAgentCard(call: CallContext): Promise<object> {
    const { extendedCard } = this.#config;
    if (!this.#config.extendedAgentCard && !extendedCard) {
      throw errors.unsupportedOperation("This agent does not provide an extended agent card");
    }
    if (!extendedCard) {
      throw new A2AError(
        "EXTENDED_AGENT_CARD_NOT_CONFIGURED",
        "This agent declares an extended agent card but none is configured",
      );
    }
    if (!call.principal?.id) throw this.#config.unauthenticated();
    return extendedCard(call);
  }

  /** Push notification configs: not supported until push delivery is configured. */
  async pushNotificationConfig(_call: CallContext): Promise<never> {
    throw errors.pushNotSupported();
  }

  #assertStreaming(): void {
    if (!this.#config.streaming) {
      throw errors.unsupportedOperation("Streaming is not supported by this agent");
    }
  }

  #key(call: CallContext, taskId: string): TaskKey {
    return { tenant: call.tenant, owner: ownerOf(call.principal, this.#config.taskOwner), taskId };
  }

  /**
   * A queue fed by the task's events until `isLast` says the stream is over. A reader that
   * falls more than `maxStreamBufferBytes` behind is dropped with an error (its events stay
   * in the task, to subscribe again); the agent and other readers never wait for it.
   */
  #listen(ks: string, isLast: (payload: StreamResponse) => boolean): EventQueue<StreamResponse> {
    const maxBytes = this.#config.maxStreamBufferBytes;
    const queue: EventQueue<StreamResponse> = new EventQueue(() => unsubscribe(), {
      maxBytes,
      overflow: () =>
        errors.resourceExhausted(
          `The stream fell more than ${maxBytes} bytes behind the task's events; subscribe to the task again to catch up`,
          "maxStreamBufferBytes",
        ),
    });
    const unsubscribe = this.hub.subscribe(ks, ({ payload }) => {
      queue.push(payload, payloadBytes);
      if (isLast(payload)) queue.end();
    });
    return queue;
  }

  /** Validates a send, resolves the task it continues, and registers its (unstarted) run. */
  async #prepare(params: SendMessageRequest, call: CallContext): Promise<Execution> {
    const { message } = params;
    if (this.#config.authorizeMessage) await this.#config.authorizeMessage(message, call);
    if (params.configuration?.taskPushNotificationConfig) throw errors.pushNotSupported();
    assertPartsAccepted(message.parts, this.#config.inputModes);
    const request = {
      text: message.parts
        .flatMap((part) => (part.text !== undefined ? [part.text] : []))
        .join("\n"),
      configuration: params.configuration,
      metadata: params.metadata,
      principal: call.principal,
      tenant: call.tenant,
      call,
    };
    if (message.taskId === undefined || message.taskId === "") {
      const key = this.#key(call, this.#config.newId());
      const contextId = message.contextId || this.#config.newId();
      return this.#register(
        new Execution(this.#deps, {
          key,
          keyString: taskKeyString(key),
          contextId,
          existing: undefined,
          userMessage: { ...message, contextId },
          request,
        }),
      );
    }
    const taskId = message.taskId;
    const key = this.#key(call, taskId);
    const ks = taskKeyString(key);
    return this.#locks.run(ks, async () => {
      const existing = await this.#config.store.get(key);
      if (!existing) throw errors.taskNotFound(taskId);
      if (isTerminal(existing.status.state)) {
        throw errors.unsupportedOperation(
          `Task ${taskId} is ${existing.status.state}; a finished task accepts no further messages`,
          { taskId, state: existing.status.state },
        );
      }
      const contextId = existing.contextId ?? message.contextId ?? this.#config.newId();
      if (message.contextId && message.contextId !== contextId) {
        throw errors.invalidParams([
          {
            field: "message.contextId",
            description: `does not match the contextId of task ${taskId}`,
          },
        ]);
      }
      if (this.#executions.has(ks)) {
        throw errors.unsupportedOperation(
          `Task ${taskId} is still being processed; send the next message when it asks for input`,
          { taskId },
        );
      }
      return this.#register(
        new Execution(this.#deps, {
          key,
          keyString: ks,
          contextId,
          existing,
          userMessage: { ...message, contextId },
          request,
        }),
      );
    });
  }

  #register(execution: Execution): Execution {
    const ks = execution.keyString;
    this.#executions.set(ks, execution);
    void execution.done.promise.then(() => {
      if (this.#executions.get(ks) === execution) this.#executions.delete(ks);
    });
    return execution;
  }
}
