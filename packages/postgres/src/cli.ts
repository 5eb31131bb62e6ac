#!/usr/bin/env node
/**
 * `a2a-mount-postgres migrate [--schema <name>]`: brings the store's tables in the database
 * at `DATABASE_URL` up to date, ahead of a deploy (instances then start with `migrate: false`).
 */
import pg from "pg";
import { migrate } from "./schema/migrate.js";

const USAGE = "usage: DATABASE_URL=postgres://... a2a-mount-postgres migrate [--schema <name>]";

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command !== "migrate") {
    console.error(USAGE);
    return 2;
  }
  let schema: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--schema" && rest[i + 1]) schema = rest[++i];
    else {
      console.error(USAGE);
      return 2;
    }
  }
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) {
    console.error(`DATABASE_URL is not set\n${USAGE}`);
    return 2;
  }
  const pool = new pg.Pool({ connectionString, max: 1 });
  try {
    const report = await migrate(pool, { schema });
    for (const step of report.applied) console.log(`applied ${step.version}: ${step.name}`);
    console.log(`schema at version ${report.to} (was ${report.from})`);
    return 0;
  } catch (error) {
    console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await pool.end();
  }
}

// No top-level await: the package's CommonJS build (types only, see requireEsmEntries) goes
// through every entry.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
