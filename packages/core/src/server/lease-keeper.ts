import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { LapsedRun, RunLease, RunLeases, TaskStore } from "../ports/task-store.js";
import { backgroundInterval } from "../util/background-timer.js";
import { describe } from "../util/describe-error.js";
import { isInterrupted, isTerminal } from "../wire/v1/index.js";
import { appendServerStatus } from "./execution/append-event.js";

/** The status message of a task whose run was lost with the process running it. */
export const RUN_LOST_TEXT =
  "The agent's run was lost: the server running it stopped before the task finished.";

/** Lapsed runs ended per sweep, at most. */
const SWEEP_BATCH = 100;

export interface LeaseKeeperDeps {
  store: TaskStore;
  /** The store's leases. */
  runs: RunLeases;
  lease: RunLease;
  clock: Clock;
  logger: Logger;
  newId: () => string;
}

/**
 * Keeps this process's runs leased, and ends other processes' lapsed runs. While runs go on
 * here, their leases are renewed three times per lease period; every half period, runs whose
 * lease lapsed (their process is gone) are ended: a task left running fails with a status
 * message saying so, which every subscriber and waiting caller then sees; a task left
 * waiting for the client only loses the lease. Any process may sweep: compare-and-swap lets
 * one of them end each run.
 */
export class LeaseKeeper {
  readonly #deps: LeaseKeeperDeps;
  #runs = 0;
  #renewing: ReturnType<typeof setInterval> | undefined;
  #sweep: Promise<void> | undefined;
  readonly #sweeping: ReturnType<typeof setInterval>;

  constructor(deps: LeaseKeeperDeps) {
    this.#deps = deps;
    // Until `close` (it never keeps the process alive by itself).
    this.#sweeping = backgroundInterval(() => this.sweep(), Math.max(1, deps.lease.ttlMs / 2));
  }

  /** Stops renewing and sweeping (the server shuts down, its runs ended). */
  close(): void {
    clearInterval(this.#sweeping);
    clearInterval(this.#renewing);
    this.#renewing = undefined;
  }

  /** A run began here: its lease is renewed until it ends. */
  runStarted(): void {
    if (this.#runs++ > 0) return;
    this.#renewing = backgroundInterval(
      () => this.#renew(),
      Math.max(1, this.#deps.lease.ttlMs / 3),
    );
  }

  runEnded(): void {
    if (--this.#runs > 0) return;
    clearInterval(this.#renewing);
    this.#renewing = undefined;
  }

  /** Ends the runs whose lease lapsed (one sweep at a time); resolves when done. */
  sweep(): Promise<void> {
    this.#sweep ??= this.#sweepOnce().finally(() => {
      this.#sweep = undefined;
    });
    return this.#sweep;
  }

  #renew(): void {
    const { runs, lease, logger } = this.#deps;
    runs.renew(lease.holder, lease.ttlMs).catch((error: unknown) => {
      // Tried again a third of a period later; a run whose lease lapses meanwhile loses
      // its task to a sweep, and is stopped when it hears so.
      logger.warn("could not renew the leases of this server's runs", { error: describe(error) });
    });
  }

  async #sweepOnce(): Promise<void> {
    const { runs, logger } = this.#deps;
    let lapsed: LapsedRun[];
    try {
      lapsed = await runs.lapsed(SWEEP_BATCH);
    } catch (error) {
      logger.warn("could not look for lapsed runs", { error: describe(error) });
      return;
    }
    for (const run of lapsed) {
      try {
        await this.#end(run);
      } catch (error) {
        logger.warn("could not end a lapsed run", {
          taskId: run.key.taskId,
          error: describe(error),
        });
      }
    }
  }

  async #end(run: LapsedRun): Promise<void> {
    const { runs, logger } = this.#deps;
    const { task, key } = run;
    const state = task.status.state;
    if (isTerminal(state) || isInterrupted(state)) {
      // The task waits for its client (or is over): only the lease goes.
      await runs.release(key, run.holder);
      return;
    }
    const failed = await appendServerStatus(
      this.#deps,
      key,
      run,
      "TASK_STATE_FAILED",
      RUN_LOST_TEXT,
    );
    // Unless it lost a race: the run came back, or another sweep or a cancel ended it first.
    if (failed) {
      logger.warn("failed a task whose run was lost with its server", {
        taskId: task.id,
        holder: run.holder,
      });
    }
  }
}
