import type { Clock } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type { PushConfigRecord, PushConfigStore } from "../../ports/push-config-store.js";
import { type TaskKey, type TaskStore, taskKeyString } from "../../ports/task-store.js";
import { type WebhookSender, WebhookUrlRefused } from "../../ports/webhook-sender.js";
import { PUSH_SIGNATURE_HEADER, type PushSigner } from "../../security/push-signature.js";
import { backgroundInterval, backgroundSleep } from "../../util/background-timer.js";
import { describe } from "../../util/describe-error.js";
import { isTerminal, type Task } from "../../wire/v1/index.js";
import type { StreamResponse } from "../../wire/v1/responses.js";
import { applyEvent } from "../execution/task-reducer.js";
import { type DeliveryPolicy, retryDelayMs, verdictOf } from "./delivery-policy.js";
import { deliveryId, pushMessage } from "./push-payload.js";

/** A lane waiting for its task's next event reads the log again after this long anyway. */
const IDLE_RECHECK_MS = 60_000;

/** Configs with pending deliveries taken up per look. */
const PENDING_BATCH = 100;

/** A delivery that failed, as `onDeliveryFailure` is told of it. */
export interface PushDeliveryFailure {
  taskId: string;
  configId: string;
  url: string;
  /** The id of the delivery (task id and event sequence). */
  deliveryId: string;
  /** The receiver's status, or `undefined` when no response came. */
  status: number | undefined;
  error: string | undefined;
  /** Attempts failed in a row, this one included. */
  failures: number;
  /** What happens next. */
  outcome: "retrying" | "event-given-up" | "config-disabled";
}

export interface PushDeliveryDeps {
  tasks: TaskStore;
  configs: PushConfigStore;
  /** This process's name on its claims (stores shared by several processes). */
  holder: string;
  /** How long a claim lasts unless renewed, in ms. */
  claimTtlMs: number;
  /** How often configs left with undelivered events are looked for, in ms. */
  pendingPollMs: number;
  sender: WebhookSender;
  /** Signs each attempt, when deliveries are signed. */
  signer: PushSigner | undefined;
  policy: DeliveryPolicy;
  clock: Clock;
  logger: Logger;
  onFailure: ((failure: PushDeliveryFailure) => void) | undefined;
}

/**
 * Delivers every event of a task to each of its push configs: one more reader of the task's
 * log per config, each on its own (a slow receiver delays nobody else), each in log order,
 * from the config's delivered sequence on, that sequence stored after each delivery. A
 * config's deliveries end when its task has finished and its last event is delivered, when
 * the config is deleted or disabled, or when the task is gone.
 */
export class PushDelivery {
  readonly #deps: PushDeliveryDeps;
  readonly #tasks = new Map<string, TaskDeliveries>();
  #looking: Promise<void> | undefined;

  constructor(deps: PushDeliveryDeps) {
    this.#deps = deps;
    const claims = deps.configs.claims;
    if (!claims) return;
    // For the life of the process (neither keeps it alive by itself): this process's claims
    // stay live while it delivers, and configs whose deliveries stopped with another
    // process, or before a restart, are taken up.
    backgroundInterval(
      () => {
        if (this.activeLanes === 0) return;
        claims.renew(deps.holder, deps.claimTtlMs).catch((error: unknown) => {
          deps.logger.warn("could not renew push delivery claims", { error: describe(error) });
        });
      },
      Math.max(1, deps.claimTtlMs / 3),
    );
    backgroundInterval(() => void this.takeUpPending(), deps.pendingPollMs);
    // A process that starts takes up what was left undelivered (after its claims lapsed).
    queueMicrotask(() => void this.takeUpPending());
  }

  /** Starts the deliveries of configs that have undelivered events and nobody delivering. */
  takeUpPending(): Promise<void> {
    this.#looking ??= this.#takeUpPending().finally(() => {
      this.#looking = undefined;
    });
    return this.#looking;
  }

  async #takeUpPending(): Promise<void> {
    const claims = this.#deps.configs.claims;
    if (!claims) return;
    try {
      for (const { key, id } of await claims.pending(PENDING_BATCH)) this.started(key, id);
    } catch (error) {
      this.#deps.logger.warn("could not look for pending push deliveries", {
        error: describe(error),
      });
    }
  }

  /** Lanes delivering now: for leak checks. */
  get activeLanes(): number {
    let lanes = 0;
    for (const task of this.#tasks.values()) lanes += task.lanes.size;
    return lanes;
  }

  /**
   * A config was stored (created, or replaced): its deliveries (re)start from its progress,
   * here, unless another process has them.
   */
  started(key: TaskKey, configId: string): void {
    const claims = this.#deps.configs.claims;
    if (!claims) {
      this.#start(key, configId);
      return;
    }
    claims.claim(key, configId, this.#deps.holder, this.#deps.claimTtlMs).then(
      (claimed) => {
        if (claimed) this.#start(key, configId);
      },
      (error: unknown) => {
        // Taken up by a later look for pending deliveries.
        this.#deps.logger.warn("could not claim push deliveries", {
          taskId: key.taskId,
          configId,
          error: describe(error),
        });
      },
    );
  }

  #start(key: TaskKey, configId: string): void {
    const id = taskKeyString(key);
    let task = this.#tasks.get(id);
    if (!task) {
      task = new TaskDeliveries(this.#deps, key, () => this.#tasks.delete(id));
      this.#tasks.set(id, task);
    }
    task.start(configId);
  }

  /** A config was deleted: its deliveries stop (an attempt under way is abandoned). */
  stopped(key: TaskKey, configId: string): void {
    this.#tasks.get(taskKeyString(key))?.stop(configId);
  }
}

/** The deliveries of one task: its lanes, and the one watch of its log that wakes them. */
class TaskDeliveries {
  readonly lanes = new Map<string, Lane>();
  readonly #deps: PushDeliveryDeps;
  readonly #key: TaskKey;
  readonly #onIdle: () => void;
  #unwatch: (() => void) | undefined;

  constructor(deps: PushDeliveryDeps, key: TaskKey, onIdle: () => void) {
    this.#deps = deps;
    this.#key = key;
    this.#onIdle = onIdle;
  }

  start(configId: string): void {
    this.lanes.get(configId)?.stop();
    this.#unwatch ??= this.#deps.tasks.watch(this.#key, () => {
      for (const lane of this.lanes.values()) lane.wake();
    });
    const lane = new Lane(this.#deps, this.#key, configId);
    this.lanes.set(configId, lane);
    void lane.run().finally(() => {
      if (this.lanes.get(configId) !== lane) return;
      this.lanes.delete(configId);
      this.#deps.configs.claims
        ?.release(this.#key, configId, this.#deps.holder)
        .catch(() => undefined); // it lapses by itself

      if (this.lanes.size > 0) return;
      this.#unwatch?.();
      this.#unwatch = undefined;
      this.#onIdle();
    });
  }

  stop(configId: string): void {
    this.lanes.get(configId)?.stop();
  }
}

/** One config's deliveries, one event at a time. */
class Lane {
  readonly #deps: PushDeliveryDeps;
  readonly #key: TaskKey;
  readonly #configId: string;
  readonly #stop = new AbortController();
  /** An event was appended since the lane last read the log. */
  #dirty = true;
  #wakeUp: (() => void) | undefined;
  /** The task as of the last event delivered (0.3 configs are sent the task). */
  #task: Task | undefined;

  constructor(deps: PushDeliveryDeps, key: TaskKey, configId: string) {
    this.#deps = deps;
    this.#key = key;
    this.#configId = configId;
  }

  wake(): void {
    this.#dirty = true;
    this.#wakeUp?.();
  }

  stop(): void {
    this.#stop.abort();
    this.#wakeUp?.();
  }

  async run(): Promise<void> {
    try {
      await this.#deliverAll();
    } catch (error) {
      // A store that failed: the config keeps its progress, and starts again from it when it
      // is next stored (or, with a durable store, when the server restarts).
      this.#deps.logger.error("push deliveries stopped", {
        taskId: this.#key.taskId,
        configId: this.#configId,
        error: describe(error),
      });
    }
  }

  async #deliverAll(): Promise<void> {
    const { tasks, configs } = this.#deps;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const record = await configs.get(this.#key, this.#configId);
      if (!record || record.disabled || signal.aborted) return;
      this.#dirty = false;
      const events = await tasks.readEvents(this.#key, record.deliveredSeq);
      if (!events) {
        // The task is gone (expired): so are its configs.
        await configs.deleteTask(this.#key);
        return;
      }
      if (events.length === 0) {
        if (this.#task && isTerminal(this.#task.status.state)) return;
        if (!this.#task && record.deliveredSeq > 0) {
          // Nothing new since the config's progress: is the task over already?
          const stored = await tasks.get(this.#key);
          if (!stored || isTerminal(stored.task.status.state)) return;
        }
        await this.#idle();
        continue;
      }
      if (!this.#task && record.deliveredSeq > 0)
        this.#task = await this.#taskAt(record.deliveredSeq);
      for (const { seq, event } of events) {
        if (signal.aborted) return;
        this.#task = this.#task
          ? applyEvent(this.#task, event)
          : "task" in event
            ? event.task
            : undefined;
        if (!this.#task) return;
        const next = await this.#deliver(record, seq, event, this.#task);
        if (next === "stop") return;
        if (next === "reload") {
          // The config changed meanwhile (set again, maybe through another instance): start
          // over from its progress, the task folded again up to there.
          this.#task = undefined;
          break;
        }
      }
    }
  }

  /**
   * Waits for the next event (or the stop), and at most a while: the log is read again then,
   * so a lane whose task expired without finishing ends (and its configs go).
   */
  async #idle(): Promise<void> {
    if (this.#dirty || this.#stop.signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, IDLE_RECHECK_MS);
      (timer as { unref?: () => void }).unref?.();
      this.#wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wakeUp = undefined;
  }

  /** The task as of event `seq`: its log folded up to there. */
  async #taskAt(seq: number): Promise<Task | undefined> {
    const events = (await this.#deps.tasks.readEvents(this.#key, 0)) ?? [];
    let task: Task | undefined;
    for (const entry of events) {
      if (entry.seq > seq) break;
      task = task
        ? applyEvent(task, entry.event)
        : "task" in entry.event
          ? entry.event.task
          : undefined;
    }
    return task;
  }

  /**
   * Delivers event `seq`, trying again as the policy says; records the progress. What the
   * lane does next: the next event, stop (the config was disabled or deleted, or the lane
   * stopped), or reload the config (it was set again while this event was retried).
   */
  async #deliver(
    record: PushConfigRecord,
    seq: number,
    event: StreamResponse,
    task: Task,
  ): Promise<"next" | "stop" | "reload"> {
    const { sender, configs, policy } = this.#deps;
    const signal = this.#stop.signal;
    const message = pushMessage(record, seq, event, task);
    for (;;) {
      let status: number | undefined;
      let retryAfterMs: number | undefined;
      let error: unknown;
      try {
        const issuer = record.agentUrl;
        const headers =
          this.#deps.signer && issuer
            ? {
                ...message.headers,
                [PUSH_SIGNATURE_HEADER]: await this.#deps.signer.sign({
                  issuer,
                  url: record.config.url,
                  deliveryId: message.headers["a2a-notification-id"]!,
                  taskId: this.#key.taskId,
                  body: message.body,
                }),
              }
            : message.headers;
        ({ status, retryAfterMs } = await sender.post({
          url: record.config.url,
          headers,
          body: message.body,
          timeoutMs: policy.timeoutMs,
          signal,
        }));
      } catch (thrown) {
        error = thrown;
      }
      if (signal.aborted) return "stop";
      const verdict =
        error instanceof WebhookUrlRefused ? "gone" : verdictOf(error ? undefined : status);
      if (verdict === "delivered") {
        record.failures = 0;
        record.deliveredSeq = seq;
        await configs.update(this.#key, this.#configId, { deliveredSeq: seq, failures: 0 });
        return "next";
      }
      record.failures += 1;
      const disable = verdict === "gone" || record.failures >= policy.maxConsecutiveFailures;
      const outcome = disable
        ? "config-disabled"
        : verdict === "retry"
          ? "retrying"
          : "event-given-up";
      this.#report(record, seq, status, error, outcome);
      if (disable) {
        const reason =
          verdict === "gone"
            ? error
              ? `The webhook URL was refused: ${(error as Error).message}`
              : "The receiver answered 410 Gone"
            : `${record.failures} delivery attempts failed in a row`;
        await configs.update(this.#key, this.#configId, {
          failures: record.failures,
          disabled: { reason, at: new Date(this.#deps.clock.now()).toISOString() },
        });
        return "stop";
      }
      if (outcome === "event-given-up") {
        record.deliveredSeq = seq;
        await configs.update(this.#key, this.#configId, {
          deliveredSeq: seq,
          failures: record.failures,
        });
        return "next";
      }
      await configs.update(this.#key, this.#configId, { failures: record.failures });
      await backgroundSleep(retryDelayMs(policy, record.failures, retryAfterMs), signal);
      if (signal.aborted) return "stop";
      // Deleted, disabled or set again meanwhile, perhaps through another instance (whose
      // own lane could not start while this one holds the claim): not tried again as it was.
      const now = await configs.get(this.#key, this.#configId);
      if (!now || now.disabled) return "stop";
      if (
        now.payload !== record.payload ||
        JSON.stringify(now.config) !== JSON.stringify(record.config) ||
        now.failures < record.failures
      ) {
        return "reload";
      }
    }
  }

  #report(
    record: PushConfigRecord,
    seq: number,
    status: number | undefined,
    error: unknown,
    outcome: PushDeliveryFailure["outcome"],
  ): void {
    const failure: PushDeliveryFailure = {
      taskId: this.#key.taskId,
      configId: this.#configId,
      url: record.config.url,
      deliveryId: deliveryId(this.#key.taskId, seq),
      status,
      error: error === undefined ? undefined : describe(error),
      failures: record.failures,
      outcome,
    };
    const log = outcome === "config-disabled" ? "error" : "warn";
    // The URL may carry a secret in its query; the log names the config instead.
    this.#deps.logger[log]("push delivery failed", {
      taskId: failure.taskId,
      configId: failure.configId,
      deliveryId: failure.deliveryId,
      status,
      error: failure.error,
      failures: failure.failures,
      outcome,
    });
    try {
      this.#deps.onFailure?.(failure);
    } catch {
      // The hook's failure is its own.
    }
  }
}
