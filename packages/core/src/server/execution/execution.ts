import { A2AError, errors } from "../../errors/a2a-error.js";
import type { Clock } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type { TaskKey, TaskStore } from "../../ports/task-store.js";
import { describe } from "../../util/describe-error.js";
import {
  isInterrupted,
  isTerminal,
  type Message,
  Message as MessageSchema,
  type Task,
  type TaskArtifactUpdateEvent,
  type TaskState,
} from "../../wire/v1/index.js";
import type { StreamResponse } from "../../wire/v1/responses.js";
import type {
  AgentExecutorObject,
  AgentMessageInput,
  ArtifactInput,
  ArtifactOptions,
  RequestContext,
  TaskHelper,
} from "./agent-executor.js";
import { Deferred } from "./deferred.js";
import { type EventSource, statusEvent } from "./events.js";
import { saveTask } from "./save-task.js";
import type { TaskEventHub } from "./task-event-hub.js";
import { ExecutionTaskHelper } from "./task-helper.js";
import { withArtifact, withMessage, withStatus } from "./task-reducer.js";

export interface ExecutionDeps {
  store: TaskStore;
  hub: TaskEventHub;
  clock: Clock;
  logger: Logger;
  newId: () => string;
  executor: AgentExecutorObject;
  /** A run not finished after this many ms is failed; `undefined`: no deadline. */
  runTimeoutMs: number | undefined;
}

/** How a send ends for the caller: the task (at a pause or its end) or a direct message. */
export type ExecutionOutcome = { task: Task } | { message: Message };

export interface ExecutionInit {
  key: TaskKey;
  keyString: string;
  contextId: string;
  /** The task being continued, or `undefined` for a new one. */
  existing: Task | undefined;
  userMessage: Message;
  /** The request context minus the fields the execution supplies. */
  request: Omit<RequestContext, "signal" | "task" | "taskId" | "contextId" | "userMessage">;
}

/** The agent's view of the request; `signal` is created only if the agent reads it. */
class ExecutionContext implements RequestContext {
  readonly userMessage: Message;
  readonly text: string;
  readonly taskId: string;
  readonly contextId: string;
  readonly task: Task | undefined;
  readonly configuration: RequestContext["configuration"];
  readonly metadata: RequestContext["metadata"];
  readonly principal: RequestContext["principal"];
  readonly tenant: string;
  readonly call: RequestContext["call"];
  readonly #signal: () => AbortSignal;

  constructor(init: ExecutionInit, signal: () => AbortSignal) {
    this.userMessage = init.userMessage;
    this.text = init.request.text;
    this.taskId = init.key.taskId;
    this.contextId = init.contextId;
    this.task = init.existing;
    this.configuration = init.request.configuration;
    this.metadata = init.request.metadata;
    this.principal = init.request.principal;
    this.tenant = init.request.tenant;
    this.call = init.request.call;
    this.#signal = signal;
  }

  get signal(): AbortSignal {
    return this.#signal();
  }
}

/** Status message used when the server itself has to fail a task. */
const AGENT_ERROR_TEXT = "The agent failed while processing the task.";
const AGENT_STOPPED_TEXT = "The agent stopped without finishing the task.";
const CANCELED_TEXT = "The task was canceled.";

/**
 * One run of the agent for one incoming message. It owns the task while it runs: every
 * event is applied, saved and then published, strictly one after another, so the store and
 * every subscriber see the same log. When the agent settles, the run makes sure the task is
 * left in a state a client can act on.
 */
export class Execution {
  readonly key: TaskKey;
  readonly keyString: string;
  readonly helper: TaskHelper;
  readonly context: RequestContext;

  /** Resolves when the task exists (or a message answered): `returnImmediately` waits on it. */
  readonly created = new Deferred<ExecutionOutcome>();
  /** Resolves at a terminal or interrupted state, a message answer, or the run's end. */
  readonly paused = new Deferred<ExecutionOutcome>();
  /**
   * Resolves when the run is over for the server: its last event is saved and published, or
   * it was canceled or timed out (an agent that ignores its signal is left behind, and
   * whatever it publishes later is dropped).
   */
  readonly done = new Deferred<void>();

  readonly #deps: ExecutionDeps;
  #abort: AbortController | undefined;
  #task: Task | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #answered = false;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  /** The task was created before the agent ran, for a client that would not wait. */
  #createdFirst = false;
  readonly #source: EventSource;

  constructor(deps: ExecutionDeps, init: ExecutionInit) {
    this.#deps = deps;
    this.key = init.key;
    this.keyString = init.keyString;
    this.#task = init.existing;
    this.#source = {
      taskId: init.key.taskId,
      contextId: init.contextId,
      clock: deps.clock,
      newId: deps.newId,
    };
    this.context = new ExecutionContext(init, () => this.#abortController().signal);
    this.helper = new ExecutionTaskHelper(this, init.key.taskId, init.contextId);
  }

  /** The task as of the last event delivered to subscribers. */
  get task(): Task | undefined {
    return this.#task;
  }

  /**
   * Starts the agent. Call once, after the execution is registered. With `createFirst`, a
   * new task is created (SUBMITTED) before the agent runs, so `created` resolves at once for
   * a client that asked not to wait, however long the agent takes to publish.
   */
  start(options: { createFirst?: boolean } = {}): void {
    const timeout = this.#deps.runTimeoutMs;
    if (timeout !== undefined)
      this.#deadline = setTimeout(() => void this.#expire(timeout), timeout);
    void this.#run(options.createFirst === true);
  }

  /**
   * Cancels the task: it becomes CANCELED and the agent's signal fires. Resolves with the
   * canceled task; rejects with TaskNotCancelable if the task finished first.
   */
  async cancel(): Promise<Task> {
    const applied = await this.#publish((task) => {
      const event = statusEvent(this.#source, "TASK_STATE_CANCELED", CANCELED_TEXT);
      return { payload: { statusUpdate: event }, next: withStatus(task, event) };
    });
    if (!applied) {
      // The task finished first: the agent is left alone.
      const state = this.#task?.status.state ?? "TASK_STATE_UNSPECIFIED";
      throw errors.taskNotCancelable(this.key.taskId, state);
    }
    // CANCELED is recorded before the agent hears of it, so whatever the agent publishes
    // in reaction to the abort comes after a terminal state and is dropped.
    this.#stopAgent(new DOMException(CANCELED_TEXT, "AbortError"));
    return this.#task!;
  }

  /**
   * Tells the agent to stop (its signal, then its cancel hook, neither awaited: an agent that
   * never returns must not hold its callers) and ends the run for the server.
   */
  #stopAgent(reason: DOMException): void {
    this.#abortController().abort(reason);
    const hook = async () => this.#deps.executor.cancel?.(this.context);
    hook().catch((error: unknown) => {
      this.#deps.logger.error("agent cancel hook threw", {
        taskId: this.key.taskId,
        error: describe(error),
      });
    });
    this.#release();
  }

  /** The run's deadline passed: the task fails with a status message saying so. */
  async #expire(timeoutMs: number): Promise<void> {
    if (this.done.settled || (this.#answered && !this.#task)) return;
    const text = `The agent did not finish within ${timeoutMs} ms.`;
    try {
      await this.publishStatus("TASK_STATE_FAILED", text);
    } catch (error) {
      this.#deps.logger.error("could not record the run's timeout", {
        taskId: this.key.taskId,
        error: describe(error),
      });
    }
    this.#deps.logger.warn("agent run timed out", { taskId: this.key.taskId, timeoutMs });
    this.#stopAgent(new DOMException(text, "TimeoutError"));
  }

  /** The run is over for the server: callers waiting on it are answered. */
  #release(): void {
    clearTimeout(this.#deadline);
    if (this.#task) {
      this.created.resolve({ task: this.#task });
      this.paused.resolve({ task: this.#task });
    }
    this.done.resolve();
  }

  /** Node's AbortController is costly to create, so it exists only once someone needs it. */
  #abortController(): AbortController {
    this.#abort ??= new AbortController();
    return this.#abort;
  }

  async #run(createFirst: boolean): Promise<void> {
    try {
      if (createFirst && !this.#task) {
        this.#createdFirst = true;
        await this.#enqueue(async () => {
          await this.#createTask();
          return true;
        });
      } else if (this.#task) {
        // A continued task: the new message joins its history before the agent runs.
        const message = this.context.userMessage;
        await this.#publish((task) => {
          const next = withMessage(task, message);
          return { payload: { task: next }, next };
        });
        this.created.resolve({ task: this.#task! });
      }
      const result = await this.#deps.executor.execute(this.context, this.helper);
      if (result !== undefined && result !== null) await this.#answer(result);
    } catch (error) {
      await this.#afterAgentError(error);
    } finally {
      await this.#finish();
    }
  }

  async #answer(result: unknown): Promise<void> {
    const parsed = MessageSchema.safeParse(result);
    if (!parsed.success) {
      this.#deps.logger.error("agent returned something that is not a Message", {
        taskId: this.key.taskId,
      });
      if (this.#task) {
        await this.publishStatus("TASK_STATE_FAILED", AGENT_ERROR_TEXT);
      } else {
        this.#answered = true;
        const error = new A2AError(
          "INVALID_AGENT_RESPONSE",
          "The agent returned an invalid response",
        );
        this.created.reject(error);
        this.paused.reject(error);
      }
      return;
    }
    const message: Message = {
      ...parsed.data,
      contextId: parsed.data.contextId ?? this.context.contextId,
    };
    this.#answered = true;
    if (this.#createdFirst && this.#task?.status.state === "TASK_STATE_SUBMITTED") {
      // The server made the task only so the client need not wait; the agent answered
      // without using it, so its answer completes it (and nobody is left waiting on it).
      message.taskId = this.key.taskId;
      await this.#publish((task) => {
        const event = statusEvent(this.#source, "TASK_STATE_COMPLETED");
        event.status.message = message;
        return { payload: { statusUpdate: event }, next: withStatus(task, event) };
      });
    } else if (this.#task) {
      // Answering inside a task: the message joins the history and is the send's result.
      message.taskId ??= this.key.taskId;
      await this.#publish((task) => ({ payload: { message }, next: withMessage(task, message) }));
    } else {
      this.#deps.hub.publish(this.keyString, { payload: { message }, task: undefined });
    }
    this.created.resolve({ message });
    this.paused.resolve({ message });
  }

  async #afterAgentError(error: unknown): Promise<void> {
    const canceled =
      this.#abort?.signal.aborted && this.#task && isTerminal(this.#task.status.state);
    if (canceled) return; // an agent that throws on abort after a cancel did nothing wrong
    if (error instanceof A2AError && !this.#task) {
      // The agent refused the request before creating a task: the caller gets that error.
      this.#answered = true;
      this.created.reject(error);
      this.paused.reject(error);
      return;
    }
    this.#deps.logger.error("agent threw", { taskId: this.key.taskId, error: describe(error) });
    const text = error instanceof A2AError ? error.message : AGENT_ERROR_TEXT;
    try {
      await this.publishStatus("TASK_STATE_FAILED", text);
    } catch (saveError) {
      this.#deps.logger.error("could not record the failed task", {
        taskId: this.key.taskId,
        error: describe(saveError),
      });
    }
  }

  async #finish(): Promise<void> {
    try {
      await this.#chain;
      const state = this.#task?.status.state;
      // No task and no answer, or a task left neither finished nor waiting for the client
      // (even when a message answered the send): nobody would ever move it on.
      const abandoned =
        state === undefined ? !this.#answered : !(isTerminal(state) || isInterrupted(state));
      if (abandoned) {
        await this.publishStatus("TASK_STATE_FAILED", AGENT_STOPPED_TEXT);
        if (state === undefined) {
          this.#deps.logger.warn("agent returned without a message or any task event", {
            taskId: this.key.taskId,
          });
        }
      }
    } catch (error) {
      this.#deps.logger.error("could not record the end of the task", {
        taskId: this.key.taskId,
        error: describe(error),
      });
      // A refusal the client can act on (the store is full) reaches it as such.
      const failure =
        error instanceof A2AError ? error : new A2AError("INTERNAL", "Internal error");
      this.created.reject(failure);
      this.paused.reject(failure);
    } finally {
      this.#release();
    }
  }

  /** @internal for the task helper */
  publishStatus(
    state: TaskState,
    message?: AgentMessageInput,
    metadata?: Record<string, unknown>,
  ): Promise<void> {
    return this.#publish((task) => {
      const event = statusEvent(this.#source, state, message, metadata);
      return { payload: { statusUpdate: event }, next: withStatus(task, event) };
    }).then(() => undefined);
  }

  /** @internal for the task helper */
  async publishArtifact(input: ArtifactInput, options: ArtifactOptions = {}): Promise<string> {
    const artifact =
      typeof input === "string"
        ? { artifactId: this.#deps.newId(), parts: [{ text: input }] }
        : { ...input, artifactId: input.artifactId ?? this.#deps.newId() };
    await this.#publish((task) => {
      const event: TaskArtifactUpdateEvent = {
        taskId: this.key.taskId,
        contextId: this.context.contextId,
        artifact,
      };
      if (options.append) event.append = true;
      if (options.lastChunk) event.lastChunk = true;
      return { payload: { artifactUpdate: event }, next: withArtifact(task, event) };
    });
    return artifact.artifactId;
  }

  /**
   * Appends one event to the task's log: apply, save, publish, in order with every other
   * event of this run. Resolves `false` when the task was already terminal (event dropped).
   */
  #publish(make: (task: Task) => { payload: StreamResponse; next: Task }): Promise<boolean> {
    return this.#enqueue(async () => {
      if (!this.#task) await this.#createTask();
      const current = this.#task!;
      if (isTerminal(current.status.state)) {
        this.#deps.logger.debug("event after a terminal state ignored", {
          taskId: this.key.taskId,
        });
        return false;
      }
      const { payload, next } = make(current);
      await saveTask(this.#deps.store, this.key, next);
      this.#task = next;
      this.#deps.hub.publish(this.keyString, { payload, task: next });
      if ("statusUpdate" in payload) {
        const { state } = next.status;
        if (isTerminal(state) || isInterrupted(state)) this.paused.resolve({ task: next });
      }
      return true;
    });
  }

  /** Runs `step` after every step before it; a failed step does not stop the next. */
  #enqueue(step: () => Promise<boolean>): Promise<boolean> {
    const run = this.#chain.then(step);
    this.#chain = run.catch(() => {});
    return run;
  }

  /** The first event of a new task creates it as SUBMITTED, with the user's message. */
  async #createTask(): Promise<void> {
    const task: Task = {
      id: this.key.taskId,
      contextId: this.context.contextId,
      status: {
        state: "TASK_STATE_SUBMITTED",
        timestamp: new Date(this.#deps.clock.now()).toISOString(),
      },
      history: [{ ...this.context.userMessage, taskId: this.key.taskId }],
    };
    await saveTask(this.#deps.store, this.key, task);
    this.#task = task;
    this.#deps.hub.publish(this.keyString, { payload: { task }, task });
    this.created.resolve({ task });
  }
}
