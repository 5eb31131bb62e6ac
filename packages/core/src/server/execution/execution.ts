import { A2AError, errors } from "../../errors/a2a-error.js";
import type { Clock } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type {
  AppendResult,
  RunLease,
  TaskKey,
  TaskLogEntry,
  TaskLogEvent,
  TaskStore,
} from "../../ports/task-store.js";
import { describe } from "../../util/describe-error.js";
import { isoTime } from "../../util/iso-time.js";
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
import { storeRefusal } from "./append-event.js";
import { CANCELED_TEXT, type EventSource, statusEvent } from "./events.js";
import { ExecutionTaskHelper } from "./task-helper.js";
import { applyEvent, withArtifact, withMessage, withStatus } from "./task-reducer.js";

export interface ExecutionDeps {
  store: TaskStore;
  clock: Clock;
  logger: Logger;
  newId: () => string;
  executor: AgentExecutorObject;
  /** A run not finished after this many ms is failed; `undefined`: no deadline. */
  runTimeoutMs: number | undefined;
  /** The lease each run holds on its task, when the store keeps leases (`store.runs`). */
  lease: RunLease | undefined;
}

/** The text of the refusal of a message for a task whose agent is running. */
export function stillProcessing(taskId: string): A2AError {
  return errors.unsupportedOperation(
    `Task ${taskId} is still being processed; send the next message when it asks for input`,
    { taskId },
  );
}

/** Another process's run holds the task's lease: this run may not write to it. */
class LeaseHeldElsewhere extends Error {}

/**
 * How a send ends for the caller: the task (at a pause or its end) with its version, or a
 * direct message.
 */
export type ExecutionOutcome = { task: Task; version: number } | { message: Message };

/**
 * Where a run is, each phase implying those before it: the task exists (or a message
 * answered), the task paused or finished (or a message answered), the run is over for the
 * server.
 */
export type ExecutionPhase = "created" | "paused" | "done";

const RANK: Readonly<Record<ExecutionPhase, number>> = { created: 1, paused: 2, done: 3 };

/** An event of the run waiting to be written, with how it changes the task. */
interface PendingEvent {
  payload: StreamResponse;
  /** `JSON.stringify(payload)`, made when the event was published. */
  json: string;
  /** The task after the event, from the task before it (again after a lost race). */
  apply: (task: Task) => Task;
  /** The event creates the task. */
  creates?: true;
  /** How its write ended, once it did: `null` written (or dropped), else the error. */
  outcome?: unknown;
  /** Its publisher waits for the write (which did not end at once). */
  done?: { resolve: () => void; reject: (error: unknown) => void };
}

/** What a publish returns when its event was written at once: nothing to wait for. */
const WRITTEN: Promise<void> = Promise.resolve();

/** What the waiters of a phase get: the outcome, or the error the request ends with. */
type Settlement = { outcome: ExecutionOutcome } | { error: unknown };

interface Waiter {
  rank: number;
  resolve: (outcome: ExecutionOutcome | undefined) => void;
  reject: (error: unknown) => void;
}

export interface ExecutionInit {
  key: TaskKey;
  keyString: string;
  contextId: string;
  /** The task being continued, or `undefined` for a new one. */
  existing: Task | undefined;
  /** The version of `existing` (0 for a new task). */
  version: number;
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

/** The status message of a task whose run the server ended as it shut down. */
export const SHUT_DOWN_TEXT = "The server running the agent shut down before the task finished.";
/** Status message used when the server itself has to fail a task. */
const AGENT_ERROR_TEXT = "The agent failed while processing the task.";
const AGENT_STOPPED_TEXT = "The agent stopped without finishing the task.";
/** Appends lost to other writers before a run gives up on an event (each loss is progress). */
const MAX_APPEND_ATTEMPTS = 16;

/**
 * One run of the agent for one incoming message. It writes the task's log while it runs:
 * every event is applied and appended with compare-and-swap, strictly one after another.
 * Others may append too (a cancel): an event of the agent that loses to a terminal state is
 * dropped, and a terminal event the run did not write stops the agent. When the agent
 * settles, the run makes sure the task is left in a state a client can act on.
 *
 * Its progress is one phase machine: `#settle` moves it forward and answers whoever waits
 * for the phase reached (`until`).
 */
export class Execution {
  readonly key: TaskKey;
  readonly keyString: string;
  readonly helper: TaskHelper;
  readonly context: RequestContext;

  readonly #deps: ExecutionDeps;
  #abort: AbortController | undefined;
  #task: Task | undefined;
  /** The version of `#task`: the number of the last event of its log this run knows of. */
  #version: number;
  /** The events being appended are this run's own, up to this number; 0 when none is. */
  #appendingUpTo = 0;
  /** Events published and not yet being written, in order. */
  #queue: PendingEvent[] = [];
  /** Writes are under way: events published meanwhile queue for the next batch. */
  #writing = false;
  /** The task's creation is queued or being written. */
  #creating = false;
  /** Told when no write is under way or waiting. */
  #whenIdle: Array<() => void> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #unwatch: (() => void) | undefined;
  /** The task was created before the agent ran, for a client that would not wait. */
  #createdFirst = false;
  /** The agent was told to stop (canceled, timed out, or its task finished elsewhere). */
  #stopped = false;
  /** An append of this run took the task's lease, which the run releases when it ends. */
  #leased = false;
  /** The run wrote nothing: the task is another run's (its message was refused). */
  #refused = false;
  #rank = 0;
  /** What each phase was reached with (by rank): the first settlement of a phase is its own. */
  readonly #settlements: Array<Settlement | undefined> = [];
  #waiters: Waiter[] = [];
  #onError: ((error: unknown) => void) | undefined;
  #onDone: Array<() => void> = [];
  readonly #source: EventSource;

  constructor(deps: ExecutionDeps, init: ExecutionInit) {
    this.#deps = deps;
    this.key = init.key;
    this.keyString = init.keyString;
    this.#task = init.existing;
    this.#version = init.version;
    this.#source = {
      taskId: init.key.taskId,
      contextId: init.contextId,
      clock: deps.clock,
      newId: deps.newId,
    };
    this.context = new ExecutionContext(init, () => this.#abortController().signal);
    this.helper = new ExecutionTaskHelper(this, init.key.taskId, init.contextId);
  }

  /** The task as of the last event this run appended or learned of. */
  get task(): Task | undefined {
    return this.#task;
  }

  /**
   * Resolves once the run reaches `phase`: with the outcome so far (for `done`, `undefined`
   * when there is none), or rejects with the error the request ends with (never for `done`).
   */
  until(phase: ExecutionPhase): Promise<ExecutionOutcome | undefined> {
    return new Promise((resolve, reject) => {
      this.#waiters.push({ rank: RANK[phase], resolve, reject });
      this.#answerWaiters();
    });
  }

  /**
   * Tells `listener`, synchronously, of the error the request ends with, as the run reaches
   * it: before anything the run writes after it (the failed task) reaches a stream.
   */
  onError(listener: (error: unknown) => void): void {
    this.#onError = listener;
  }

  /** Tells `listener`, synchronously, when the run is over for the server. */
  onDone(listener: () => void): void {
    this.#onDone.push(listener);
  }

  /**
   * Starts the agent. Call once, after the execution is registered. With `createFirst`, a
   * new task is created (SUBMITTED) before the agent runs, so `created` is reached at once
   * for a client that asked not to wait or to stream, however long the agent takes.
   */
  start(options: { createFirst?: boolean } = {}): void {
    const timeout = this.#deps.runTimeoutMs;
    if (timeout !== undefined)
      this.#deadline = setTimeout(() => void this.#expire(timeout), timeout);
    // A run hears of its task's events once there is a task (a message answer has none).
    if (this.#task) this.#watch();
    void this.#run(options.createFirst === true);
  }

  #watch(): void {
    this.#unwatch = this.#deps.store.watch(this.key, (event) => this.#heard(event));
  }

  /**
   * Moves the run to `phase` (never back): the phases it passes are reached with
   * `settlement`, and the waiters they satisfy are answered. A phase already reached keeps
   * what it was reached with.
   */
  #settle(phase: ExecutionPhase, settlement?: Settlement): void {
    const rank = RANK[phase];
    for (let passed = this.#rank + 1; passed <= rank; passed++) {
      this.#settlements[passed] = settlement;
    }
    if (settlement && "error" in settlement && rank > this.#rank) this.#onError?.(settlement.error);
    const done = rank === RANK.done && this.#rank < rank;
    this.#rank = Math.max(this.#rank, rank);
    this.#answerWaiters();
    if (done) for (const listener of this.#onDone.splice(0)) listener();
  }

  #answerWaiters(): void {
    if (this.#waiters.length === 0) return;
    const waiting: Waiter[] = [];
    for (const waiter of this.#waiters) {
      const settlement = this.#settlements[waiter.rank];
      if (waiter.rank > this.#rank) waiting.push(waiter);
      else if (waiter.rank === RANK.done) waiter.resolve(outcomeOf(settlement));
      else if (settlement && "error" in settlement) waiter.reject(settlement.error);
      else waiter.resolve(outcomeOf(settlement));
    }
    this.#waiters = waiting;
  }

  /**
   * The task's log grew. An event this run did not write is folded into its view of the task
   * (or, past a gap, read again); a terminal one stops the agent.
   */
  #heard(event: TaskLogEvent): void {
    if (event.seq <= this.#version || event.seq <= this.#appendingUpTo || this.#stopped) return;
    const contiguous = this.#task !== undefined && event.seq === this.#version + 1;
    if (contiguous) {
      this.#task = applyEvent(this.#task!, event.event);
      this.#version = event.seq;
    }
    const update = "statusUpdate" in event.event ? event.event.statusUpdate : undefined;
    if (!update || !isTerminal(update.status.state)) return;
    const reason = new DOMException(
      update.status.state === "TASK_STATE_CANCELED"
        ? CANCELED_TEXT
        : `The task is ${update.status.state}`,
      "AbortError",
    );
    if (contiguous) {
      this.#stopAgent(reason);
      return;
    }
    // Events were missed: the run answers its callers with the task as stored.
    void this.#deps.store.get(this.key).then(
      (stored) => {
        if (stored && stored.version > this.#version) {
          this.#task = stored.task;
          this.#version = stored.version;
        }
        this.#stopAgent(reason);
      },
      () => this.#stopAgent(reason),
    );
  }

  /**
   * Tells the agent to stop (its signal, then its cancel hook, neither awaited: an agent that
   * never returns must not hold its callers) and ends the run for the server.
   */
  #stopAgent(reason: DOMException): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const task = this.#task;
    if (task) this.#settle("paused", { outcome: { task, version: this.#version } });
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
    const text = `The agent did not finish within ${timeoutMs} ms.`;
    if (await this.#failAndStop(text, "TimeoutError")) {
      this.#deps.logger.warn("agent run timed out", { taskId: this.key.taskId, timeoutMs });
    }
  }

  /**
   * The server is shutting down before the run ended: its task fails with a status message
   * saying so (at once, rather than when its lease lapses), and the agent is told to stop.
   * Resolves when the run is over for the server.
   */
  async abandon(): Promise<void> {
    await this.#failAndStop(SHUT_DOWN_TEXT, "AbortError");
    await this.until("done");
  }

  /** Fails the run's task with `text` and stops the agent; whether the run was still on. */
  async #failAndStop(text: string, name: string): Promise<boolean> {
    if (this.#rank >= RANK.done || (!this.#task && this.#rank >= RANK.paused)) return false;
    try {
      await this.#serverStatus("TASK_STATE_FAILED", text);
    } catch (error) {
      this.#deps.logger.error("could not record the end of the run", {
        taskId: this.key.taskId,
        error: describe(error),
      });
    }
    this.#stopAgent(new DOMException(text, name));
    return true;
  }

  /** The run is over for the server: callers waiting on it are answered. */
  #release(): void {
    clearTimeout(this.#deadline);
    this.#unwatch?.();
    this.#unwatch = undefined;
    const task = this.#task;
    this.#settle("done", task && { outcome: { task, version: this.#version } });
  }

  /**
   * Nothing of the agent's is in the task yet: there is none, or only the one the server
   * created before the agent ran.
   */
  get #untouched(): boolean {
    return this.#task === undefined || (this.#createdFirst && this.#version === 1);
  }

  /** Node's AbortController is costly to create, so it exists only once someone needs it. */
  #abortController(): AbortController {
    this.#abort ??= new AbortController();
    return this.#abort;
  }

  async #run(createFirst: boolean): Promise<void> {
    try {
      if (this.#task) {
        // A continued task: the new message joins its history before the agent runs.
        const message = this.context.userMessage;
        try {
          await this.#publish({ message }, (task) => withMessage(task, message));
        } catch (error) {
          if (!(error instanceof LeaseHeldElsewhere)) throw error;
          // Another process runs the agent on this task: the message is refused, and the
          // task is left to that run.
          this.#refused = true;
          this.#settle("paused", { error: stillProcessing(this.key.taskId) });
          return;
        }
        // The task finished before the message joined it (a cancel came first): the run
        // stopped there, and its caller has the task as it ended; the agent does not run.
        if (isTerminal(this.#task.status.state)) return;
      } else if (createFirst) {
        this.#createdFirst = true;
        await this.#createNow();
      }
      const result = await this.#deps.executor.execute(this.context, this.helper);
      if (result !== undefined && result !== null) {
        const answering = this.#answer(result);
        if (answering) await answering;
      }
    } catch (error) {
      await this.#afterAgentError(error);
    } finally {
      const finishing = this.#finish();
      if (finishing) await finishing;
    }
  }

  /** Takes in the agent's answer: at once unless something must be written first. */
  #answer(result: unknown): void | Promise<void> {
    const parsed = MessageSchema.safeParse(result);
    if (!parsed.success) {
      this.#deps.logger.error("agent returned something that is not a Message", {
        taskId: this.key.taskId,
      });
      if (this.#untouched) {
        const error = new A2AError(
          "INVALID_AGENT_RESPONSE",
          "The agent returned an invalid response",
        );
        this.#settle("paused", { error });
      }
      if (this.#task) return this.#serverStatus("TASK_STATE_FAILED", AGENT_ERROR_TEXT);
      return;
    }
    const message: Message = {
      ...parsed.data,
      contextId: parsed.data.contextId ?? this.context.contextId,
    };
    if (this.#createdFirst && this.#task?.status.state === "TASK_STATE_SUBMITTED") {
      // The server made the task only so the client need not wait; the agent answered
      // without using it, so its answer completes it (and nobody is left waiting on it).
      message.taskId = this.key.taskId;
      const event = statusEvent(this.#source, "TASK_STATE_COMPLETED");
      event.status.message = message;
      return this.#publish({ statusUpdate: event }, (task) => withStatus(task, event));
    }
    const answered = () => this.#settle("paused", { outcome: { message } });
    if (!this.#task) return answered();
    // Answering inside a task: the message joins the history and is the send's result.
    message.taskId ??= this.key.taskId;
    const published = this.#publish({ message }, (task) => withMessage(task, message));
    if (published === WRITTEN) return answered();
    return published.then(answered);
  }

  async #afterAgentError(error: unknown): Promise<void> {
    // An agent that throws once told to stop did nothing wrong: its task already ended.
    if (this.#stopped && this.#task && isTerminal(this.#task.status.state)) return;
    if (error instanceof A2AError && this.#untouched) {
      // The agent refused the request before doing anything: the caller gets that error
      // (a stream, after its task), and a task the server created for it fails with it.
      this.#settle("paused", { error });
      if (!this.#task) return;
    } else {
      this.#deps.logger.error("agent threw", { taskId: this.key.taskId, error: describe(error) });
    }
    const text = error instanceof A2AError ? error.message : AGENT_ERROR_TEXT;
    try {
      await this.#serverStatus("TASK_STATE_FAILED", text);
    } catch (saveError) {
      this.#deps.logger.error("could not record the failed task", {
        taskId: this.key.taskId,
        error: describe(saveError),
      });
    }
  }

  /**
   * Ends the run for the server once the agent settled: at once when nothing is left to
   * write or release (see `#finishWriting`).
   */
  #finish(): void | Promise<void> {
    if (this.#writing || this.#holdsLease || (!this.#refused && this.#abandoned)) {
      return this.#finishWriting();
    }
    this.#release();
  }

  /**
   * Whether the task is left where nobody would move it on: no task and no answer, or a
   * task neither finished nor waiting for the client (even when a message answered).
   */
  get #abandoned(): boolean {
    const state = this.#task?.status.state;
    return state === undefined
      ? this.#rank < RANK.paused
      : !(isTerminal(state) || isInterrupted(state));
  }

  /** The run holds its unfinished task's lease (released when the run ends). */
  get #holdsLease(): boolean {
    const { lease, store } = this.#deps;
    const state = this.#task?.status.state;
    return (
      this.#leased &&
      lease !== undefined &&
      store.runs !== undefined &&
      !(state && isTerminal(state))
    );
  }

  /** Waits for the run's writes, fails a task left abandoned, releases the lease. */
  async #finishWriting(): Promise<void> {
    try {
      const writing = this.#writesDone();
      if (writing) await writing;
      if (this.#refused) return;
      const state = this.#task?.status.state;
      if (this.#abandoned) {
        await this.#serverStatus("TASK_STATE_FAILED", AGENT_STOPPED_TEXT);
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
      this.#settle("paused", { error: failure });
    } finally {
      await this.#releaseLease();
      this.#release();
    }
  }

  /**
   * Ends the run's lease on a task it leaves unfinished (paused, waiting for the client), so
   * that the next message may be run by any process. A finished task's lease ended with it.
   */
  async #releaseLease(): Promise<void> {
    if (!this.#holdsLease) return;
    try {
      await this.#deps.store.runs!.release(this.key, this.#deps.lease!.holder);
    } catch (error) {
      // It lapses by itself: until then, messages for the task are refused as still running.
      this.#deps.logger.warn("could not release the run's lease", {
        taskId: this.key.taskId,
        error: describe(error),
      });
    }
  }

  /** @internal for the task helper */
  publishStatus(
    state: TaskState,
    message?: AgentMessageInput,
    metadata?: Record<string, unknown>,
  ): Promise<void> {
    const event = statusEvent(this.#source, state, message, metadata);
    return this.#publish({ statusUpdate: event }, (task) => withStatus(task, event));
  }

  /** @internal for the task helper */
  publishArtifact(input: ArtifactInput, options: ArtifactOptions = {}): Promise<string> {
    const artifact =
      typeof input === "string"
        ? { artifactId: this.#deps.newId(), parts: [{ text: input }] }
        : { ...input, artifactId: input.artifactId ?? this.#deps.newId() };
    const event: TaskArtifactUpdateEvent = {
      taskId: this.key.taskId,
      contextId: this.context.contextId,
      artifact,
    };
    if (options.append) event.append = true;
    if (options.lastChunk) event.lastChunk = true;
    const published = this.#publish({ artifactUpdate: event }, (task) => withArtifact(task, event));
    return published === WRITTEN
      ? Promise.resolve(artifact.artifactId)
      : published.then(() => artifact.artifactId);
  }

  /** A status the server itself sets. */
  #serverStatus(state: TaskState, text: string): Promise<void> {
    const event = statusEvent(this.#source, state, text);
    return this.#publish({ statusUpdate: event }, (task) => withStatus(task, event));
  }

  /**
   * Appends one event to the task's log (creating the task first if it has none), in order
   * with every other event of this run; resolves once it is written, or dropped (the task
   * is terminal, the run over). The event is serialised now, so what cannot be is refused
   * to its publisher before anything is written. Events published while a write is under
   * way are appended together when it ends, in one round trip; a store that answers at
   * once (in memory) costs no turn of the event loop.
   */
  #publish(payload: StreamResponse, apply: (task: Task) => Task): Promise<void> {
    // The run is over (answered, canceled, timed out): what a straggling agent publishes now
    // is dropped, and never creates (or watches) a task.
    if (this.#rank >= RANK.done) {
      this.#deps.logger.debug("event after the run ended ignored", { taskId: this.key.taskId });
      return WRITTEN;
    }
    let json: string;
    try {
      json = JSON.stringify(payload);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.#task && !this.#creating) {
      this.#creating = true;
      this.#queue.push(this.#creation());
    }
    return this.#enqueue({ payload, json, apply });
  }

  /** Queues `pending` and writes what is queued unless a write is under way. */
  #enqueue(pending: PendingEvent): Promise<void> {
    this.#queue.push(pending);
    if (!this.#writing) this.#flush();
    if (pending.outcome === null) return WRITTEN;
    if (pending.outcome !== undefined) return Promise.reject(pending.outcome);
    return new Promise((resolve, reject) => {
      pending.done = { resolve, reject };
    });
  }

  /** The event that creates the task: SUBMITTED, with the user's message. */
  #creation(): PendingEvent {
    const created = this.#newTask();
    if (!this.#unwatch) this.#watch();
    const payload = { task: created };
    return { payload, json: JSON.stringify(payload), apply: () => created, creates: true };
  }

  /** Creates the task before the agent runs; resolves once it is written. */
  #createNow(): Promise<void> {
    this.#creating = true;
    return this.#enqueue(this.#creation());
  }

  /**
   * Writes what is queued, one batch per append, until nothing is: at once while the store
   * answers at once, else when its answer comes (`#writing` meanwhile).
   */
  #flush(): void {
    // Also while a write ends at once: an event published from within it (a watcher, a
    // listener) waits its turn rather than write at a version not yet taken in.
    this.#writing = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      let written: void | Promise<void>;
      try {
        written = this.#writeBatch(batch, 1);
      } catch (error) {
        this.#ended(batch, error);
        continue;
      }
      if (written) {
        written.then(
          () => this.#resume(batch, null),
          (error: unknown) => this.#resume(batch, error),
        );
        return;
      }
      this.#ended(batch, null);
    }
    this.#writing = false;
    const idle = this.#whenIdle;
    this.#whenIdle = undefined;
    for (const resolve of idle ?? []) resolve();
  }

  /** A write that did not end at once ended: its publishers are told, and the next goes. */
  #resume(batch: readonly PendingEvent[], outcome: unknown): void {
    this.#ended(batch, outcome);
    this.#flush();
  }

  /** Tells a batch's publishers how its write ended (`null`: written or dropped). */
  #ended(batch: readonly PendingEvent[], outcome: unknown): void {
    if (batch[0]?.creates) this.#creating = false;
    for (const pending of batch) {
      pending.outcome = outcome;
      if (!pending.done) continue;
      if (outcome === null) pending.done.resolve();
      else pending.done.reject(outcome);
    }
  }

  /**
   * Appends a batch of the run's events with compare-and-swap at the run's version; at once
   * (`undefined`) when the store answers at once. Events after a terminal state are
   * dropped; when another writer appended first, the batch is applied again to the task as
   * it now is.
   */
  #writeBatch(batch: readonly PendingEvent[], attempt: number): void | Promise<void> {
    // The run ended while the batch waited.
    if (this.#rank >= RANK.done) {
      this.#deps.logger.debug("event after the run ended ignored", { taskId: this.key.taskId });
      return;
    }
    const entries: TaskLogEntry[] = [];
    let task = this.#task;
    for (const pending of batch) {
      if (task && isTerminal(task.status.state)) {
        this.#deps.logger.debug("event after a terminal state ignored", {
          taskId: this.key.taskId,
        });
        break;
      }
      if (pending.creates && task) continue;
      if (!task && !pending.creates) {
        // The write that was to create the task failed: this one creates it.
        const creation = this.#creation();
        task = creation.apply(undefined as never);
        entries.push({ event: creation.payload, task, json: creation.json });
      }
      task = pending.apply(task!);
      entries.push({ event: pending.payload, task, json: pending.json });
    }
    if (entries.length === 0) return;
    const expected = this.#version;
    // While it is under way, the run knows the events it hears of up to this number are its own.
    this.#appendingUpTo = expected + entries.length;
    const { lease, store } = this.#deps;
    let result: AppendResult | Promise<AppendResult>;
    try {
      result = lease
        ? store.append(this.key, expected, entries, { lease })
        : store.append(this.key, expected, entries);
    } catch (error) {
      this.#appendingUpTo = 0;
      throw storeRefusal(error);
    }
    if (result instanceof Promise) {
      return result.then(
        (settled) => {
          this.#appendingUpTo = 0;
          return this.#appended(batch, entries, expected, settled, attempt);
        },
        (error: unknown) => {
          this.#appendingUpTo = 0;
          throw storeRefusal(error);
        },
      );
    }
    this.#appendingUpTo = 0;
    return this.#appended(batch, entries, expected, result, attempt);
  }

  /** Takes in what the append of a batch did; tries again after a lost race. */
  #appended(
    batch: readonly PendingEvent[],
    entries: readonly TaskLogEntry[],
    expected: number,
    result: AppendResult,
    attempt: number,
  ): void | Promise<void> {
    if (this.#deps.lease && !result.ok && result.current?.version === expected) {
      // Refused with the version unchanged: another process's run holds the lease.
      if (!this.#leased) throw new LeaseHeldElsewhere();
      // This run's lease lapsed and another run took the task over: this one stops.
      this.#stopAgent(new DOMException("Another run took the task over", "AbortError"));
      return;
    }
    if (result.ok) {
      if (this.#deps.lease) this.#leased = true;
      this.#adopt(result, entries[entries.length - 1]!.task);
      entries.forEach((entry, i) => {
        this.#reached(entry.event, entry.task, expected + i + 1);
      });
      return;
    }
    // A new task's id is fresh: losing at version 0 would mean the id was taken.
    if (expected === 0 || attempt >= MAX_APPEND_ATTEMPTS) throw errors.internal();
    this.#adopt(result, entries[entries.length - 1]!.task);
    return this.#writeBatch(batch, attempt + 1);
  }

  /** Resolves once no write is under way or waiting; `undefined` when none is. */
  #writesDone(): Promise<void> | undefined {
    if (!this.#writing) return undefined;
    this.#whenIdle ??= [];
    const idle = this.#whenIdle;
    return new Promise<void>((resolve) => {
      idle.push(resolve);
    });
  }

  /**
   * Settles what an appended event reached: the task created, a pause or an end, or a
   * continuation joined.
   */
  #reached(payload: StreamResponse, next: Task, version: number): void {
    if ("statusUpdate" in payload) {
      const { state } = next.status;
      if (isTerminal(state) || isInterrupted(state)) {
        this.#settle("paused", { outcome: { task: next, version } });
      }
    } else if (
      "task" in payload ||
      ("message" in payload && payload.message.role === "ROLE_USER")
    ) {
      this.#settle("created", { outcome: { task: next, version } });
    }
  }

  /**
   * Takes in what an append did: the run's task moves on, or, on a lost race, becomes the
   * task as it now is (and the agent stops if that has ended).
   */
  #adopt(result: AppendResult, next: Task): void {
    if (result.ok) {
      // Unless the run already learned of later events while this append was under way.
      if (result.version > this.#version) {
        this.#task = next;
        this.#version = result.version;
      }
      return;
    }
    if (!result.current) throw errors.taskNotFound(this.key.taskId);
    this.#task = result.current.task;
    this.#version = result.current.version;
    const { state } = this.#task.status;
    if (isTerminal(state)) {
      this.#deps.logger.debug("the task ended elsewhere; the agent's event is dropped", {
        taskId: this.key.taskId,
        state,
      });
      this.#stopAgent(new DOMException(`The task is ${state}`, "AbortError"));
    }
  }

  /** The task a first event creates: SUBMITTED, with the user's message. */
  #newTask(): Task {
    return {
      id: this.key.taskId,
      contextId: this.context.contextId,
      status: {
        state: "TASK_STATE_SUBMITTED",
        timestamp: isoTime(this.#deps.clock.now()),
      },
      history: [{ ...this.context.userMessage, taskId: this.key.taskId }],
    };
  }
}

function outcomeOf(settlement: Settlement | undefined): ExecutionOutcome | undefined {
  return settlement && "outcome" in settlement ? settlement.outcome : undefined;
}
