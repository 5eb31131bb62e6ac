import type { Logger } from "@a2a-mount/core";
import type pg from "pg";

/** Notifications sent per statement at most. */
const MAX_BATCH = 500;

/**
 * Sends the store's NOTIFY messages after the appends they announce, many per statement.
 * PostgreSQL serialises the commits of notifying transactions on one lock: notifying inside
 * each append made every append wait for every other (about 150 appends a second on the
 * bench machine). Here appends commit freely, and the notifications of all appends that
 * finished meanwhile go out together, in order, one statement at a time. A notification lost
 * with its process (between the append and its flush) is made up by the watchers' poll.
 */
export class Notifier {
  readonly #pool: pg.Pool;
  readonly #sql: string;
  readonly #channel: string;
  readonly #logger: Logger;
  #queue: string[] = [];
  #flushing: Promise<void> | undefined;
  #scheduled = false;

  constructor(pool: pg.Pool, sql: string, channel: string, logger: Logger) {
    this.#pool = pool;
    this.#sql = sql;
    this.#channel = channel;
    this.#logger = logger;
  }

  /** Queues a payload; it goes out with the others queued in the same turn of the event loop. */
  send(payload: string): void {
    this.#queue.push(payload);
    if (this.#scheduled || this.#flushing) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flushing ??= this.#flush().finally(() => {
        this.#flushing = undefined;
      });
    });
  }

  /** Resolves once what was queued has been sent (or given up). */
  async drain(): Promise<void> {
    while (this.#flushing || this.#scheduled) {
      await (this.#flushing ?? new Promise((resolve) => setImmediate(resolve)));
    }
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      try {
        await this.#pool.query(this.#sql, [this.#channel, batch]);
      } catch (error) {
        this.#logger.warn("could not notify other instances of task events", {
          error: String(error),
          notifications: batch.length,
        });
      }
    }
  }
}
