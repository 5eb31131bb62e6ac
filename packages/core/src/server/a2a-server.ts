import { A2AError, errors } from "../errors/a2a-error.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import {
  InvalidPageTokenError,
  type TaskKey,
  type TaskStore,
  taskKeyString,
} from "../ports/task-store.js";
import { backgroundSleep } from "../util/background-timer.js";
import { describe } from "../util/describe-error.js";
import { mapInSlices } from "../util/yield-to-event-loop.js";
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
  type TaskPushNotificationConfig,
} from "../wire/v1/index.js";
import type { ListTasksResponse, SendMessageResponse } from "../wire/v1/responses.js";
import { type CallContext, ownerOf, type TaskOwner } from "./call-context.js";
import { parseEventId } from "./event-cursor.js";
import type { AgentExecutorObject } from "./execution/agent-executor.js";
import { appendServerStatus } from "./execution/append-event.js";
import { CANCELED_TEXT } from "./execution/events.js";
import { Execution, type ExecutionDeps, stillProcessing } from "./execution/execution.js";
import { taskView } from "./execution/task-reducer.js";
import { KeyedMutex } from "./keyed-mutex.js";
import { LeaseKeeper } from "./lease-keeper.js";
import { assertPartsAccepted } from "./media-types.js";
import type { ConfigOrigin, PushConfigs, PushConfigView } from "./push/push-configs.js";
import { type StreamEnd, untilPause, untilTerminal } from "./stream-ends.js";
import { type StreamEvent, TaskFeed } from "./task-feed.js";

/** Where a push config comes from: the call's version (its payloads) and agent URL. */
const originOf = (call: CallContext): ConfigOrigin => ({
  payload: call.version,
  agentUrl: call.agentUrl,
});

/** A push config as the call shows it: with the call's tenant, when it names one. */
const inTenant = (config: PushConfigView, call: CallContext): PushConfigView =>
  call.tenant ? { ...config, tenant: call.tenant } : config;

/** How long `close` lets runs go on before it ends them, by default. */
const DEFAULT_CLOSE_GRACE_MS = 10_000;

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
  /**
   * How long a run's lease lasts unless renewed, in ms, when the store keeps leases (it is
   * shared by several processes).
   */
  leaseMs: number;
  /** Push notification configs and their delivery; `undefined`: push is not supported. */
  push: PushConfigs | undefined;
}

/**
 * A stream of a task's events, each with its SSE id, which names its place in the task's
 * log (a snapshot of the task: the version it shows).
 */
export type EventStream = AsyncIterableIterator<StreamEvent>;

/** Cancels racing other writers give up after this many lost appends (each loss is progress). */
const MAX_CANCEL_ATTEMPTS = 16;

/**
 * The A2A operations, binding-neutral: transports call these with validated 1.0 params and
 * a call context, and map results and `A2AError`s to the wire.
 */
export class A2AServer {
  readonly #config: ServerConfig;
  readonly #deps: ExecutionDeps;
  readonly #executions = new Map<string, Execution>();
  readonly #locks = new KeyedMutex();
  readonly #leases: LeaseKeeper | undefined;
  #openStreams = 0;
  #closing: Promise<void> | undefined;

  constructor(config: ServerConfig) {
    this.#config = config;
    const { store } = config;
    // This server's runs are leased to it by a name of its own.
    const lease = store.runs ? { holder: config.newId(), ttlMs: config.leaseMs } : undefined;
    this.#deps = {
      store,
      clock: config.clock,
      logger: config.logger,
      newId: config.newId,
      executor: config.executor,
      runTimeoutMs: config.runTimeoutMs,
      lease,
    };
    this.#leases =
      store.runs && lease
        ? new LeaseKeeper({
            store,
            runs: store.runs,
            lease,
            clock: config.clock,
            logger: config.logger,
            newId: config.newId,
          })
        : undefined;
  }

  /**
   * Shuts the server down: new sends are refused (503), runs still going after `graceMs`
   * are ended (their tasks fail with a status message saying so, and their agents are told
   * to stop), push deliveries stop and release their claims, and the lease keeping stops.
   * Resolves when all that is done. Calling it again returns the same promise.
   */
  close(options: { graceMs?: number } = {}): Promise<void> {
    this.#closing ??= this.#close(options.graceMs ?? DEFAULT_CLOSE_GRACE_MS);
    return this.#closing;
  }

  async #close(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    const graceOver = new AbortController();
    // The wait ends with the last run or the grace period, whichever comes first, and keeps
    // no timer behind it.
    const grace = backgroundSleep(graceMs, graceOver.signal);
    while (this.#executions.size > 0 && Date.now() < deadline) {
      const ends = [...this.#executions.values()].map((execution) => execution.until("done"));
      await Promise.race([...ends, grace]);
    }
    graceOver.abort();
    await Promise.all([...this.#executions.values()].map((execution) => execution.abandon()));
    this.#leases?.close();
    await this.#config.push?.close();
  }

  /** Number of agent runs in progress. */
  get activeExecutions(): number {
    return this.#executions.size;
  }

  /** Number of event streams open. */
  get openStreams(): number {
    return this.#openStreams;
  }

  sendMessage(params: SendMessageRequest, call: CallContext): Promise<SendMessageResponse> {
    // Without async frames: a new task's send is prepared at once (see #prepare), and its
    // answer is the run's own promise carried on by one `then`.
    try {
      const preparing = this.#prepare(params, call);
      if (preparing instanceof Promise) return preparing.then((run) => this.#sent(run, params));
      return this.#sent(preparing, params);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Starts a prepared send and answers once the client's wait is over. */
  #sent(execution: Execution, params: SendMessageRequest): Promise<SendMessageResponse> {
    const returnImmediately = params.configuration?.returnImmediately === true;
    execution.start({ createFirst: returnImmediately });
    return execution.until(returnImmediately ? "created" : "paused").then((outcome) => {
      if (!outcome) throw errors.internal();
      if ("message" in outcome) return { message: outcome.message };
      return {
        task: taskView(outcome.task, { historyLength: params.configuration?.historyLength }),
      };
    });
  }

  /**
   * Streams a send. The task is created before the agent runs, so every stream is of a
   * task and can be resumed; a client resuming one (`Last-Event-ID`) is not sending again.
   */
  async sendStreamingMessage(params: SendMessageRequest, call: CallContext): Promise<EventStream> {
    this.#assertStreaming();
    if (call.lastEventId !== undefined) {
      const key = this.#key(call, params.message.taskId || parseEventId(call.lastEventId).taskId);
      return this.#resume(key, call.lastEventId, untilPause);
    }
    const execution = await this.#prepare(params, call);
    const feed = this.#feed(execution.key, untilPause);
    execution.onError((error) => feed.fail(error));
    execution.start({ createFirst: true });
    let created: Awaited<ReturnType<Execution["until"]>>;
    try {
      created = await execution.until("created");
    } catch (error) {
      await feed.return();
      throw error;
    }
    if (!created || !("task" in created)) {
      await feed.return();
      throw errors.internal();
    }
    feed.begin([{ seq: created.version, event: { task: created.task } }], created.version);
    // A run that ends without a pause still ends its stream, once the stream has every event
    // the run wrote (a store's watchers may hear of them later).
    void execution.until("done").then((outcome) => {
      feed.endAfter(outcome && "task" in outcome ? outcome.version : 0);
    });
    return feed;
  }

  async getTask(params: GetTaskRequest, call: CallContext): Promise<Task> {
    const stored = await this.#config.store.get(this.#key(call, params.id));
    if (!stored) throw errors.taskNotFound(params.id);
    return taskView(stored.task, { historyLength: params.historyLength });
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
    const tasks = await mapInSlices(page.tasks, SERIALISE_SLICE_CHARS, (task) => {
      const shown = taskView(task, view);
      return { value: shown, size: taskJson(shown).length };
    });
    return {
      tasks,
      nextPageToken: page.nextPageToken,
      pageSize,
      totalSize: page.totalSize,
    };
  }

  /**
   * Appends CANCELED with compare-and-swap, racing whoever else writes the task: a run of
   * the agent hears of it (wherever it runs) and stops the agent.
   */
  async cancelTask(params: CancelTaskRequest, call: CallContext): Promise<Task> {
    const key = this.#key(call, params.id);
    for (let attempt = 1; ; attempt++) {
      const stored = await this.#config.store.get(key);
      if (!stored) throw errors.taskNotFound(params.id);
      const { state } = stored.task.status;
      if (isTerminal(state)) throw errors.taskNotCancelable(params.id, state);
      const canceled = await appendServerStatus(
        this.#config,
        key,
        stored,
        "TASK_STATE_CANCELED",
        CANCELED_TEXT,
      );
      if (canceled) return canceled;
      if (attempt >= MAX_CANCEL_ATTEMPTS) throw errors.internal();
    }
  }

  /**
   * Streams a task's events until it finishes (or where `end` says): its snapshot first,
   * then every later event. With `Last-Event-ID`, the events after that one instead, then
   * the later ones.
   */
  async subscribeToTask(
    params: SubscribeToTaskRequest,
    call: CallContext,
    end: StreamEnd = untilTerminal,
  ): Promise<EventStream> {
    this.#assertStreaming();
    const key = this.#key(call, params.id);
    if (call.lastEventId !== undefined) return this.#resume(key, call.lastEventId, end);
    const feed = this.#feed(key, end);
    try {
      const stored = await this.#config.store.get(key);
      if (!stored) throw errors.taskNotFound(params.id);
      const { task, version } = stored;
      if (isTerminal(task.status.state)) {
        throw errors.unsupportedOperation(
          `Task ${task.id} is ${task.status.state}; a finished task has no updates to subscribe to`,
          { taskId: task.id },
        );
      }
      feed.begin([{ seq: version, event: { task } }], version);
      return feed;
    } catch (error) {
      await feed.return();
      throw error;
    }
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

  async createPushConfig(
    params: TaskPushNotificationConfig,
    call: CallContext,
  ): Promise<PushConfigView> {
    const push = this.#push();
    if (!params.taskId) {
      throw errors.invalidParams([{ field: "taskId", description: "is required" }]);
    }
    return inTenant(
      await push.create(this.#key(call, params.taskId), params, originOf(call)),
      call,
    );
  }

  async getPushConfig(
    params: { taskId: string; id: string },
    call: CallContext,
  ): Promise<PushConfigView> {
    return inTenant(await this.#push().get(this.#key(call, params.taskId), params.id), call);
  }

  async listPushConfigs(
    params: { taskId: string; pageSize?: number | undefined; pageToken?: string | undefined },
    call: CallContext,
  ): Promise<{ configs: PushConfigView[]; nextPageToken: string }> {
    const key = this.#key(call, params.taskId);
    const page = await this.#push().list(key, params);
    // 0.3 lists are not paged: every config of the task (few: `maxConfigsPerTask`).
    while (call.version === "0.3" && page.nextPageToken) {
      const next = await this.#push().list(key, { pageToken: page.nextPageToken });
      page.configs.push(...next.configs);
      page.nextPageToken = next.nextPageToken;
    }
    return { ...page, configs: page.configs.map((config) => inTenant(config, call)) };
  }

  async deletePushConfig(params: { taskId: string; id: string }, call: CallContext): Promise<void> {
    await this.#push().delete(this.#key(call, params.taskId), params.id);
  }

  #push(): PushConfigs {
    if (!this.#config.push) throw errors.pushNotSupported();
    return this.#config.push;
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
   * A feed of the task's events, ending where `end` says. A reader that falls more than
   * `maxStreamBufferBytes` behind is dropped with an error (its events stay in the task's
   * log, to resume from); the agent and other readers never wait for it.
   */
  #feed(key: TaskKey, end: StreamEnd): TaskFeed {
    const maxBytes = this.#config.maxStreamBufferBytes;
    this.#openStreams++;
    return new TaskFeed(
      this.#config.store,
      key,
      end,
      {
        maxBytes,
        overflow: () =>
          errors.resourceExhausted(
            `The stream fell more than ${maxBytes} bytes behind the task's events; resume it with Last-Event-ID or subscribe to the task again`,
            "maxStreamBufferBytes",
          ),
      },
      () => this.#openStreams--,
    );
  }

  /**
   * A stream resumed after the event `lastEventId` names: the events of the task after it,
   * then later ones, until `end`. An id of another task, or past the task's log, is refused.
   */
  async #resume(key: TaskKey, lastEventId: string, end: StreamEnd): Promise<EventStream> {
    const cursor = parseEventId(lastEventId);
    if (cursor.taskId !== key.taskId) {
      throw errors.invalidParams([
        {
          field: "Last-Event-ID",
          description: `names an event of another task than ${key.taskId}`,
        },
      ]);
    }
    const feed = this.#feed(key, end);
    try {
      const stored = await this.#config.store.get(key);
      const missed = stored && (await this.#config.store.readEvents(key, cursor.seq));
      if (!stored || !missed) throw errors.taskNotFound(key.taskId);
      if (cursor.seq > stored.version) {
        throw errors.invalidParams([
          {
            field: "Last-Event-ID",
            description: `names event ${cursor.seq}, but task ${key.taskId} has ${stored.version}`,
          },
        ]);
      }
      feed.begin(missed, missed.at(-1)?.seq ?? cursor.seq);
      // Nothing missed, and nothing will come: the stream is over at once.
      if (missed.length === 0 && end.endsIn(stored.task.status.state)) feed.end();
      return feed;
    } catch (error) {
      await feed.return();
      throw error;
    }
  }

  /**
   * Checks a send and registers its run, not yet started: at once for a new task when there
   * is nothing to wait for (no message authorizer, no push config to check).
   */
  #prepare(params: SendMessageRequest, call: CallContext): Execution | Promise<Execution> {
    if (this.#closing) {
      throw new A2AError("INTERNAL", "The server is shutting down; send the message again", {
        transportStatus: 503,
      });
    }
    const { authorizeMessage } = this.#config;
    const pushConfig = params.configuration?.taskPushNotificationConfig;
    if (!authorizeMessage && !pushConfig) return this.#open(params, call);
    return (async () => {
      if (authorizeMessage) await authorizeMessage(params.message, call);
      if (pushConfig) await this.#push().validateForSend(pushConfig);
      return this.#open(params, call);
    })();
  }

  /** Registers the run of a checked send: a new task's at once, a continued one's once read. */
  #open(params: SendMessageRequest, call: CallContext): Execution | Promise<Execution> {
    const { message } = params;
    const pushConfig = params.configuration?.taskPushNotificationConfig;
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
      const execution = this.#register(
        new Execution(this.#deps, {
          key,
          keyString: taskKeyString(key),
          contextId,
          existing: undefined,
          version: 0,
          userMessage: { ...message, contextId },
          request,
        }),
      );
      if (pushConfig) this.#pushWhenCreated(execution, pushConfig, call);
      return execution;
    }
    const taskId = message.taskId;
    const key = this.#key(call, taskId);
    const ks = taskKeyString(key);
    return this.#locks.run(ks, async () => {
      const stored = await this.#config.store.get(key);
      if (!stored) throw errors.taskNotFound(taskId);
      const existing = stored.task;
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
      if (this.#executions.has(ks)) throw stillProcessing(taskId);
      const execution = new Execution(this.#deps, {
        key,
        keyString: ks,
        contextId,
        existing,
        version: stored.version,
        userMessage: { ...message, contextId },
        request,
      });
      // The task exists: its config is stored before the run, so a refusal (the task's
      // limit) fails the send.
      if (pushConfig)
        await this.#push().createForSend(key, pushConfig, originOf(call), stored.version);
      return this.#register(execution);
    });
  }

  /**
   * Stores the push config of a send that makes a new task once the run has made it, so
   * that its deliveries find the task's log (every event of it, from the first).
   */
  #pushWhenCreated(
    execution: Execution,
    config: TaskPushNotificationConfig,
    call: CallContext,
  ): void {
    const push = this.#push();
    execution
      .until("created")
      .then(
        async (outcome) => {
          if (!outcome || !("task" in outcome)) return;
          await push.createForSend(execution.key, config, originOf(call), 0);
        },
        () => undefined, // the send failed: its caller hears why, and there is no task
      )
      .catch((error: unknown) => {
        this.#config.logger.error("could not store the push config of a send", {
          taskId: execution.key.taskId,
          error: describe(error),
        });
      });
  }

  #register(execution: Execution): Execution {
    const ks = execution.keyString;
    this.#executions.set(ks, execution);
    this.#leases?.runStarted();
    execution.onDone(() => {
      this.#leases?.runEnded();
      if (this.#executions.get(ks) === execution) this.#executions.delete(ks);
    });
    return execution;
  }
}
