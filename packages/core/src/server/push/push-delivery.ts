import { type TaskKey, taskKeyString } from "../../ports/task-store.js";
import { backgroundInterval } from "../../util/background-timer.js";
import { describe } from "../../util/describe-error.js";
import type { PushDeliveryDeps } from "./delivery-deps.js";
import { Lane } from "./push-lane.js";

export type { PushDeliveryDeps, PushDeliveryFailure } from "./delivery-deps.js";

/** Configs with pending deliveries taken up per look. */
const PENDING_BATCH = 100;

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
  readonly #timers: Array<ReturnType<typeof setInterval>> = [];
  #closed = false;

  constructor(deps: PushDeliveryDeps) {
    this.#deps = deps;
    const claims = deps.configs.claims;
    if (!claims) return;
    // Until `close` (neither keeps the process alive by itself): this process's claims stay
    // live while it delivers, and configs whose deliveries stopped with another process, or
    // before a restart, are taken up.
    const renewing = backgroundInterval(
      () => {
        if (this.activeLanes === 0) return;
        claims.renew(deps.holder, deps.claimTtlMs).catch((error: unknown) => {
          deps.logger.warn("could not renew push delivery claims", { error: describe(error) });
        });
      },
      Math.max(1, deps.claimTtlMs / 3),
    );
    const looking = backgroundInterval(() => void this.takeUpPending(), deps.pendingPollMs);
    this.#timers.push(renewing, looking);
    // A process that starts takes up what was left undelivered (after its claims lapsed).
    queueMicrotask(() => void this.takeUpPending());
  }

  /**
   * Stops every delivery here (an attempt under way is abandoned, and may be made again by
   * whoever takes the config up: at least once) and releases their claims, so another
   * instance takes them up at its next look; resolves once they are released.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    await Promise.all([...this.#tasks.values()].map((task) => task.close()));
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
    if (this.#closed) return;
    const claims = this.#deps.configs.claims;
    if (!claims) {
      this.#start(key, configId);
      return;
    }
    claims.claim(key, configId, this.#deps.holder, this.#deps.claimTtlMs).then(
      (claimed) => {
        if (claimed && !this.#closed) this.#start(key, configId);
        else if (claimed) claims.release(key, configId, this.#deps.holder).catch(() => undefined);
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
  /** Each lane's end (and its claim's release), until it has come. */
  readonly #ended = new Set<Promise<void>>();

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
    const ended = lane.run().then(async () => {
      this.#ended.delete(ended);
      if (this.lanes.get(configId) !== lane) return;
      this.lanes.delete(configId);
      if (this.lanes.size === 0) {
        this.#unwatch?.();
        this.#unwatch = undefined;
        this.#onIdle();
      }
      // It lapses by itself otherwise.
      await this.#deps.configs.claims
        ?.release(this.#key, configId, this.#deps.holder)
        .catch(() => undefined);
    });
    this.#ended.add(ended);
  }

  stop(configId: string): void {
    this.lanes.get(configId)?.stop();
  }

  /** Stops every lane; resolves once each has ended and released its claim. */
  async close(): Promise<void> {
    for (const lane of this.lanes.values()) lane.stop();
    await Promise.all([...this.#ended]);
  }
}
