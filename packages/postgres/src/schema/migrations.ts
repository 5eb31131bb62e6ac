import type { TableNames } from "./identifiers.js";

/** One step of the schema, applied once, in order, inside a transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: (tables: TableNames) => string;
}

/**
 * The store's schema, as the steps that build it. Append new steps; never edit one that has
 * shipped (databases that applied it would not apply it again).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "tasks and their event logs",
    sql: ({ tasks, events }) => `
      -- One row per task. The task itself is its log folded up: "snapshot" is the task as of
      -- event "snapshot_version" (written when the task is created, pauses, finishes, and every
      -- few events), and the events after it complete it. "version" is the number of the last
      -- event, the compare-and-swap guard of every append.
      CREATE TABLE ${tasks} (
        tenant text NOT NULL,
        owner text NOT NULL,
        task_id text COLLATE "C" NOT NULL,
        context_id text,
        state text NOT NULL,
        -- The status timestamp in ms since the epoch: the ListTasks order and cursor.
        status_ms bigint NOT NULL,
        version integer NOT NULL,
        snapshot json NOT NULL,
        snapshot_version integer NOT NULL,
        finished boolean NOT NULL,
        -- When a finished task (and its events) may be removed.
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, owner, task_id)
      -- Room on each page, so that an append that changes no indexed column (an artifact, a
      -- message) updates the row in place (a HOT update) rather than every index.
      ) WITH (fillfactor = 80);
      CREATE INDEX a2a_tasks_newest ON ${tasks} (tenant, owner, status_ms DESC, task_id DESC);
      CREATE INDEX a2a_tasks_by_context
        ON ${tasks} (tenant, owner, context_id, status_ms DESC, task_id DESC);
      CREATE INDEX a2a_tasks_by_state ON ${tasks} (tenant, owner, state, status_ms DESC, task_id DESC);
      CREATE INDEX a2a_tasks_expiry ON ${tasks} (expires_at) WHERE expires_at IS NOT NULL;

      -- Each task's log: event "seq" is the task's version "seq". Written only with its task's
      -- row, in the same statement, and deleted with it (no foreign key: its check would cost
      -- every append a lookup of the row the statement has just written).
      CREATE TABLE ${events} (
        tenant text NOT NULL,
        owner text NOT NULL,
        task_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        event json NOT NULL,
        PRIMARY KEY (tenant, owner, task_id, seq)
      );
    `,
  },
  {
    version: 2,
    name: "run leases",
    sql: ({ tasks }) => `
      -- The process running the task's agent, until when: a lapsed lease means that process
      -- is gone, and any instance may end the run.
      ALTER TABLE ${tasks} ADD COLUMN lease_holder text, ADD COLUMN lease_expires_at timestamptz;
      CREATE INDEX a2a_tasks_lease_expiry ON ${tasks} (lease_expires_at)
        WHERE lease_holder IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: "ListTasks indexes no key lookup can take",
    sql: ({ schema, tasks }) => `
      -- The ListTasks indexes began with (tenant, owner) and ended with task_id. Until
      -- PostgreSQL has statistics on the table (autovacuum's first ANALYZE), it estimates one
      -- row for any equality on tenant and owner, so it could plan a task's own lookup (every
      -- append, every get) on one of them and read every task of the owner: each write then
      -- cost more as the owner's tasks grew. They now begin with one expression over the scope
      -- and hold no task_id, so the primary key is the only index a key lookup can use;
      -- ListTasks names the same expression, and sorts ties of status time by id itself.
      DROP INDEX ${schema}.a2a_tasks_newest, ${schema}.a2a_tasks_by_context,
        ${schema}.a2a_tasks_by_state;
      CREATE INDEX a2a_tasks_newest ON ${tasks} ((ARRAY[tenant, owner]), status_ms DESC);
      CREATE INDEX a2a_tasks_by_context
        ON ${tasks} ((ARRAY[tenant, owner]), context_id, status_ms DESC);
      CREATE INDEX a2a_tasks_by_state ON ${tasks} ((ARRAY[tenant, owner]), state, status_ms DESC);
    `,
  },
  {
    version: 4,
    name: "push notification configs",
    sql: ({ pushConfigs }) => `
      -- A task's webhooks, keyed like the task, and how far each one's deliveries got: the
      -- task's log is the outbox, "delivered_seq" the place in it. A process delivering a
      -- config holds a claim on it; a lapsed claim means that process is gone.
      CREATE TABLE ${pushConfigs} (
        tenant text NOT NULL,
        owner text NOT NULL,
        task_id text COLLATE "C" NOT NULL,
        config_id text COLLATE "C" NOT NULL,
        -- Creation order: the list order and its page cursor.
        position bigint GENERATED ALWAYS AS IDENTITY,
        config json NOT NULL,
        payload text NOT NULL,
        -- The agent's URL as the config's creator reached it: the issuer of its signatures.
        agent_url text,
        delivered_seq integer NOT NULL,
        failures integer NOT NULL DEFAULT 0,
        disabled_reason text,
        disabled_at timestamptz,
        claim_holder text,
        claim_expires_at timestamptz,
        PRIMARY KEY (tenant, owner, task_id, config_id)
      );
      CREATE INDEX a2a_push_configs_enabled ON ${pushConfigs} (claim_expires_at)
        WHERE disabled_at IS NULL;
    `,
  },
];
