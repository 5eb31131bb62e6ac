import type { TaskPushNotificationConfig } from "../wire/v1/index.js";
import type { TaskKey } from "./task-key.js";

/** The shape of the deliveries a config gets: that of the version it was created through. */
export type PushPayloadVersion = "1.0" | "0.3";

/**
 * A push notification config as stored, with where its deliveries are. Keyed by the task's
 * key (tenant, owner, task) and the config's id, so another principal's config is as absent
 * as one that does not exist.
 */
export interface PushConfigRecord {
  /** As its owner set it, with `id` and `taskId` filled in and no `tenant`. */
  config: TaskPushNotificationConfig & { id: string; taskId: string };
  payload: PushPayloadVersion;
  /**
   * The agent's URL as the config's creator reached it: the issuer of its signed deliveries,
   * whose JWKS is below it.
   */
  agentUrl?: string | undefined;
  /** The sequence number of the task's last event delivered (or given up on); 0: none. */
  deliveredSeq: number;
  /** Delivery attempts that failed in a row. */
  failures: number;
  /** Why deliveries stopped, when they did: the config is kept, and shown to its owner. */
  disabled?: { reason: string; at: string } | undefined;
}

/** What delivery changes in a stored config. */
export type PushProgress = Partial<
  Pick<PushConfigRecord, "deliveredSeq" | "failures" | "disabled">
>;

export interface PushConfigPage {
  records: PushConfigRecord[];
  /** `""` on the last page. */
  nextPageToken: string;
}

/** A task (or the store) already holds as many configs as it may. */
export class PushConfigLimitError extends Error {
  override readonly name = "PushConfigLimitError";
  /** `limit`: the option that was reached. */
  constructor(
    message: string,
    readonly limit: string,
  ) {
    super(message);
  }
}

/**
 * Where push notification configs and their delivery progress live. The default keeps them
 * in memory; a store shared by several servers (PostgreSQL) keeps them with its tasks.
 */
export interface PushConfigStore {
  /**
   * Stores `record` under its config's id, replacing a config of that id (which keeps its
   * place in the task's list). A new config past `maxPerTask` is refused with
   * {@link PushConfigLimitError}.
   */
  put(key: TaskKey, record: PushConfigRecord, options: { maxPerTask: number }): Promise<void>;
  get(key: TaskKey, id: string): Promise<PushConfigRecord | undefined>;
  /** The task's configs in the order they were first created, a page at a time. */
  list(
    key: TaskKey,
    query: { pageSize: number; pageToken?: string | undefined },
  ): Promise<PushConfigPage>;
  /** Removes a config; removing one that is not there does nothing. */
  delete(key: TaskKey, id: string): Promise<void>;
  /** Removes every config of a task (its task is gone). */
  deleteTask(key: TaskKey): Promise<void>;
  /**
   * Records delivery progress. `deliveredSeq` only moves forward; a config deleted meanwhile
   * stays deleted.
   */
  update(key: TaskKey, id: string, progress: PushProgress): Promise<void>;
  /**
   * Claims on configs' deliveries, when the store is shared by several processes (absent in
   * one process): each config's deliveries are made by one process at a time, and configs
   * left with undelivered events (their process is gone, or every process restarted) are
   * found and taken up.
   */
  readonly claims?: PushClaims;
}

/** A config whose task has events its deliveries have not reached. */
export interface PendingPushConfig {
  key: TaskKey;
  id: string;
}

export interface PushClaims {
  /**
   * Takes a config's deliveries for `holder` for `ttlMs`, unless another holder's claim on
   * it is live; whether `holder` has it now.
   */
  claim(key: TaskKey, id: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends every claim `holder` has by `ttlMs` from now. */
  renew(holder: string, ttlMs: number): Promise<void>;
  /** Ends `holder`'s claim on a config (another may take it at once). */
  release(key: TaskKey, id: string, holder: string): Promise<void>;
  /**
   * Enabled configs whose task has events after their delivered sequence and that no live
   * claim holds: at most `limit`.
   */
  pending(limit: number): Promise<PendingPushConfig[]>;
}
