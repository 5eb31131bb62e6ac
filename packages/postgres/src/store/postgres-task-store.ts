import {
  type AppendOptions,
  type AppendResult,
  applyTaskEvent,
  consoleLogger,
  decodePageToken,
  encodePageToken,
  type LapsedRun,
  type Logger,
  type RunLeases,
  type StoredTask,
  type StreamResponse,
  statusTimeOf,
  type Task,
  type TaskKey,
  type TaskListPage,
  type TaskListQuery,
  type TaskLogEntry,
  type TaskLogEvent,
  type TaskLogListener,
  type TaskScope,
  type TaskStore,
  taskKeyString,
} from "@a2a-mount/core";
import { isInterrupted, isTerminal } from "@a2a-mount/core/wire";
import type pg from "pg";
import { type TableNames, tableNames } from "../schema/identifiers.js";
import { migrate } from "../schema/migrate.js";
import { LogWatchers } from "./log-watchers.js";
import { encodeNotification } from "./notification.js";
import { NotificationListener } from "./notification-listener.js";
import { ownPool } from "./own-pool.js";
import { PostgresPushConfigStore } from "./postgres-push-config-store.js";
import { PreparedStatements } from "./prepared-statements.js";
import { type Statements, statements } from "./statements.js";
import { storable } from "./task-keys.js";

export interface PostgresTaskStoreOptions {
  /** A pool of your own (closed by you), or... */
  pool?: pg.Pool;
  /** ...a connection string: the store makes its own pool and closes it with `close()`. */
  connectionString?: string;
  /** The schema of the store's tables (created if missing). Default `public`. */
  schema?: string;
  /**
   * Bring the schema up to date when the store opens (under an advisory lock, so instances
   * starting together take turns). Default `true`; with `false`, run
   * `npx a2a-mount-postgres migrate` (or `migrate()`) ahead of the deploy.
   */
  migrate?: boolean;
  /**
   * Send the store's statements as named prepared statements, parsed and planned once per
   * connection (about 40% less database CPU per append). Default `true`; set `false` behind
   * a pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  prepare?: boolean;
  /**
   * With `false`, the store's own pool (from `connectionString`) commits without waiting for
   * the write-ahead log to reach the disk (`synchronous_commit = off`): about a quarter less
   * database CPU per append, and less latency. A crash of PostgreSQL itself (not of your app)
   * may then lose the last fraction of a second of appends, never corrupting anything. Default
   * `true`. With a `pool` of your own, set it on that pool instead.
   */
  synchronousCommit?: boolean;
  /** How long a finished task and its events are kept, in ms. Default 7 days. */
  finishedTaskTtlMs?: number;
  /**
   * How often finished tasks past their retention are deleted, in ms. Default 60 000. Any
   * instance may sweep; one at a time does (an advisory lock), in batches.
   */
  retentionSweepIntervalMs?: number;
  /**
   * While tasks are watched, how often their versions are checked against the database, in
   * ms, in case a notification was missed. Default 2000.
   */
  pollIntervalMs?: number;
  logger?: Logger;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_FINISHED_TTL_MS = 7 * DAY_MS;
const DEFAULT_POLL_INTERVAL_MS = 2000;
/**
 * A running task's snapshot is written every this many events (and whenever it is created,
 * pauses or finishes), so reading it folds at most this many events onto its snapshot, and
 * no append rewrites the whole task each time.
 */
const SNAPSHOT_EVERY = 16;
const DEFAULT_RETENTION_SWEEP_MS = 60_000;
/** The largest version (a PostgreSQL `integer`). */
const MAX_VERSION = 2 ** 31 - 1;
/** Tasks deleted per statement of a retention sweep, and statements per sweep at most. */
const SWEEP_BATCH = 500;
const SWEEP_MAX_BATCHES = 20;
/** The advisory lock that keeps retention sweeps one at a time (with the schema's name). */
const SWEEP_LOCK = 0x0a2b;

interface TaskRow {
  version: number;
  snapshot: string;
  tail: string | null;
}

/**
 * A `TaskStore` on PostgreSQL: tasks and their event logs in two tables, appends with
 * compare-and-swap in one statement each, and watchers told of every instance's appends
 * through LISTEN/NOTIFY (with a fallback poll). Open it with {@link createPostgresTaskStore}.
 */
export class PostgresTaskStore implements TaskStore {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #tables: TableNames;
  readonly #sql: PreparedStatements<keyof Statements>;
  readonly #finishedTtlMs: number;
  readonly #watchers: LogWatchers;
  readonly #listener: NotificationListener;
  /** Other instances listen: appends notify them (else NOTIFY would only cost). */
  #peers = false;
  readonly #peerCheck: ReturnType<typeof setInterval>;
  readonly #pollIntervalMs: number;
  #poll: ReturnType<typeof setInterval> | undefined;
  readonly #retention: ReturnType<typeof setInterval>;
  readonly #logger: Logger;
  #closed = false;

  private constructor(pool: pg.Pool, ownsPool: boolean, options: PostgresTaskStoreOptions) {
    this.#pool = pool;
    this.#ownsPool = ownsPool;
    this.#tables = tableNames(options.schema ?? "public");
    this.#sql = new PreparedStatements(statements(this.#tables), {
      prefix: "a2a_",
      prepare: options.prepare !== false,
    });
    this.pushConfigs = new PostgresPushConfigStore(pool, this.#tables, {
      prepare: options.prepare !== false,
      closed: () => this.#closed,
    });
    this.#finishedTtlMs = positive(
      options.finishedTaskTtlMs ?? DEFAULT_FINISHED_TTL_MS,
      "finishedTaskTtlMs",
    );
    this.#pollIntervalMs = positive(
      options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      "pollIntervalMs",
    );
    const logger = options.logger ?? consoleLogger;
    this.#logger = logger;
    this.#retention = setInterval(
      () => {
        this.sweepExpired().catch((error: unknown) => {
          logger.warn("could not delete expired tasks", { error: String(error) });
        });
      },
      positive(
        options.retentionSweepIntervalMs ?? DEFAULT_RETENTION_SWEEP_MS,
        "retentionSweepIntervalMs",
      ),
    );
    this.#retention.unref();
    this.#watchers = new LogWatchers(
      {
        readEvents: (key, after) => this.readEvents(key, after),
        versions: (keys) => this.#versions(keys),
      },
      logger,
    );
    this.#peerCheck = setInterval(() => {
      this.#checkPeers().catch(() => undefined);
    }, this.#pollIntervalMs);
    this.#peerCheck.unref();
    this.#listener = new NotificationListener({
      config: pool.options,
      channel: this.#tables.channel,
      logger,
      onNotification: ({ key, seq, json }) => this.#watchers.notified(key, seq, json),
      onPeer: () => {
        this.#peers = true;
      },
      onReconnect: () => this.#recheck(),
    });
  }

  /** Opens a store: connects, migrates (unless told not to) and starts listening. */
  static async open(options: PostgresTaskStoreOptions): Promise<PostgresTaskStore> {
    if (!options.pool && !options.connectionString) {
      throw new TypeError("PostgresTaskStore: give a pool or a connectionString");
    }
    const ownsPool = !options.pool;
    if (options.pool && options.synchronousCommit !== undefined) {
      throw new TypeError(
        "PostgresTaskStore: synchronousCommit applies to the store's own pool; set it on your pool",
      );
    }
    const pool = options.pool ?? ownPool(options);
    const store = new PostgresTaskStore(pool, ownsPool, options);
    try {
      if (options.migrate !== false) await migrate(pool, { schema: options.schema });
      await store.#listener.start();
      await store.#checkPeers();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Stops listening and, when the store made its pool, closes it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#poll);
    clearInterval(this.#retention);
    clearInterval(this.#peerCheck);
    await this.#listener.close();
    if (this.#ownsPool) await this.#pool.end();
  }

  async get(key: TaskKey): Promise<StoredTask | undefined> {
    if (!storable(key)) return undefined;
    const { rows } = await this.#query<TaskRow>("get", [key.tenant, key.owner, key.taskId]);
    const row = rows[0];
    return row && { task: taskOf(row), version: row.version };
  }

  async append(
    key: TaskKey,
    expectedVersion: number,
    entries: readonly TaskLogEntry[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    if (!storable(key)) {
      throw new TypeError(
        "a task key part holds NUL or a lone surrogate: PostgreSQL cannot store it",
      );
    }
    if (entries.length === 0) throw new TypeError("append: no events to append");
    const version = expectedVersion + entries.length;
    // Versions are 32-bit integers in the table: past them cannot be the task's.
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0 || version > MAX_VERSION) {
      return { ok: false, current: await this.get(key) };
    }
    // Serialised first: an event or task that cannot be throws before anything is written.
    const eventJsons = entries.map((entry) => entry.json ?? JSON.stringify(entry.event));
    const task = entries[entries.length - 1]!.task;
    const state = task.status.state;
    const finished = isTerminal(state);
    const lease = options?.lease;
    // The other instances are told of one event with its notification (when it fits); of
    // several, by number, and they read them.
    const notification = this.#peers
      ? encodeNotification(key, version, entries.length === 1 ? eventJsons[0] : undefined)
      : null;
    // The events go as one JSON array: a text PostgreSQL parses once, where an array of json
    // values would be escaped element by element on the way and unescaped on arrival.
    const events = `[${eventJsons.join(",")}]`;
    let rows: Array<{ version: number }>;
    if (expectedVersion === 0) {
      ({ rows } = await this.#query<{ version: number }>("create", [
        key.tenant,
        key.owner,
        key.taskId,
        task.contextId ?? null,
        state,
        statusTimeOf(task),
        JSON.stringify(task),
        finished,
        this.#finishedTtlMs,
        events,
        lease?.holder ?? null,
        lease?.ttlMs ?? 0,
        this.#tables.channel,
        notification,
      ]));
    } else {
      // A snapshot when the task pauses or ends, and every SNAPSHOT_EVERY events, so a read
      // folds only a short tail.
      const snapshot =
        finished ||
        isInterrupted(state) ||
        Math.floor(version / SNAPSHOT_EVERY) > Math.floor(expectedVersion / SNAPSHOT_EVERY)
          ? JSON.stringify(task)
          : null;
      ({ rows } = await this.#query<{ version: number }>("append", [
        key.tenant,
        key.owner,
        key.taskId,
        expectedVersion,
        task.contextId ?? null,
        state,
        statusTimeOf(task),
        snapshot,
        finished,
        this.#finishedTtlMs,
        events,
        lease?.holder ?? null,
        lease?.ttlMs ?? 0,
        this.#tables.channel,
        notification,
      ]));
    }
    if (rows.length === 0) return { ok: false, current: await this.get(key) };
    // This process's watchers hear at once; the NOTIFY tells the others (and echoes here,
    // where it is then a number already passed on).
    entries.forEach((entry, i) => {
      this.#watchers.appended(key, expectedVersion + i + 1, eventJsons[i]!, entry.event);
    });
    return { ok: true, version };
  }

  async readEvents(key: TaskKey, afterVersion: number): Promise<TaskLogEvent[] | undefined> {
    if (!storable(key)) return undefined;
    // Past the largest version a task can have, there is nothing (and no integer overflow).
    const after = Math.min(Math.max(0, Math.floor(afterVersion)), MAX_VERSION);
    const { rows } = await this.#query<{ seq: number | null; event: string | null }>("readEvents", [
      key.tenant,
      key.owner,
      key.taskId,
      Number.isNaN(after) ? 0 : after,
    ]);
    if (rows.length === 0) return undefined;
    const events: TaskLogEvent[] = [];
    for (const row of rows) {
      if (row.seq === null || row.event === null) continue;
      events.push({
        seq: row.seq,
        event: JSON.parse(row.event) as StreamResponse,
        json: row.event,
      });
    }
    return events;
  }

  watch(key: TaskKey, listener: TaskLogListener): () => void {
    const stop = this.#watchers.watch(key, listener);
    this.#startPolling();
    return () => {
      stop();
      if (this.#watchers.size === 0) this.#stopPolling();
    };
  }

  async list(scope: TaskScope, query: TaskListQuery): Promise<TaskListPage> {
    const after = query.pageToken ? decodePageToken(query.pageToken) : undefined;
    if (!storable(scope)) return { tasks: [], nextPageToken: "", totalSize: 0 };
    const { rows } = await this.#query<
      TaskRow & { total: string; task_id: string | null; status_ms: string | null }
    >("list", [
      scope.tenant,
      scope.owner,
      query.contextId ?? null,
      query.status ?? null,
      query.statusTimestampAfter ?? null,
      after?.time ?? null,
      after?.taskId ?? null,
      query.pageSize + 1,
    ]);
    const totalSize = Number(rows[0]?.total ?? 0);
    const found = rows.filter((row) => row.task_id !== null);
    // The page ends at pageSize tasks, or earlier once their JSON passes the byte budget.
    const page: typeof found = [];
    let pageBytes = 0;
    for (const row of found.slice(0, query.pageSize)) {
      const bytes = row.snapshot.length + (row.tail?.length ?? 0);
      if (page.length > 0 && pageBytes + bytes > (query.maxBytes ?? Infinity)) break;
      page.push(row);
      pageBytes += bytes;
    }
    const last = page[page.length - 1];
    const hasMore = page.length < found.length;
    return {
      tasks: page.map(taskOf),
      nextPageToken:
        hasMore && last
          ? encodePageToken({ time: Number(last.status_ms), taskId: last.task_id! })
          : "",
      totalSize,
    };
  }

  /**
   * Deletes finished tasks past their retention, with their events, unless another instance
   * is sweeping: at most a few thousand per call, a batch per statement. Runs by itself
   * every `retentionSweepIntervalMs`. Resolves with how many tasks it deleted.
   */
  async sweepExpired(): Promise<number> {
    if (this.#closed) return 0;
    const client = await this.#pool.connect();
    const lock = [SWEEP_LOCK, this.#tables.schema];
    // A session whose unlock may not have happened is closed, not pooled: its lock goes.
    let broken: Error | undefined;
    try {
      const { rows } = await client.query<{ mine: boolean }>(
        "SELECT pg_try_advisory_lock($1, hashtext($2)) AS mine",
        lock,
      );
      if (!rows[0]?.mine) return 0;
      try {
        let deleted = 0;
        for (let batch = 0; batch < SWEEP_MAX_BATCHES; batch++) {
          const { rows } = await client.query<{ deleted: number }>(
            this.#sql.config("deleteExpired", [SWEEP_BATCH]),
          );
          const count = rows[0]?.deleted ?? 0;
          deleted += count;
          if (count < SWEEP_BATCH) break;
        }
        if (deleted > 0) this.#logger.debug("deleted expired tasks", { deleted });
        return deleted;
      } finally {
        await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", lock).catch((error) => {
          broken = error instanceof Error ? error : new Error(String(error));
        });
      }
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Push notification configs, kept with the tasks (and removed with them by the retention
   * sweep); the `push` option of `createA2A` uses them.
   */
  readonly pushConfigs: PostgresPushConfigStore;

  /** Run leases: this store is shared by every instance that opens it. */
  readonly runs: RunLeases = {
    renew: async (holder, ttlMs) => {
      if (this.#closed) return;
      await this.#query("renewLeases", [holder, ttlMs]);
    },
    release: async (key, holder) => {
      if (this.#closed || !storable(key)) return;
      await this.#query("releaseLease", [key.tenant, key.owner, key.taskId, holder]);
    },
    lapsed: async (limit) => {
      if (this.#closed) return [];
      const { rows } = await this.#query<
        TaskRow & { tenant: string; owner: string; task_id: string; lease_holder: string }
      >("lapsedRuns", [limit]);
      return rows.map(
        (row): LapsedRun => ({
          key: { tenant: row.tenant, owner: row.owner, taskId: row.task_id },
          holder: row.lease_holder,
          task: taskOf(row),
          version: row.version,
        }),
      );
    },
  };

  #query<R extends pg.QueryResultRow>(
    statement: keyof Statements,
    values: unknown[],
  ): Promise<pg.QueryResult<R>> {
    return this.#pool.query<R>(this.#sql.config(statement, values));
  }

  /**
   * Whether other instances listen (their listening connections are named after the
   * channel). Checked at start-up and every poll interval: an instance that starts hears
   * from the others within one, and its watchers' poll makes up for the meantime.
   */
  async #checkPeers(): Promise<void> {
    if (this.#closed) return;
    const { rows } = await this.#query<{ peers: number }>("peers", [
      this.#tables.channel,
      this.#listener.pid,
    ]);
    this.#peers = (rows[0]?.peers ?? 0) > 0;
  }

  /** The current version of each task (absent: the task does not exist). */
  async #versions(keys: TaskKey[]): Promise<Map<string, number>> {
    const known = keys.filter(storable);
    const versions = new Map<string, number>();
    if (known.length === 0) return versions;
    const { rows } = await this.#query<{
      tenant: string;
      owner: string;
      task_id: string;
      version: number;
    }>("versions", [
      known.map((key) => key.tenant),
      known.map((key) => key.owner),
      known.map((key) => key.taskId),
    ]);
    for (const row of rows) {
      versions.set(
        taskKeyString({ tenant: row.tenant, owner: row.owner, taskId: row.task_id }),
        row.version,
      );
    }
    return versions;
  }

  #recheck(): void {
    this.#watchers.recheck().catch(() => undefined);
  }

  #startPolling(): void {
    if (this.#poll || this.#closed) return;
    this.#poll = setInterval(() => this.#recheck(), this.#pollIntervalMs);
    this.#poll.unref?.();
  }

  #stopPolling(): void {
    clearInterval(this.#poll);
    this.#poll = undefined;
  }
}

/** Opens a {@link PostgresTaskStore}: connects, migrates (unless told not to), listens. */
export function createPostgresTaskStore(
  options: PostgresTaskStoreOptions,
): Promise<PostgresTaskStore> {
  return PostgresTaskStore.open(options);
}

/** The task a row holds: its snapshot with the events after it folded on. */
function taskOf(row: TaskRow): Task {
  let task = JSON.parse(row.snapshot) as Task;
  if (row.tail !== null) {
    for (const event of JSON.parse(row.tail) as StreamResponse[])
      task = applyTaskEvent(task, event);
  }
  return task;
}

function positive(value: number, name: string): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new TypeError(`PostgresTaskStore: ${name} must be a positive number`);
  }
  return value;
}
