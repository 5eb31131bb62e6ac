import {
  InvalidPageTokenError,
  type PendingPushConfig,
  type PushClaims,
  PushConfigLimitError,
  type PushConfigPage,
  type PushConfigRecord,
  type PushConfigStore,
  type PushPayloadVersion,
  type PushProgress,
  type TaskKey,
} from "@a2a-mount/core";
import type pg from "pg";
import type { TableNames } from "../schema/identifiers.js";
import { PreparedStatements } from "./prepared-statements.js";
import { type PushStatements, pushStatements } from "./push-config-statements.js";
import { exact, storable } from "./task-keys.js";

interface ConfigRow {
  config: string;
  payload: string;
  agent_url: string | null;
  delivered_seq: number;
  failures: number;
  disabled_reason: string | null;
  disabled_at: Date | null;
  position: string;
}

function recordOf(row: ConfigRow): PushConfigRecord {
  return {
    config: JSON.parse(row.config) as PushConfigRecord["config"],
    payload: row.payload as PushPayloadVersion,
    agentUrl: row.agent_url ?? undefined,
    deliveredSeq: row.delivered_seq,
    failures: row.failures,
    disabled:
      row.disabled_reason === null
        ? undefined
        : { reason: row.disabled_reason, at: (row.disabled_at ?? new Date(0)).toISOString() },
  };
}

const keyValues = (key: TaskKey) => [key.tenant, key.owner, key.taskId];

/** A page token: the position of the page's last config. */
function decodePosition(token: string): string {
  if (/^[1-9][0-9]{0,18}$/.test(token)) return token;
  throw new InvalidPageTokenError();
}

/**
 * Push notification configs on PostgreSQL, beside the tasks (and removed with them): their
 * delivery progress too, and claims that let one instance at a time deliver each config.
 * The task store makes one (`store.pushConfigs`); `createA2A`'s `push` option uses it.
 */
export class PostgresPushConfigStore implements PushConfigStore {
  readonly #pool: pg.Pool;
  readonly #sql: PreparedStatements<keyof PushStatements>;
  readonly #closed: () => boolean;

  constructor(
    pool: pg.Pool,
    tables: TableNames,
    options: { prepare: boolean; closed: () => boolean },
  ) {
    this.#pool = pool;
    this.#sql = new PreparedStatements(pushStatements(tables), {
      prefix: "a2a_push_",
      prepare: options.prepare,
    });
    this.#closed = options.closed;
  }

  async put(
    key: TaskKey,
    record: PushConfigRecord,
    options: { maxPerTask: number },
  ): Promise<void> {
    if (!storable(key) || !exact(record.config.id)) {
      // Nothing could be read back under it as it was given (the config methods refuse such
      // ids before they reach a store).
      throw new TypeError("PostgreSQL cannot hold this push config's key exactly");
    }
    const { rows } = await this.#query<{ task: number; stored: number }>("put", [
      ...keyValues(key),
      record.config.id,
      JSON.stringify(record.config),
      record.payload,
      record.deliveredSeq,
      options.maxPerTask,
      record.failures,
      record.disabled?.reason ?? null,
      record.disabled?.at ?? null,
      record.agentUrl ?? null,
    ]);
    const row = rows[0]!;
    if (row.stored === 0 && row.task > 0) {
      throw new PushConfigLimitError(
        `A task may have at most ${options.maxPerTask} push notification configs`,
        "maxConfigsPerTask",
      );
    }
  }

  async get(key: TaskKey, id: string): Promise<PushConfigRecord | undefined> {
    if (!storable(key) || !exact(id)) return undefined;
    const { rows } = await this.#query<ConfigRow>("get", [...keyValues(key), id]);
    return rows[0] && recordOf(rows[0]);
  }

  async list(
    key: TaskKey,
    query: { pageSize: number; pageToken?: string | undefined },
  ): Promise<PushConfigPage> {
    const after = query.pageToken ? decodePosition(query.pageToken) : "0";
    if (!storable(key)) return { records: [], nextPageToken: "" };
    const { rows } = await this.#query<ConfigRow>("list", [
      ...keyValues(key),
      after,
      query.pageSize + 1,
    ]);
    const page = rows.slice(0, query.pageSize);
    return {
      records: page.map(recordOf),
      nextPageToken: rows.length > page.length ? page.at(-1)!.position : "",
    };
  }

  async delete(key: TaskKey, id: string): Promise<void> {
    if (!storable(key) || !exact(id)) return;
    await this.#query("delete", [...keyValues(key), id]);
  }

  async deleteTask(key: TaskKey): Promise<void> {
    if (!storable(key)) return;
    await this.#query("deleteTask", keyValues(key));
  }

  async update(key: TaskKey, id: string, progress: PushProgress): Promise<void> {
    if (!storable(key) || !exact(id)) return;
    const disabling = "disabled" in progress;
    await this.#query("update", [
      ...keyValues(key),
      id,
      progress.deliveredSeq ?? null,
      progress.failures ?? null,
      disabling,
      progress.disabled?.reason ?? null,
      progress.disabled ? Date.parse(progress.disabled.at) : null,
    ]);
  }

  /** Claims: this store is shared by every instance that opens it. */
  readonly claims: PushClaims = {
    claim: async (key, id, holder, ttlMs) => {
      if (this.#closed() || !storable(key) || !exact(id)) return false;
      const { rows } = await this.#query("claim", [...keyValues(key), id, holder, ttlMs]);
      return rows.length > 0;
    },
    renew: async (holder, ttlMs) => {
      if (this.#closed()) return;
      await this.#query("renew", [holder, ttlMs]);
    },
    release: async (key, id, holder) => {
      if (this.#closed() || !storable(key) || !exact(id)) return;
      await this.#query("release", [...keyValues(key), id, holder]);
    },
    pending: async (limit) => {
      if (this.#closed()) return [];
      const { rows } = await this.#query<{
        tenant: string;
        owner: string;
        task_id: string;
        config_id: string;
      }>("pending", [limit]);
      return rows.map(
        (row): PendingPushConfig => ({
          key: { tenant: row.tenant, owner: row.owner, taskId: row.task_id },
          id: row.config_id,
        }),
      );
    },
  };

  #query<R extends pg.QueryResultRow>(
    statement: keyof PushStatements,
    values: unknown[],
  ): Promise<pg.QueryResult<R>> {
    return this.#pool.query<R>(this.#sql.config(statement, values));
  }
}
