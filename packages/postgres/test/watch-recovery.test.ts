import { applyTaskEvent, silentLogger, type TaskKey, type TaskLogEvent } from "@a2a-mount/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTaskStore, type PostgresTaskStore } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import { Log, plain, recorder, sleep, stamp, statusEvent, waitUntil } from "./support/fixtures.js";

/**
 * Watchers hear of other instances' appends through LISTEN/NOTIFY; what a notification does
 * not bring (its connection was lost, or nobody sent one) the store finds by reading: after
 * reconnecting, and by its fallback poll.
 */
let database: TestDatabase;
let admin: pg.Client;
const stores: PostgresTaskStore[] = [];

const SCHEMA = "recovery";

beforeAll(async () => {
  database = await createTestDatabase();
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
});

afterAll(async () => {
  for (const store of stores) await store.close();
  await admin?.end();
  await database?.drop();
});

/** A store on the file's database whose connections are named `name` in pg_stat_activity. */
async function open(name: string, pollIntervalMs: number): Promise<PostgresTaskStore> {
  const url = new URL(database.url);
  url.searchParams.set("application_name", name);
  const store = await createPostgresTaskStore({
    connectionString: url.toString(),
    schema: SCHEMA,
    pollIntervalMs,
    logger: silentLogger,
  });
  stores.push(store);
  return store;
}

/** The pids of the LISTEN backends of the store named `name`. */
async function listenerPids(name: string): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE application_name LIKE '%|' || $1",
    [name],
  );
  return rows.map((row) => row.pid);
}

/** Registers a watch and gives it time to learn where it starts. */
async function watchSettled(
  store: PostgresTaskStore,
  key: TaskKey,
  listener: (event: TaskLogEvent) => void,
): Promise<() => void> {
  await sleep(100);
  const stop = store.watch(key, listener);
  await sleep(100);
  return stop;
}

const seqs = (events: TaskLogEvent[]) => events.map((event) => event.seq);

describe("PostgresTaskStore watchers recover what notifications missed", () => {
  it("catches up, in order and with no gap, after its LISTEN connection is killed", async () => {
    const writer = await open("recovery-writer", 60_000);
    // A poll that never comes in this test: only the reconnection can bring what was missed.
    const watcher = await open("recovery-watcher", 60_000);
    const log = new Log({ tenant: "t", owner: "alice", taskId: "lost-listener" });
    await log.create(writer);
    const seen = recorder();
    const stop = await watchSettled(watcher, log.key, seen.listener);
    try {
      for (let i = 1; i <= 5; i++) await log.status(writer, "TASK_STATE_WORKING", i);
      await waitUntil(() => seen.events.length === 5, 5000, "the first 5 events");

      const [pid] = await listenerPids("recovery-watcher");
      expect(pid).toBeTypeOf("number");
      const { rows } = await admin.query<{ ok: boolean }>("SELECT pg_terminate_backend($1) AS ok", [
        pid,
      ]);
      expect(rows[0]!.ok).toBe(true);
      await waitUntil(
        async () => !(await listenerPids("recovery-watcher")).includes(pid!),
        5000,
        "the LISTEN backend to go",
      );
      // Appended while the watcher's store has no LISTEN connection: no NOTIFY reaches it.
      for (let i = 6; i <= 15; i++) await log.status(writer, "TASK_STATE_WORKING", i);
      expect(seen.events.length, "nothing heard while the listener is down").toBe(5);

      await waitUntil(() => seen.events.length >= 15, 5000, "the events appended meanwhile");
      const pids = await listenerPids("recovery-watcher");
      expect(pids).toHaveLength(1);
      expect(pids[0]).not.toBe(pid);

      // And it listens again.
      for (let i = 16; i <= 20; i++) await log.status(writer, "TASK_STATE_WORKING", i);
      await waitUntil(() => seen.events.length >= 20, 5000, "the events after reconnecting");
      await sleep(100);
      expect(plain(seen.events)).toEqual(log.numbered(1));
      expect(seqs(seen.events)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    } finally {
      stop();
    }
  });

  it("finds an event written without a NOTIFY by its fallback poll", async () => {
    const store = await open("recovery-poller", 50);
    // The same store with the default poll, as a control: no notification, no poll, no event.
    const idle = await open("recovery-idle", 60_000);
    const log = new Log({ tenant: "t", owner: "alice", taskId: "silent-write" });
    await log.create(store);
    await log.status(store, "TASK_STATE_WORKING", 1);
    const seen = recorder();
    const unheard = recorder();
    const stop = await watchSettled(store, log.key, seen.listener);
    const stopIdle = await watchSettled(idle, log.key, unheard.listener);
    try {
      // Another writer, by hand: the task moves to version 3 and event 3 is logged, no NOTIFY.
      const event = statusEvent(log.task, "TASK_STATE_WORKING", 2);
      const task = applyTaskEvent(log.task, event);
      const written = performance.now();
      await admin.query("BEGIN");
      await admin.query(
        `UPDATE ${SCHEMA}.a2a_tasks SET version = 3, state = $4, status_ms = $5, updated_at = now()
         WHERE tenant = $1 AND owner = $2 AND task_id = $3 AND version = 2`,
        ["t", "alice", log.key.taskId, "TASK_STATE_WORKING", Date.parse(stamp(2))],
      );
      await admin.query(
        `INSERT INTO ${SCHEMA}.a2a_task_events (tenant, owner, task_id, seq, event)
         VALUES ($1, $2, $3, 3, $4::json)`,
        ["t", "alice", log.key.taskId, JSON.stringify(event)],
      );
      await admin.query("COMMIT");

      await waitUntil(() => seen.events.length >= 1, 2000, "the poll to find event 3");
      const elapsed = performance.now() - written;
      expect(elapsed).toBeLessThan(2000);
      expect(plain(seen.events)).toEqual([{ seq: 3, event }]);
      expect(await store.get(log.key)).toEqual({ task, version: 3 });
      // The store with a slow poll has not heard of it: the poll above is what found it.
      expect(unheard.events).toEqual([]);
    } finally {
      stop();
      stopIdle();
    }
  });
});
