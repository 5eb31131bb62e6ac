import type { PushConfigRecord } from "../../ports/push-config-store.js";
import type { TaskKey } from "../../ports/task-store.js";
import { WebhookUrlRefused } from "../../ports/webhook-sender.js";
import { PUSH_SIGNATURE_HEADER } from "../../security/push-signer.js";
import { backgroundSleep } from "../../util/background-timer.js";
import { describe } from "../../util/describe-error.js";
import { isTerminal, type Task } from "../../wire/v1/index.js";
import type { StreamResponse } from "../../wire/v1/responses.js";
import { applyEvent } from "../execution/task-reducer.js";
import type { PushDeliveryDeps, PushDeliveryFailure } from "./delivery-deps.js";
import { retryDelayMs, verdictOf } from "./delivery-policy.js";
import { deliveryId, pushMessage } from "./push-payload.js";

/** A lane waiting for its task's next event reads the log again after this long anyway. */
const IDLE_RECHECK_MS = 60_000;

/** The task a log's first event creates. */
const taskOf = (event: StreamResponse): Task | undefined =>
  "task" in event ? event.task : undefined;

/** Whether an event leaves its task in a terminal state. */
function endsTask(event: StreamResponse): boolean {
  if ("statusUpdate" in event) return isTerminal(event.statusUpdate.status.state);
  return "task" in event && isTerminal(event.task.status.state);
}

/** One config's deliveries, one event at a time. */
export class Lane {
  readonly #deps: PushDeliveryDeps;
  readonly #key: TaskKey;
  readonly #configId: string;
  readonly #stop = new AbortController();
  /** An event was appended since the lane last read the log. */
  #dirty = true;
  #wakeUp: (() => void) | undefined;
  /** The task as of the last event delivered (0.3 configs are sent the task). */
  #task: Task | undefined;
  /** Whether the last event this lane delivered ended the task; `undefined`: none yet. */
  #finished: boolean | undefined;

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
        if (this.#finished) return;
        if (this.#finished === undefined && record.deliveredSeq > 0) {
          // Nothing new since the config's progress: is the task over already?
          const stored = await tasks.get(this.#key);
          if (!stored || isTerminal(stored.task.status.state)) return;
        }
        await this.#idle();
        continue;
      }
      // Only 0.3 configs are sent the task: the others need not fold the log.
      const folds = record.payload === "0.3";
      if (folds && !this.#task && record.deliveredSeq > 0) {
        this.#task = await this.#taskAt(record.deliveredSeq);
      }
      for (const { seq, event } of events) {
        if (signal.aborted) return;
        if (folds) {
          this.#task = this.#task ? applyEvent(this.#task, event) : taskOf(event);
          if (!this.#task) return;
        }
        const next = await this.#deliver(record, seq, event, this.#task);
        if (next === "stop") return;
        if (next === "reload") {
          // The config changed meanwhile (set again, maybe through another instance): start
          // over from its progress, the task folded again up to there.
          this.#task = undefined;
          break;
        }
        this.#finished = endsTask(event);
      }
    }
  }

  /**
   * Waits for the next event (or the stop), and at most a while: the log is read again then,
   * so a lane whose task expired without finishing ends (and its configs go).
   */
  async #idle(): Promise<void> {
    if (this.#dirty || this.#stop.signal.aborted) return;
    const woken = new AbortController();
    this.#wakeUp = () => woken.abort();
    await backgroundSleep(IDLE_RECHECK_MS, woken.signal);
    this.#wakeUp = undefined;
  }

  /** The task as of event `seq`: its log folded up to there. */
  async #taskAt(seq: number): Promise<Task | undefined> {
    const events = (await this.#deps.tasks.readEvents(this.#key, 0)) ?? [];
    let task: Task | undefined;
    for (const entry of events) {
      if (entry.seq > seq) break;
      task = task ? applyEvent(task, entry.event) : taskOf(entry.event);
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
    task: Task | undefined,
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
