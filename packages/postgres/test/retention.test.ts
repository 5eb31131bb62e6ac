import type { Task, TaskKey, TaskState } from "@a2a-mount/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTaskStore, type PostgresTaskStore } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";

let database: TestDatabase;
let admin: pg.Client;
let schemas = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
  await database.drop();
});

const task = (id: string, state: TaskState): Task => ({
  id,
  contextId: "ctx",
  status: { state, timestamp: new Date().toISOString() },
});
const keyOf = (taskId: string): TaskKey => ({ tenant: "", owner: "o", taskId });

/** A store in a schema of its own, keeping finished tasks `ttlMs`, never sweeping by itself. */
async function open(ttlMs: number): Promise<{ store: PostgresTaskStore; schema: string }> {
  const schema = `retention_${++schemas}`;
  const store = await createPostgresTaskStore({
    connectionString: database.url,
    schema,
    finishedTaskTtlMs: ttlMs,
    retentionSweepIntervalMs: 3_600_000,
  });
  return { store, schema };
}

/** Creates a task and moves it to `state` (two events). */
async function make(store: PostgresTaskStore, id: string, state: TaskState): Promise<void> {
  const created = task(id, "TASK_STATE_SUBMITTED");
  await store.append(keyOf(id), 0, [{ event: { task: created }, task: created }]);
  const next = task(id, state);
  const event = { statusUpdate: { taskId: id, contextId: "ctx", status: next.status } };
  expect(await store.append(keyOf(id), 1, [{ event, task: next }])).toEqual({
    ok: true,
    version: 2,
  });
}

async function count(schema: string, table: string): Promise<number> {
  const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".${table}`);
  return rows[0].n;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("PostgresTaskStore: retention of finished tasks", () => {
  it("hides a finished task past its TTL at once, and a sweep deletes it with its events", async () => {
    const { store, schema } = await open(300);
    try {
      await make(store, "done", "TASK_STATE_COMPLETED");
      await make(store, "waiting", "TASK_STATE_INPUT_REQUIRED");
      expect((await store.get(keyOf("done")))?.version).toBe(2);
      await sleep(400);
      expect(await store.get(keyOf("done"))).toBeUndefined();
      expect(await store.readEvents(keyOf("done"), 0)).toBeUndefined();
      const listed = await store.list({ tenant: "", owner: "o" }, { pageSize: 10 });
      expect(listed.tasks.map((t) => t.id)).toEqual(["waiting"]);
      expect(listed.totalSize).toBe(1);
      // Still in the tables until a sweep.
      expect(await count(schema, "a2a_tasks")).toBe(2);
      expect(await store.sweepExpired()).toBe(1);
      expect(await count(schema, "a2a_tasks")).toBe(1);
      expect(await count(schema, "a2a_task_events")).toBe(2);
      // An unfinished task is never swept, however old.
      expect((await store.get(keyOf("waiting")))?.version).toBe(2);
    } finally {
      await store.close();
    }
  });

  it("deletes many expired tasks in bounded batches, and two instances sweeping delete each once", async () => {
    const { store, schema } = await open(50);
    const other = await createPostgresTaskStore({
      connectionString: database.url,
      schema,
      migrate: false,
      retentionSweepIntervalMs: 3_600_000,
    });
    try {
      // 1 200 finished tasks written with one statement each side, as a busy agent would.
      await admin.query(
        `INSERT INTO "${schema}".a2a_tasks (tenant, owner, task_id, state, status_ms, version,
           snapshot, snapshot_version, finished, expires_at)
         SELECT '', 'o', 't' || i, 'TASK_STATE_COMPLETED', 0, 1,
           json_build_object('id', 't' || i, 'status', json_build_object('state', 'TASK_STATE_COMPLETED')),
           1, true, now() - interval '1 second'
         FROM generate_series(1, 1200) i`,
      );
      await admin.query(
        `INSERT INTO "${schema}".a2a_task_events (tenant, owner, task_id, seq, event)
         SELECT '', 'o', 't' || i, 1, '{}'::json FROM generate_series(1, 1200) i`,
      );
      const [one, two] = await Promise.all([store.sweepExpired(), other.sweepExpired()]);
      expect(one + two).toBe(1200);
      expect(await count(schema, "a2a_tasks")).toBe(0);
      expect(await count(schema, "a2a_task_events")).toBe(0);
      expect(await store.sweepExpired()).toBe(0);
    } finally {
      await other.close();
      await store.close();
    }
  });

  it("sweeps by itself every retentionSweepIntervalMs", async () => {
    const schema = `retention_${++schemas}`;
    const store = await createPostgresTaskStore({
      connectionString: database.url,
      schema,
      finishedTaskTtlMs: 50,
      retentionSweepIntervalMs: 100,
    });
    try {
      await make(store, "done", "TASK_STATE_FAILED");
      const deadline = Date.now() + 5000;
      while ((await count(schema, "a2a_tasks")) > 0) {
        if (Date.now() > deadline) throw new Error("the sweep did not run in time");
        await sleep(50);
      }
      expect(await count(schema, "a2a_task_events")).toBe(0);
    } finally {
      await store.close();
    }
  });
});
