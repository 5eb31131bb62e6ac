import type { PushConfigRecord, TaskKey } from "@a2a-mount/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushConfigStoreContract } from "../../core/test/contract/push-config-store-contract.js";
import { createPostgresTaskStore, type PostgresTaskStore } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import { Log, newTask, sleep } from "./support/fixtures.js";

let database: TestDatabase;
let schemas = 0;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** The schema each store was opened on. */
const schemaOf = new WeakMap<PostgresTaskStore, string>();

/** A task store on a schema of its own in the file's database. */
async function openStore(options: { finishedTaskTtlMs?: number } = {}): Promise<PostgresTaskStore> {
  const schema = `push_${++schemas}`;
  const store = await createPostgresTaskStore({
    connectionString: database.url,
    schema,
    ...options,
  });
  schemaOf.set(store, schema);
  return store;
}

/** Creates the task of `key` (version 1) through the task store, as the server would. */
async function createTask(store: PostgresTaskStore, key: TaskKey): Promise<void> {
  const task = newTask(key.taskId);
  expect(await store.append(key, 0, [{ event: { task }, task }])).toEqual({ ok: true, version: 1 });
}

// Each test gets an empty store (a schema of its own); its tasks are made through the task
// store, since it keeps configs only for tasks that exist.
pushConfigStoreContract("PostgresPushConfigStore", async () => {
  const store = await openStore();
  return {
    store: store.pushConfigs,
    createTask: (key) => createTask(store, key),
    close: () => store.close(),
  };
});

const record = (key: TaskKey, id: string, deliveredSeq = 0): PushConfigRecord => ({
  config: { id, taskId: key.taskId, url: `https://hooks.example/${id}` },
  payload: "1.0",
  deliveredSeq,
  failures: 0,
});
const LIMIT = { maxPerTask: 10 };
let tasks = 0;
const newKey = (): TaskKey => ({ tenant: "t", owner: "alice", taskId: `task-${++tasks}` });

/** Runs `body` with a store of its own, closed after. */
const withStore =
  (body: (store: PostgresTaskStore) => Promise<void>, options?: { finishedTaskTtlMs?: number }) =>
  async () => {
    const store = await openStore(options);
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };

describe("PostgresPushConfigStore claims", () => {
  it(
    "lets one holder at a time claim a config, and another take it once the claim lapses",
    withStore(async (store) => {
      const claims = store.pushConfigs.claims;
      const key = newKey();
      await createTask(store, key);
      await store.pushConfigs.put(key, record(key, "c"), LIMIT);
      expect(await claims.claim(key, "c", "A", 200)).toBe(true);
      expect(await claims.claim(key, "c", "B", 60_000)).toBe(false);
      // The holder may claim again (it extends its claim).
      expect(await claims.claim(key, "c", "A", 200)).toBe(true);
      await sleep(300);
      expect(await claims.claim(key, "c", "B", 60_000)).toBe(true);
      expect(await claims.claim(key, "c", "A", 60_000)).toBe(false);
      // A config that is not there is claimed by nobody.
      expect(await claims.claim(key, "missing", "A", 60_000)).toBe(false);
      expect(await claims.claim(newKey(), "c", "A", 60_000)).toBe(false);
      // Claims are per config: another config of the task is free.
      await store.pushConfigs.put(key, record(key, "d"), LIMIT);
      expect(await claims.claim(key, "d", "A", 60_000)).toBe(true);
    }),
  );

  it(
    "lets another holder claim at once after a release, and ignores a release by a non-holder",
    withStore(async (store) => {
      const claims = store.pushConfigs.claims;
      const key = newKey();
      await createTask(store, key);
      await store.pushConfigs.put(key, record(key, "c"), LIMIT);
      expect(await claims.claim(key, "c", "A", 60_000)).toBe(true);
      await claims.release(key, "c", "B");
      expect(await claims.claim(key, "c", "B", 60_000)).toBe(false);
      await claims.release(key, "c", "A");
      expect(await claims.claim(key, "c", "B", 60_000)).toBe(true);
      // Releasing what is not there does nothing.
      await claims.release(key, "missing", "B");
      await claims.release(newKey(), "c", "B");
    }),
  );

  it(
    "keeps a renewed claim past its first lapse, and renews only the holder's claims",
    withStore(async (store) => {
      const claims = store.pushConfigs.claims;
      const key = newKey();
      await createTask(store, key);
      for (const id of ["a1", "a2", "x"]) await store.pushConfigs.put(key, record(key, id), LIMIT);
      expect(await claims.claim(key, "a1", "A", 200)).toBe(true);
      expect(await claims.claim(key, "a2", "A", 200)).toBe(true);
      expect(await claims.claim(key, "x", "X", 200)).toBe(true);
      await sleep(100);
      await claims.renew("A", 60_000);
      await sleep(250);
      expect(await claims.claim(key, "a1", "B", 60_000)).toBe(false);
      expect(await claims.claim(key, "a2", "B", 60_000)).toBe(false);
      // X did not renew: its claim lapsed.
      expect(await claims.claim(key, "x", "B", 60_000)).toBe(true);
      // Renewing for a holder with no claims does nothing.
      await claims.renew("nobody", 60_000);
    }),
  );

  it(
    "survives a replace of the config: the replaced config keeps its claim",
    withStore(async (store) => {
      // A config set again (same id) by its owner must not be delivered by two instances.
      const claims = store.pushConfigs.claims;
      const key = newKey();
      await createTask(store, key);
      await store.pushConfigs.put(key, record(key, "c"), LIMIT);
      expect(await claims.claim(key, "c", "A", 60_000)).toBe(true);
      await store.pushConfigs.put(key, { ...record(key, "c"), failures: 0 }, LIMIT);
      expect(await claims.claim(key, "c", "B", 60_000)).toBe(false);
    }),
  );
});

describe("PostgresPushConfigStore pending deliveries", () => {
  it(
    "lists the configs behind their task's log, enabled and not claimed by a live claim",
    withStore(async (store) => {
      const { claims } = store.pushConfigs;
      const configs = store.pushConfigs;
      const log = new Log(newKey());
      await log.create(store);
      await log.status(store, "TASK_STATE_WORKING", 1);
      await log.status(store, "TASK_STATE_WORKING", 2); // version 3
      const key = log.key;
      const ids = (found: Array<{ key: TaskKey; id: string }>) =>
        found.map((p) => `${p.key.taskId}/${p.id}`).sort();

      expect(await claims.pending(100)).toEqual([]);
      await configs.put(key, record(key, "behind", 1), LIMIT);
      await configs.put(key, record(key, "caught-up", 3), LIMIT);
      await configs.put(key, record(key, "disabled", 0), LIMIT);
      await configs.update(key, "disabled", {
        disabled: { reason: "off", at: "2026-01-01T00:00:00.000Z" },
      });
      await configs.put(key, record(key, "claimed", 0), LIMIT);
      expect(await claims.claim(key, "claimed", "X", 200)).toBe(true);
      await configs.put(key, record(key, "released", 0), LIMIT);
      expect(await claims.claim(key, "released", "X", 60_000)).toBe(true);
      await claims.release(key, "released", "X");

      const pending = await claims.pending(100);
      expect(ids(pending)).toEqual([`${key.taskId}/behind`, `${key.taskId}/released`]);
      expect(pending.find((p) => p.id === "behind")?.key).toEqual(key);
      expect(await claims.pending(1)).toHaveLength(1);

      // The claim lapses: its config is pending again.
      await sleep(300);
      expect(ids(await claims.pending(100))).toEqual([
        `${key.taskId}/behind`,
        `${key.taskId}/claimed`,
        `${key.taskId}/released`,
      ]);
      // A config caught up with becomes pending when its task's log grows.
      await log.status(store, "TASK_STATE_COMPLETED", 3);
      expect(ids(await claims.pending(100))).toContain(`${key.taskId}/caught-up`);
      // Delivered to the end: not pending.
      for (const id of ["behind", "caught-up", "claimed", "released"]) {
        await configs.update(key, id, { deliveredSeq: 4 });
      }
      expect(await claims.pending(100)).toEqual([]);
      // Enabled again with events to deliver: pending again.
      await configs.update(key, "disabled", { disabled: undefined });
      expect(ids(await claims.pending(100))).toEqual([`${key.taskId}/disabled`]);
      // Another task's configs are listed under its own key.
      const other = { tenant: "t2", owner: "bob", taskId: key.taskId };
      await createTask(store, other);
      await configs.put(other, record(other, "x", 0), LIMIT);
      const found = await claims.pending(100);
      expect(found).toHaveLength(2);
      expect(found).toContainEqual({ key: other, id: "x" });
      expect(found).toContainEqual({ key, id: "disabled" });
    }),
  );

  it("sees another store's claims and configs on the same schema", async () => {
    const schema = `push_shared_${++schemas}`;
    const a = await createPostgresTaskStore({ connectionString: database.url, schema });
    const b = await createPostgresTaskStore({ connectionString: database.url, schema });
    try {
      const key = newKey();
      await createTask(a, key);
      await a.pushConfigs.put(key, record(key, "c"), LIMIT);
      expect(await b.pushConfigs.get(key, "c")).toEqual(record(key, "c"));
      expect(await b.pushConfigs.claims.pending(10)).toEqual([{ key, id: "c" }]);
      expect(await a.pushConfigs.claims.claim(key, "c", "A", 60_000)).toBe(true);
      expect(await b.pushConfigs.claims.claim(key, "c", "B", 60_000)).toBe(false);
      expect(await b.pushConfigs.claims.pending(10)).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it(
    "answers claims as a closed store: nothing claimed, nothing pending",
    withStore(async (store) => {
      const key = newKey();
      await createTask(store, key);
      await store.pushConfigs.put(key, record(key, "c"), LIMIT);
      await store.close();
      expect(await store.pushConfigs.claims.claim(key, "c", "A", 60_000)).toBe(false);
      expect(await store.pushConfigs.claims.pending(10)).toEqual([]);
      await store.pushConfigs.claims.renew("A", 60_000);
      await store.pushConfigs.claims.release(key, "c", "A");
    }),
  );
});

describe("PostgresPushConfigStore and its tasks", () => {
  it(
    "stores nothing for a task that does not exist",
    withStore(async (store) => {
      const key = newKey();
      // Whether it says so or not, nothing is stored; a limit it did not reach is not blamed.
      const outcome = await store.pushConfigs.put(key, record(key, "c"), LIMIT).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect((outcome as { limit?: string } | undefined)?.limit).not.toBe("maxConfigsPerTask");
      expect(await store.pushConfigs.get(key, "c")).toBeUndefined();
      expect(await store.pushConfigs.list(key, { pageSize: 10 })).toEqual({
        records: [],
        nextPageToken: "",
      });
      expect(await store.pushConfigs.claims.pending(10)).toEqual([]);
      // The task made later has none of it.
      await createTask(store, key);
      expect(await store.pushConfigs.get(key, "c")).toBeUndefined();
      // Another tenant's or owner's task of the same id does not count as the task.
      const stranger = { ...key, owner: "mallory" };
      await store.pushConfigs.put(stranger, record(stranger, "c"), LIMIT).catch(() => undefined);
      expect(await store.pushConfigs.get(stranger, "c")).toBeUndefined();
    }),
  );

  it(
    "removes a finished task's configs with it in the retention sweep, and no other task's",
    withStore(
      async (store) => {
        const finished = new Log(newKey());
        await finished.create(store);
        await store.pushConfigs.put(finished.key, record(finished.key, "one"), LIMIT);
        await store.pushConfigs.put(finished.key, record(finished.key, "two"), LIMIT);
        await finished.status(store, "TASK_STATE_COMPLETED", 1);
        const running = new Log(newKey());
        await running.create(store);
        await running.status(store, "TASK_STATE_WORKING", 1);
        await store.pushConfigs.put(running.key, record(running.key, "one"), LIMIT);
        await sleep(300);

        expect(await store.sweepExpired()).toBe(1);
        expect(await store.get(finished.key)).toBeUndefined();
        expect(await store.pushConfigs.get(finished.key, "one")).toBeUndefined();
        expect(await store.pushConfigs.list(finished.key, { pageSize: 10 })).toEqual({
          records: [],
          nextPageToken: "",
        });
        expect(await store.pushConfigs.get(running.key, "one")).toEqual(record(running.key, "one"));
        // No row is left behind under the swept task's key (none pending, none counted).
        expect(await rows(store, finished.key)).toBe(0);
        expect(await rows(store, running.key)).toBe(1);
      },
      { finishedTaskTtlMs: 100 },
    ),
  );
});

/** The push config rows of `key` in the table, whatever the store shows. */
async function rows(store: PostgresTaskStore, key: TaskKey): Promise<number> {
  const schema = schemaOf.get(store)!;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows: found } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}".a2a_push_configs
       WHERE tenant = $1 AND owner = $2 AND task_id = $3`,
      [key.tenant, key.owner, key.taskId],
    );
    return found[0]!.n;
  } finally {
    await client.end();
  }
}
