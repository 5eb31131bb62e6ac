import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPostgresTaskStore,
  MIGRATIONS,
  type MigrationReport,
  migrate,
} from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import { freePort } from "./support/embedded-postgres.js";
import { Log, settleWithin } from "./support/fixtures.js";

const REPO_DIR = fileURLToPath(new URL("../../..", import.meta.url));
const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

const V1 = { version: 1, name: "tasks and their event logs" };
/** Every migration the package knows, in order, and the version they bring a schema to. */
const ALL = [...MIGRATIONS]
  .sort((a, b) => a.version - b.version)
  .map(({ version, name }) => ({ version, name }));
const LATEST = ALL[ALL.length - 1]!.version;
const FUTURE = LATEST + 1;

const databases: TestDatabase[] = [];
const pools: pg.Pool[] = [];

afterAll(async () => {
  for (const pool of pools) await pool.end();
  for (const database of databases) await database.drop();
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

function poolOf(database: TestDatabase): pg.Pool {
  const pool = new pg.Pool({ connectionString: database.url });
  pools.push(pool);
  return pool;
}

/** The tables of `schema`, by name. */
async function tablesIn(pool: pg.Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  return rows.map((row) => row.table_name);
}

async function migrationRows(pool: pg.Pool, schema = "public") {
  const { rows } = await pool.query<{ version: number; name: string }>(
    `SELECT version, name FROM "${schema.replaceAll('"', '""')}".a2a_migrations ORDER BY version`,
  );
  return rows;
}

describe("migrate", () => {
  it("starts with version 1 and numbers its migrations 1, 2, 3 ...", () => {
    expect(ALL[0]).toEqual(V1);
    expect(ALL.map((m) => m.version)).toEqual(ALL.map((_, i) => i + 1));
  });

  it("applies every migration (version 1 first) to a fresh database, then nothing when run again", async () => {
    const pool = poolOf(await freshDatabase());
    expect(await tablesIn(pool, "public")).toEqual([]);
    expect(await migrate(pool)).toEqual({ from: 0, to: LATEST, applied: ALL });
    expect(await tablesIn(pool, "public")).toEqual([
      "a2a_migrations",
      "a2a_push_configs",
      "a2a_task_events",
      "a2a_tasks",
    ]);
    expect(await migrationRows(pool)).toEqual(ALL);
    expect(await migrate(pool)).toEqual({ from: LATEST, to: LATEST, applied: [] });
    expect(await migrationRows(pool)).toEqual(ALL);
  });

  it("brings a database at version 1 up to date with the migrations after it", async () => {
    const pool = poolOf(await freshDatabase());
    const first = MIGRATIONS.filter((m) => m.version === 1);
    expect(await migrate(pool, { migrations: first })).toEqual({ from: 0, to: 1, applied: [V1] });
    expect(await migrationRows(pool)).toEqual([V1]);
    expect(await migrate(pool)).toEqual({ from: 1, to: LATEST, applied: ALL.slice(1) });
    expect(await migrationRows(pool)).toEqual(ALL);
  });

  it("applies a migration once when five instances migrate at the same time", async () => {
    for (const schema of ["public", "started together"]) {
      const database = await freshDatabase();
      const five = Array.from({ length: 5 }, () => poolOf(database));
      const results = await Promise.allSettled(five.map((pool) => migrate(pool, { schema })));
      expect(results.map((result) => result.status)).toEqual(Array(5).fill("fulfilled"));
      const reports = results.map(
        (result) => (result as PromiseFulfilledResult<MigrationReport>).value,
      );
      const appliers = reports.filter((report) => report.applied.length > 0);
      expect(appliers).toEqual([{ from: 0, to: LATEST, applied: ALL }]);
      for (const report of reports.filter((report) => report.applied.length === 0)) {
        expect(report).toEqual({ from: LATEST, to: LATEST, applied: [] });
      }
      const { rows } = await five[0]!.query<{ n: string }>(
        `SELECT count(*) AS n FROM "${schema}".a2a_migrations`,
      );
      expect(Number(rows[0]!.n)).toBe(ALL.length);
      expect(await tablesIn(five[0]!, schema)).toEqual([
        "a2a_migrations",
        "a2a_push_configs",
        "a2a_task_events",
        "a2a_tasks",
      ]);
    }
  });

  it("puts the tables in the schema it is given, whatever its name", async () => {
    const pool = poolOf(await freshDatabase());
    const schema = 'Odd "schema"; DROP TABLE x';
    expect(await migrate(pool, { schema })).toEqual({ from: 0, to: LATEST, applied: ALL });
    expect(await tablesIn(pool, schema)).toEqual([
      "a2a_migrations",
      "a2a_push_configs",
      "a2a_task_events",
      "a2a_tasks",
    ]);
    expect(await tablesIn(pool, "public")).toEqual([]);
    expect(await migrationRows(pool, schema)).toEqual(ALL);
    // A store in that schema uses those tables.
    const store = await createPostgresTaskStore({ pool, schema, migrate: false });
    try {
      const log = new Log({ tenant: "t", owner: "o", taskId: "in-schema" });
      await log.create(store);
      expect(await store.get(log.key)).toEqual({ task: log.task, version: 1 });
      const { rows } = await pool.query(
        `SELECT task_id FROM "${schema.replaceAll('"', '""')}".a2a_tasks`,
      );
      expect(rows).toEqual([{ task_id: "in-schema" }]);
    } finally {
      await store.close();
    }
  });

  it("refuses a database migrated further than the package knows, naming both versions", async () => {
    const database = await freshDatabase();
    const pool = poolOf(database);
    await migrate(pool);
    await pool.query("INSERT INTO a2a_migrations (version, name) VALUES ($1, 'from the future')", [
      FUTURE,
    ]);
    const bothVersions = new RegExp(`version ${FUTURE}\\b.*\\(${LATEST}\\)`);
    await expect(migrate(pool)).rejects.toThrow(bothVersions);
    await expect(migrate(pool)).rejects.toThrow(/newer than this package knows/);
    // Opening a store migrates first, and so fails the same way.
    await expect(createPostgresTaskStore({ connectionString: database.url })).rejects.toThrow(
      bothVersions,
    );
    expect(await migrationRows(pool)).toEqual([
      ...ALL,
      { version: FUTURE, name: "from the future" },
    ]);
    // The advisory lock was given back: a migration from another session does not wait.
    const again = await settleWithin(migrate(poolOf(database)), 5000);
    expect(again.status).toBe("rejected");
  });

  it("with migrate: false, creates no tables and fails on first use of an unmigrated database", async () => {
    const database = await freshDatabase();
    const pool = poolOf(database);
    const store = await createPostgresTaskStore({ connectionString: database.url, migrate: false });
    try {
      const key = { tenant: "t", owner: "o", taskId: "a" };
      await expect(store.get(key)).rejects.toThrow(/a2a_tasks.*does not exist/);
      const log = new Log(key);
      await expect(
        store.append(key, 0, [{ event: { task: log.task }, task: log.task }]),
      ).rejects.toThrow(/does not exist/);
      await expect(store.list({ tenant: "t", owner: "o" }, { pageSize: 10 })).rejects.toThrow(
        /does not exist/,
      );
      expect(await tablesIn(pool, "public")).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], databaseUrl: string | undefined): Promise<Run> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("the a2a-mount-postgres CLI", () => {
  const USAGE = /usage: DATABASE_URL=postgres:\/\/\.\.\. a2a-mount-postgres migrate/;

  beforeAll(async () => {
    // The CLI runs from dist: build it (turbo answers from its cache when nothing changed).
    await new Promise<void>((resolve, reject) => {
      execFile(
        "npx",
        ["turbo", "run", "build", "--filter=@a2a-mount/postgres"],
        { cwd: REPO_DIR, timeout: 120_000 },
        (error, _stdout, stderr) =>
          error ? reject(new Error(`build failed: ${stderr}`)) : resolve(),
      );
    });
    expect(existsSync(CLI)).toBe(true);
  }, 150_000);

  it("migrates the database at DATABASE_URL and exits 0", async () => {
    const database = await freshDatabase();
    const pool = poolOf(database);
    const first = await runCli(["migrate"], database.url);
    expect(first).toEqual({
      code: 0,
      stdout: `${ALL.map((m) => `applied ${m.version}: ${m.name}\n`).join("")}schema at version ${LATEST} (was 0)\n`,
      stderr: "",
    });
    expect(await migrationRows(pool)).toEqual(ALL);
    const second = await runCli(["migrate"], database.url);
    expect(second).toEqual({
      code: 0,
      stdout: `schema at version ${LATEST} (was ${LATEST})\n`,
      stderr: "",
    });
    expect(await migrationRows(pool)).toEqual(ALL);
  });

  it("migrates the schema given with --schema", async () => {
    const database = await freshDatabase();
    const pool = poolOf(database);
    const run = await runCli(["migrate", "--schema", "from_cli"], database.url);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`applied 1: ${V1.name}\n`);
    expect(run.stdout).toContain(`schema at version ${LATEST} (was 0)`);
    expect(await tablesIn(pool, "from_cli")).toEqual([
      "a2a_migrations",
      "a2a_push_configs",
      "a2a_task_events",
      "a2a_tasks",
    ]);
    expect(await tablesIn(pool, "public")).toEqual([]);
  });

  it("prints its usage and exits 2 without DATABASE_URL, or with an unknown command or option", async () => {
    const database = await freshDatabase();
    const pool = poolOf(database);
    const withoutUrl = await runCli(["migrate"], undefined);
    expect(withoutUrl.code).toBe(2);
    expect(withoutUrl.stderr).toContain("DATABASE_URL is not set");
    expect(withoutUrl.stderr).toMatch(USAGE);
    for (const args of [[], ["upgrade"], ["migrate", "--verbose"], ["migrate", "--schema"]]) {
      const run = await runCli(args, database.url);
      expect(run.code, `args ${JSON.stringify(args)}`).toBe(2);
      expect(run.stderr).toMatch(USAGE);
      expect(run.stdout).toBe("");
    }
    // None of these touched the database.
    expect(await tablesIn(pool, "public")).toEqual([]);
  });

  it("exits 1 when the database cannot be reached", async () => {
    const port = await freePort();
    const run = await runCli(["migrate"], `postgres://postgres:x@127.0.0.1:${port}/nothing`);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^migration failed: /);
  });
});
