import type { Pool, PoolClient } from "pg";
import { type TableNames, tableNames } from "./identifiers.js";
import { MIGRATIONS, type Migration } from "./migrations.js";

/** What `migrate` did. */
export interface MigrationReport {
  /** The schema's version before. */
  from: number;
  /** The schema's version after. */
  to: number;
  /** The migrations applied now, in order. */
  applied: Array<{ version: number; name: string }>;
}

/**
 * A fixed key for the advisory lock that serialises migrations, mixed with the schema's name
 * so that stores in different schemas migrate independently.
 */
const LOCK_NAMESPACE = 0x0a2a;

/**
 * Brings the store's tables in `schema` up to date. Safe to run from many instances at once:
 * they take turns under an advisory lock, and each migration is applied in its own
 * transaction, once. Run at start-up by `createPostgresTaskStore`, or ahead of a deploy with
 * `npx a2a-mount-postgres migrate`.
 */
export async function migrate(
  pool: Pool,
  options: { schema?: string; migrations?: readonly Migration[] } = {},
): Promise<MigrationReport> {
  const tables = tableNames(options.schema ?? "public");
  const migrations = options.migrations ?? MIGRATIONS;
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [
      LOCK_NAMESPACE,
      tables.schema,
    ]);
    try {
      return await applyPending(client, tables, migrations);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [
        LOCK_NAMESPACE,
        tables.schema,
      ]);
    }
  } finally {
    client.release();
  }
}

async function applyPending(
  client: PoolClient,
  tables: TableNames,
  migrations: readonly Migration[],
): Promise<MigrationReport> {
  // Created only when missing: a role without CREATE on the database can use an existing one.
  const schema = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [
    tables.schemaName,
  ]);
  if (schema.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${tables.schema}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${tables.migrations} (
       version integer PRIMARY KEY,
       name text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
  const { rows } = await client.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${tables.migrations}`,
  );
  const from = rows[0]?.version ?? 0;
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (from > known) {
    throw new Error(
      `the database's a2a-mount schema is at version ${from}, newer than this package knows (${known}): upgrade @a2a-mount/postgres`,
    );
  }
  const applied: MigrationReport["applied"] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= from) continue;
    await client.query("BEGIN");
    try {
      await client.query(migration.sql(tables));
      await client.query(`INSERT INTO ${tables.migrations} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
    applied.push({ version: migration.version, name: migration.name });
  }
  return { from, to: Math.max(from, known), applied };
}
