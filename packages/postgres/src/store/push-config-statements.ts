import type { TableNames } from "../schema/identifiers.js";

/** The push config store's SQL, built once per schema. */
export interface PushStatements {
  put: string;
  get: string;
  list: string;
  delete: string;
  deleteTask: string;
  update: string;
  claim: string;
  renew: string;
  release: string;
  pending: string;
}

/** Every statement's key: $1-3 the task's key (tenant, owner, task id), $4 the config id. */
const KEY = "tenant = $1 AND owner = $2 AND task_id = $3";

const COLUMNS = `config::text AS config, payload, agent_url, delivered_seq, failures,
  disabled_reason, disabled_at, position`;

export function pushStatements({ tasks, pushConfigs }: TableNames): PushStatements {
  return {
    // $5 config JSON, $6 payload, $7 delivered seq, $8 most configs per task, $9 failures,
    // $10 disabled reason or null, $11 disabled since (RFC 3339) or null, $12 agent URL or
    // null. One row: whether
    // the task exists, and whether the config was stored (not: a new one would pass the
    // limit). Creates racing on one task may each see the count before the others, so the
    // limit can be passed by as many configs as are created at the same moment.
    put: `
      WITH task AS (
        SELECT 1 FROM ${tasks} WHERE ${KEY}
      ), existing AS (
        SELECT count(*) AS n, coalesce(bool_or(config_id = $4), false) AS replacing
        FROM ${pushConfigs} WHERE ${KEY}
      ), stored AS (
        INSERT INTO ${pushConfigs} (tenant, owner, task_id, config_id, config, payload,
          delivered_seq, failures, disabled_reason, disabled_at, agent_url)
        SELECT $1, $2, $3, $4, $5::json, $6, $7, $9, $10, $11::timestamptz, $12
        FROM existing, task
        WHERE existing.replacing OR existing.n < $8
        ON CONFLICT (tenant, owner, task_id, config_id) DO UPDATE SET
          config = EXCLUDED.config, payload = EXCLUDED.payload,
          delivered_seq = EXCLUDED.delivered_seq, failures = EXCLUDED.failures,
          disabled_reason = EXCLUDED.disabled_reason, disabled_at = EXCLUDED.disabled_at,
          agent_url = EXCLUDED.agent_url
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM task)::int AS task, (SELECT count(*) FROM stored)::int AS stored`,
    get: `SELECT ${COLUMNS} FROM ${pushConfigs} WHERE ${KEY} AND config_id = $4`,
    // $4 position after which the page starts, $5 rows wanted.
    list: `
      SELECT ${COLUMNS} FROM ${pushConfigs} WHERE ${KEY} AND position > $4
      ORDER BY position LIMIT $5`,
    delete: `DELETE FROM ${pushConfigs} WHERE ${KEY} AND config_id = $4`,
    deleteTask: `DELETE FROM ${pushConfigs} WHERE ${KEY}`,
    // $5 delivered seq or null, $6 failures or null, $7 true to change the disabled state,
    // $8 its reason (null: enabled), $9 since when (ms).
    update: `
      UPDATE ${pushConfigs} SET
        delivered_seq = GREATEST(delivered_seq, COALESCE($5, delivered_seq)),
        failures = COALESCE($6, failures),
        disabled_reason = CASE WHEN $7 THEN $8::text ELSE disabled_reason END,
        disabled_at = CASE WHEN $7 THEN
          CASE WHEN $8::text IS NULL THEN NULL ELSE to_timestamp($9::double precision / 1000) END
          ELSE disabled_at END
      WHERE ${KEY} AND config_id = $4`,
    // $5 holder, $6 claim ms.
    claim: `
      UPDATE ${pushConfigs} SET claim_holder = $5,
        claim_expires_at = now() + $6 * interval '1 millisecond'
      WHERE ${KEY} AND config_id = $4
        AND (claim_holder IS NULL OR claim_holder = $5 OR claim_expires_at < now())
      RETURNING 1 AS claimed`,
    // $1 holder, $2 claim ms.
    renew: `
      UPDATE ${pushConfigs} SET claim_expires_at = now() + $2 * interval '1 millisecond'
      WHERE claim_holder = $1`,
    // $5 holder.
    release: `
      UPDATE ${pushConfigs} SET claim_holder = NULL, claim_expires_at = NULL
      WHERE ${KEY} AND config_id = $4 AND claim_holder = $5`,
    // $1 how many. Enabled configs behind their task's log, unclaimed or with a lapsed claim.
    pending: `
      SELECT p.tenant, p.owner, p.task_id, p.config_id FROM ${pushConfigs} p
      JOIN ${tasks} t ON t.tenant = p.tenant AND t.owner = p.owner AND t.task_id = p.task_id
      WHERE p.disabled_at IS NULL AND t.version > p.delivered_seq
        AND (p.claim_holder IS NULL OR p.claim_expires_at < now())
      LIMIT $1`,
  };
}
