import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTaskStore } from "../src/index.js";
import { databaseUrl } from "./support/databases.js";
import { startTestPostgres, type TestPostgres } from "./support/embedded-postgres.js";
import { Log, recorder, sleep, waitUntil } from "./support/fixtures.js";

/**
 * `watch` promises that an event appended after it returns is never missed. A new watch
 * learns where it starts by reading the task's version from the database, asynchronously;
 * when that read already sees another instance's append but its NOTIFY arrives after the
 * read, the store takes the event as one from before the watch and drops it, for good.
 *
 * The interleaving is made certain here: B's pool (of one connection) is held so that the
 * version is read only after A's append committed, and B's LISTEN backend is paused with
 * SIGSTOP so that its notification arrives after that read. Signalling the backend needs a
 * server on this machine: the file starts its own.
 */
let server: TestPostgres;
let url: string;
let admin: pg.Client;

beforeAll(async () => {
  server = await startTestPostgres();
  const setup = new pg.Client({ connectionString: server.url });
  await setup.connect();
  await setup.query("CREATE DATABASE watch_race");
  await setup.end();
  url = databaseUrl(server.url, "watch_race");
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await server?.remove();
});

async function listenerPid(applicationName: string): Promise<number> {
  let pid: number | undefined;
  await waitUntil(
    async () => {
      const { rows } = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name LIKE '%|' || $1",
        [applicationName],
      );
      pid = rows[0]?.pid;
      return pid !== undefined;
    },
    5000,
    `the LISTEN backend of ${applicationName}`,
  );
  return pid!;
}

describe("PostgresTaskStore.watch racing another instance's append", () => {
  it("tells a watcher on B of an event A appends right after the watch began", async () => {
    const a = await createPostgresTaskStore({ connectionString: url, schema: "race" });
    const poolB = new pg.Pool({ connectionString: url, max: 1, application_name: "store-b" });
    const b = await createPostgresTaskStore({ pool: poolB, schema: "race", pollIntervalMs: 50 });
    const pid = await listenerPid("store-b");
    let paused = false;
    try {
      const log = new Log({ tenant: "t", owner: "alice", taskId: "raced" });
      await log.create(a);
      await sleep(100);

      const held = await poolB.connect();
      process.kill(pid, "SIGSTOP");
      paused = true;
      const seen = recorder();
      // The watch begins with the task at version 1; its version read waits for the pool.
      const stop = b.watch(log.key, seen.listener);
      await log.status(a, "TASK_STATE_WORKING", 1);
      held.release();
      // The version read now runs, and sees version 2.
      await sleep(200);
      process.kill(pid, "SIGCONT");
      paused = false;

      // A later event shows B's listener works again; by then event 2 is long due, from the
      // late NOTIFY or the fallback poll (every 50 ms).
      await log.status(a, "TASK_STATE_COMPLETED", 2);
      await waitUntil(() => seen.events.some((e) => e.seq === 3), 3000, "event 3 on B");
      await sleep(300);
      stop();
      expect(seen.events.map((e) => e.seq)).toEqual([2, 3]);
    } finally {
      if (paused) process.kill(pid, "SIGCONT");
      await b.close();
      await poolB.end();
      await a.close();
    }
  });
});
