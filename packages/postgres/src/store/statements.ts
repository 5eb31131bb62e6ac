import type { TableNames } from "../schema/identifiers.js";

/** The store's SQL, built once per schema. */
export interface Statements {
  create: string;
  append: string;
  get: string;
  readEvents: string;
  versions: string;
  list: string;
  renewLeases: string;
  releaseLease: string;
  lapsedRuns: string;
  deleteExpired: string;
  peers: string;
}

/** The task as stored: its snapshot, completed by the events after it (a JSON array, or null). */
const taskColumns = (events: string) => `
  t.version, t.snapshot::text AS snapshot,
  (SELECT json_agg(e.event ORDER BY e.seq)::text FROM ${events} e
    WHERE e.tenant = t.tenant AND e.owner = t.owner AND e.task_id = t.task_id
      AND e.seq > t.snapshot_version) AS tail`;

/** A finished task past its retention is gone, whether or not a sweep removed it yet. */
const LIVE = "(t.expires_at IS NULL OR t.expires_at > now())";

export function statements({ tasks, events, pushConfigs }: TableNames): Statements {
  return {
    // $1-3 key, $4 context, $5 state, $6 status ms, $7 task JSON (after the last event),
    // $8 finished, $9 finished TTL ms, $10 the first events (one JSON array: 1, 2, ...),
    // $11 lease holder or null, $12 lease ms, $13 channel, $14 NOTIFY payload or null (none:
    // no other instance listens, and notifying would serialise this commit with every other
    // notifying one).
    create: `
      WITH created AS (
        INSERT INTO ${tasks} (tenant, owner, task_id, context_id, state, status_ms, version,
          snapshot, snapshot_version, finished, expires_at, lease_holder, lease_expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, json_array_length($10::json), $7::json,
          json_array_length($10::json), $8,
          CASE WHEN $8 THEN now() + $9 * interval '1 millisecond' END,
          CASE WHEN NOT $8 THEN $11::text END,
          CASE WHEN NOT $8 AND $11::text IS NOT NULL THEN now() + $12 * interval '1 millisecond' END)
        ON CONFLICT DO NOTHING
        RETURNING version
      ), logged AS (
        INSERT INTO ${events} (tenant, owner, task_id, seq, event)
        SELECT $1, $2, $3, e.seq, e.event FROM created,
          json_array_elements($10::json) WITH ORDINALITY AS e(event, seq)
      )
      SELECT version, CASE WHEN $14::text IS NOT NULL THEN pg_notify($13, $14) END FROM created`,
    // $1-3 key, $4 expected version, $5 context, $6 state, $7 status ms, $8 task JSON or
    // null (then the snapshot stays), $9 finished, $10 finished TTL ms, $11 the events (one
    // JSON array, numbered from $4 + 1), $12 lease holder or null (not a run's append), $13
    // lease ms, $14 channel, $15 NOTIFY payload or null.
    // A run's append is refused while another holder's lease has not lapsed; a terminal
    // event ends the lease.
    append: `
      WITH moved AS (
        UPDATE ${tasks} SET
          version = $4 + json_array_length($11::json), context_id = $5, state = $6, status_ms = $7,
          snapshot = COALESCE($8::json, snapshot),
          snapshot_version = CASE WHEN $8::json IS NULL THEN snapshot_version
            ELSE $4 + json_array_length($11::json) END,
          finished = $9,
          -- The retention clock starts when the task first finishes.
          expires_at = CASE WHEN $9 THEN COALESCE(expires_at, now() + $10 * interval '1 millisecond') END,
          lease_holder = CASE WHEN $9 THEN NULL ELSE COALESCE($12::text, lease_holder) END,
          -- A run's append extends its lease only once half of it has passed (the renewals
          -- keep it meanwhile), so most appends leave every indexed column as it was.
          lease_expires_at = CASE
            WHEN $9 THEN NULL
            WHEN $12::text IS NULL THEN lease_expires_at
            WHEN lease_holder IS DISTINCT FROM $12 OR lease_expires_at IS NULL
              OR lease_expires_at < now() + $13 * interval '0.5 millisecond'
              THEN now() + $13 * interval '1 millisecond'
            ELSE lease_expires_at END,
          updated_at = now()
        WHERE tenant = $1 AND owner = $2 AND task_id = $3 AND version = $4
          AND ($12::text IS NULL OR lease_holder IS NULL OR lease_holder = $12
            OR lease_expires_at < now())
        RETURNING version
      ), logged AS (
        INSERT INTO ${events} (tenant, owner, task_id, seq, event)
        SELECT $1, $2, $3, $4 + e.seq, e.event FROM moved,
          json_array_elements($11::json) WITH ORDINALITY AS e(event, seq)
      )
      SELECT version, CASE WHEN $15::text IS NOT NULL THEN pg_notify($14, $15) END FROM moved`,
    get: `SELECT ${taskColumns(events)} FROM ${tasks} t
      WHERE t.tenant = $1 AND t.owner = $2 AND t.task_id = $3 AND ${LIVE}`,
    // One row with a null seq when the task exists with no events after $4; none when it
    // does not exist.
    readEvents: `
      SELECT e.seq, e.event::text AS event FROM ${tasks} t
      LEFT JOIN ${events} e ON e.tenant = t.tenant AND e.owner = t.owner
        AND e.task_id = t.task_id AND e.seq > $4
      WHERE t.tenant = $1 AND t.owner = $2 AND t.task_id = $3 AND ${LIVE}
      ORDER BY e.seq`,
    versions: `
      SELECT t.tenant, t.owner, t.task_id, t.version FROM ${tasks} t
      JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(tenant, owner, task_id)
        ON t.tenant = k.tenant AND t.owner = k.owner AND t.task_id = k.task_id`,
    // $1-2 scope, $3 context or null, $4 state or null, $5 status ms at or after, or null,
    // $6-7 cursor (status ms, task id) or null, $8 rows wanted. The count is over every page.
    list: `
      WITH matching AS NOT MATERIALIZED (
        SELECT * FROM ${tasks} t
        -- The scope as the ListTasks indexes hold it (see migration 3).
        WHERE ARRAY[t.tenant, t.owner] = ARRAY[$1::text, $2::text] AND ${LIVE}
          AND ($3::text IS NULL OR t.context_id = $3)
          AND ($4::text IS NULL OR t.state = $4)
          AND ($5::bigint IS NULL OR t.status_ms >= $5)
      )
      SELECT total.n AS total, page.* FROM (SELECT count(*) AS n FROM matching) total
      LEFT JOIN LATERAL (
        SELECT t.task_id, t.status_ms, ${taskColumns(events)} FROM matching t
        WHERE $6::bigint IS NULL OR (t.status_ms, t.task_id) < ($6, $7::text COLLATE "C")
        ORDER BY t.status_ms DESC, t.task_id DESC
        LIMIT $8
      ) page ON true`,
    // $1 holder, $2 lease ms.
    renewLeases: `
      UPDATE ${tasks} SET lease_expires_at = now() + $2 * interval '1 millisecond'
      WHERE lease_holder = $1`,
    // $1-3 key, $4 holder.
    releaseLease: `
      UPDATE ${tasks} SET lease_holder = NULL, lease_expires_at = NULL
      WHERE tenant = $1 AND owner = $2 AND task_id = $3 AND lease_holder = $4`,
    // $1 how many.
    lapsedRuns: `
      SELECT t.tenant, t.owner, t.task_id, t.lease_holder, ${taskColumns(events)}
      FROM ${tasks} t
      WHERE t.lease_holder IS NOT NULL AND t.lease_expires_at < now()
      ORDER BY t.lease_expires_at
      LIMIT $1`,
    // $1 how many. Rows another sweep holds are skipped; their events and push configs go
    // with them.
    deleteExpired: `
      WITH gone AS (
        DELETE FROM ${tasks} t USING (
          SELECT tenant, owner, task_id FROM ${tasks}
          WHERE expires_at < now()
          LIMIT $1
          FOR UPDATE SKIP LOCKED
        ) expired
        WHERE t.tenant = expired.tenant AND t.owner = expired.owner
          AND t.task_id = expired.task_id
        RETURNING t.tenant, t.owner, t.task_id
      ), events_gone AS (
        DELETE FROM ${events} e USING gone
        WHERE e.tenant = gone.tenant AND e.owner = gone.owner AND e.task_id = gone.task_id
      ), push_configs_gone AS (
        DELETE FROM ${pushConfigs} p USING gone
        WHERE p.tenant = gone.tenant AND p.owner = gone.owner AND p.task_id = gone.task_id
      )
      SELECT count(*)::int AS deleted FROM gone`,
    // $1 the listeners' application name: other instances' listening connections.
    peers: `
      SELECT count(*)::int AS peers FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> $2
        AND (application_name = $1 OR left(application_name, length($1) + 1) = $1 || '|')`,
  };
}
