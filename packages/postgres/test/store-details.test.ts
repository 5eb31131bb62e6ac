import {
  applyTaskEvent,
  InMemoryTaskStore,
  type StreamResponse,
  type Task,
  type TaskKey,
  type TaskListQuery,
  type TaskScope,
  type TaskState,
  type TaskStore,
} from "@a2a-mount/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTaskStore, type PostgresTaskStore } from "../src/index.js";
import { ownPool } from "../src/store/own-pool.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import { artifactEvent, Log, newTask, plain, stamp, statusEvent, T0 } from "./support/fixtures.js";

/** What the store does beyond the shared contract: snapshots, odd keys, pages, retention. */
let database: TestDatabase;
let admin: pg.Pool;
let store: PostgresTaskStore;
let owners = 0;

const SCHEMA = "details";
const FINISHED_TTL_MS = 60_000;
/** How often a running task's snapshot is written (postgres-task-store.ts). */
const SNAPSHOT_EVERY = 16;

beforeAll(async () => {
  database = await createTestDatabase();
  admin = new pg.Pool({ connectionString: database.url, max: 2 });
  store = await createPostgresTaskStore({
    connectionString: database.url,
    schema: SCHEMA,
    finishedTaskTtlMs: FINISHED_TTL_MS,
  });
});

afterAll(async () => {
  await store?.close();
  await admin?.end();
  await database?.drop();
});

/** A scope of the test's own, so that lists see only its tasks. */
const scope = (): TaskScope => ({ tenant: "t", owner: `owner-${++owners}` });
const keyIn = (s: TaskScope, taskId: string): TaskKey => ({ ...s, taskId });

interface Row {
  version: number;
  snapshot_version: number;
  snapshot: string;
  finished: boolean;
  expires_at: Date | null;
  now: Date;
}

async function row(key: TaskKey): Promise<Row> {
  const { rows } = await admin.query<Row>(
    `SELECT version, snapshot_version, snapshot::text AS snapshot, finished, expires_at, now() AS now
     FROM ${SCHEMA}.a2a_tasks WHERE tenant = $1 AND owner = $2 AND task_id = $3`,
    [key.tenant, key.owner, key.taskId],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

async function eventCount(key: TaskKey): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${SCHEMA}.a2a_task_events
     WHERE tenant = $1 AND owner = $2 AND task_id = $3`,
    [key.tenant, key.owner, key.taskId],
  );
  return Number(rows[0]!.n);
}

/** The tasks a fold of the log passes through, by version (index 0 is version 1). */
function folds(events: StreamResponse[]): Task[] {
  const tasks: Task[] = [];
  let task: Task | undefined;
  for (const event of events) {
    task = task === undefined ? (event as { task: Task }).task : applyTaskEvent(task, event);
    tasks.push(task);
  }
  return tasks;
}

function agentSays(task: Task, state: TaskState, step: number, text: string): StreamResponse {
  return {
    statusUpdate: {
      taskId: task.id,
      contextId: task.contextId ?? "ctx",
      status: {
        state,
        timestamp: stamp(step),
        message: { messageId: `m-${step}`, role: "ROLE_AGENT", parts: [{ text }] },
      },
    },
  };
}

describe("PostgresTaskStore snapshots", () => {
  it("writes a running task's snapshot every 16 events, and gets the task folded from it", async () => {
    const log = new Log(keyIn(scope(), "long-run"));
    await log.create(store);
    expect(await row(log.key)).toMatchObject({ version: 1, snapshot_version: 1 });
    for (let i = 1; i <= 40; i++) await log.status(store, "TASK_STATE_WORKING", i);
    const stored = await row(log.key);
    expect(stored.version).toBe(41);
    expect(stored.snapshot_version).toBeLessThan(stored.version);
    expect(stored.snapshot_version % SNAPSHOT_EVERY).toBe(0);
    expect(stored.snapshot_version).toBe(32);
    // The snapshot is the task as of its version; get folds the 9 events after it.
    expect(JSON.parse(stored.snapshot)).toEqual(folds(log.events)[31]);
    expect(await store.get(log.key)).toEqual({ task: log.task, version: 41 });
    expect(plain(await store.readEvents(log.key, 0))).toEqual(log.numbered());
  });

  it("writes the snapshot when a task pauses or finishes, and folds messages and artifacts", async () => {
    const log = new Log(keyIn(scope(), "mixed"));
    await log.create(store);
    let expectedSnapshot = 1;
    const script: Array<(task: Task, step: number) => StreamResponse> = [];
    for (let round = 0; round < 6; round++) {
      script.push(
        (task, step) => agentSays(task, "TASK_STATE_WORKING", step, `working ${step}`),
        (task) => artifactEvent(task, "out", `chunk ${round}`),
        (task) => ({
          artifactUpdate: {
            taskId: task.id,
            contextId: task.contextId ?? "ctx",
            artifact: { artifactId: "out", parts: [{ text: `+${round}` }] },
            append: true,
          },
        }),
        (task, step) => agentSays(task, "TASK_STATE_WORKING", step, `still ${step}`),
        (task) => ({
          message: {
            messageId: `u-${round}`,
            role: "ROLE_USER",
            taskId: task.id,
            parts: [{ text: `user ${round}` }],
          },
        }),
        (task, step) =>
          round % 2 === 0
            ? agentSays(task, "TASK_STATE_INPUT_REQUIRED", step, "need input")
            : statusEvent(task, "TASK_STATE_AUTH_REQUIRED", step),
      );
    }
    script.push((task, step) => statusEvent(task, "TASK_STATE_COMPLETED", step));
    for (const [i, next] of script.entries()) {
      const event = next(log.task, i + 1);
      const version = await log.append(store, event);
      const state = log.task.status.state;
      const pausesOrEnds = ["TASK_STATE_INPUT_REQUIRED", "TASK_STATE_AUTH_REQUIRED"].includes(
        state,
      );
      if (pausesOrEnds || state === "TASK_STATE_COMPLETED" || version % SNAPSHOT_EVERY === 0) {
        expectedSnapshot = version;
      }
      const stored = await row(log.key);
      expect(stored, `after event ${version}`).toMatchObject({
        version,
        snapshot_version: expectedSnapshot,
      });
      expect(JSON.parse(stored.snapshot)).toEqual(folds(log.events)[expectedSnapshot - 1]);
      expect(await store.get(log.key)).toEqual({ task: log.task, version });
    }
    const done = await row(log.key);
    expect(done.snapshot_version).toBe(done.version);
    expect(log.task.history!.length).toBeGreaterThan(10);
    expect(log.task.artifacts).toHaveLength(1);
  });
});

describe("PostgresTaskStore keys PostgreSQL cannot hold", () => {
  const bad = ["nul\u0000inside", "\u0000", "lone\ud800", "\udfff", "x\ud800y"];

  it("refuses to append under them, and finds nothing under them", async () => {
    const good = scope();
    for (const part of bad) {
      const keys: TaskKey[] = [
        { tenant: part, owner: good.owner, taskId: "a" },
        { tenant: good.tenant, owner: part, taskId: "a" },
        { tenant: good.tenant, owner: good.owner, taskId: part },
      ];
      for (const key of keys) {
        const created = newTask(key.taskId);
        await expect(
          store.append(key, 0, [{ event: { task: created }, task: created }]),
        ).rejects.toThrow(TypeError);
        expect(await store.get(key)).toBeUndefined();
        expect(await store.readEvents(key, 0)).toBeUndefined();
        const page = await store.list(key, { pageSize: 10 });
        expect(page).toEqual({ tasks: [], nextPageToken: "", totalSize: 0 });
      }
    }
    // Nothing was written.
    const { rows } = await admin.query(`SELECT task_id FROM ${SCHEMA}.a2a_tasks WHERE owner = $1`, [
      good.owner,
    ]);
    expect(rows).toEqual([]);
  });

  it("keeps a lone surrogate's key apart from U+FFFD's, and stores surrogate pairs exactly", async () => {
    const s = scope();
    const replacement = new Log({ tenant: s.tenant, owner: `${s.owner}\ufffd`, taskId: "r" });
    await replacement.create(store);
    const lone = { tenant: s.tenant, owner: `${s.owner}\ud800`, taskId: "r" };
    expect(await store.get(lone)).toBeUndefined();
    expect(await store.readEvents(lone, 0)).toBeUndefined();
    expect((await store.list(lone, { pageSize: 10 })).totalSize).toBe(0);

    const pair = new Log({ tenant: "😀", owner: `${s.owner}𝒜`, taskId: "task-🎉" });
    await pair.create(store);
    await pair.status(store, "TASK_STATE_WORKING", 1);
    expect(await store.get(pair.key)).toEqual({ task: pair.task, version: 2 });
    expect(plain(await store.readEvents(pair.key, 0))).toEqual(pair.numbered());
    const page = await store.list(pair.key, { pageSize: 10 });
    expect(page.tasks).toEqual([pair.task]);
  });
});

/** Stores the same tasks in a PostgresTaskStore scope and in an InMemoryTaskStore. */
async function twin(tasks: Task[]): Promise<{
  memory: InMemoryTaskStore;
  scope: TaskScope;
}> {
  const s = scope();
  const memory = new InMemoryTaskStore();
  for (const task of tasks) {
    for (const target of [store, memory] as TaskStore[]) {
      expect(await target.append(keyIn(s, task.id), 0, [{ event: { task }, task }])).toEqual({
        ok: true,
        version: 1,
      });
    }
  }
  return { memory, scope: s };
}

/** Every page of a listing, with the tasks' ids page by page. */
async function allPages(
  target: TaskStore,
  s: TaskScope,
  query: Omit<TaskListQuery, "pageToken">,
): Promise<{ pages: string[][]; totalSizes: number[] }> {
  const pages: string[][] = [];
  const totalSizes: number[] = [];
  let pageToken = "";
  for (let i = 0; i < 100; i++) {
    const page = await target.list(s, { ...query, pageToken });
    pages.push(page.tasks.map((task) => task.id));
    totalSizes.push(page.totalSize);
    if (page.nextPageToken === "") return { pages, totalSizes };
    pageToken = page.nextPageToken;
  }
  throw new Error("more than 100 pages");
}

describe("PostgresTaskStore ListTasks", () => {
  it("ends a page early once maxBytes is used up, with a token to the next page", async () => {
    const s = scope();
    const logs: Log[] = [];
    for (let i = 0; i < 5; i++) {
      const log = new Log(keyIn(s, `t${i}`), newTask(`t${i}`, i));
      await log.create(store);
      await log.append(store, artifactEvent(log.task, "a", "y".repeat(1000)));
      logs.push(log);
    }
    const newestFirst = logs.map((log) => log.task).reverse();
    const bytes = JSON.stringify(newestFirst[0]).length;
    expect(bytes).toBeGreaterThan(1000);

    const first = await store.list(s, { pageSize: 10, maxBytes: Math.floor(bytes * 2.5) });
    expect(first.tasks).toEqual(newestFirst.slice(0, 2));
    expect(first.totalSize).toBe(5);
    expect(first.nextPageToken).not.toBe("");
    const second = await store.list(s, {
      pageSize: 10,
      maxBytes: Math.floor(bytes * 2.5),
      pageToken: first.nextPageToken,
    });
    expect(second.tasks).toEqual(newestFirst.slice(2, 4));
    const third = await store.list(s, {
      pageSize: 10,
      maxBytes: Math.floor(bytes * 2.5),
      pageToken: second.nextPageToken,
    });
    expect(third).toEqual({ tasks: newestFirst.slice(4), nextPageToken: "", totalSize: 5 });

    // A budget smaller than any task still takes one per page.
    const single = await allPages(store, s, { pageSize: 10, maxBytes: 1 });
    expect(single.pages).toEqual(newestFirst.map((task) => [task.id]));
    expect(single.totalSizes).toEqual([5, 5, 5, 5, 5]);
    // Without a budget, one page.
    expect((await store.list(s, { pageSize: 10 })).tasks).toEqual(newestFirst);
  });

  it("keeps only tasks whose status time is at or after statusTimestampAfter", async () => {
    const tasks = [0, 1, 2, 3, 4].map((step) => newTask(`at-${step}`, step));
    const { memory, scope: s } = await twin(tasks);
    for (const after of [T0 - 1, T0, T0 + 2000, T0 + 2001, T0 + 4000, T0 + 4001]) {
      const query = { pageSize: 10, statusTimestampAfter: after };
      const page = await store.list(s, query);
      const expected = tasks
        .filter((task) => Date.parse(task.status.timestamp!) >= after)
        .reverse();
      expect(page, `after ${after - T0} ms`).toEqual({
        tasks: expected,
        nextPageToken: "",
        totalSize: expected.length,
      });
      expect(page).toEqual(await memory.list(s, query));
    }
    // With pages of 2 and the filter, the pages continue where they left off.
    const paged = await allPages(store, s, { pageSize: 2, statusTimestampAfter: T0 + 1000 });
    expect(paged.pages).toEqual([
      ["at-4", "at-3"],
      ["at-2", "at-1"],
    ]);
    expect(paged.totalSizes).toEqual([4, 4]);
  });

  /** An id with every code unit past ASCII as \uXXXX, so that a failure shows the code units. */
  const escaped = (id: string): string =>
    [...Array(id.length).keys()]
      .map((i) => {
        const unit = id.charCodeAt(i);
        return unit < 0x7f ? id[i] : `\\u${unit.toString(16).padStart(4, "0")}`;
      })
      .join("");

  /** Lists both stores, in one page and in pages of 2, and compares the orders. */
  async function sameOrder(ids: string[]): Promise<void> {
    // Mostly one status time, so the task id decides; a few at other times.
    const tasks = ids.map((id, i) => newTask(id, i % 4 === 3 ? 1 : 0));
    const { memory, scope: s } = await twin(tasks);
    const fromMemory = await memory.list(s, { pageSize: 100 });
    const fromPostgres = await store.list(s, { pageSize: 100 });
    expect(fromPostgres.tasks.map((task) => escaped(task.id))).toEqual(
      fromMemory.tasks.map((task) => escaped(task.id)),
    );
    expect(fromPostgres.totalSize).toBe(ids.length);
    const memoryPages = await allPages(memory, s, { pageSize: 2 });
    const postgresPages = await allPages(store, s, { pageSize: 2 });
    expect(postgresPages.pages.flat().map(escaped)).toEqual(memoryPages.pages.flat().map(escaped));
  }

  it("orders task ids that differ only in case like the in-memory store", async () => {
    await sameOrder(["a", "A", "b", "B", "ab", "aB", "Ab", "AB", "a b", "a-b", "a_b", "z", "Z"]);
  });

  it("orders non-ASCII task ids like the in-memory store (by UTF-16 code unit)", async () => {
    await sameOrder([
      "e",
      "é",
      "É",
      "ê",
      "ß",
      "ж",
      "中",
      "\u{e000}",
      "\u{ff5e}",
      "\u{fffd}",
      "😀",
      "𝒜",
      "a😀",
      "a\u{ff5e}",
    ]);
  });
});

describe("PostgresTaskStore appends that cannot be stored", () => {
  it("throws for an event it cannot serialise and changes nothing", async () => {
    const log = new Log(keyIn(scope(), "bigint"));
    const unserialisable = {
      statusUpdate: {
        taskId: log.key.taskId,
        contextId: "ctx",
        status: { state: "TASK_STATE_WORKING", timestamp: stamp(1) },
        metadata: { count: 10n },
      },
    } as unknown as StreamResponse;

    // Creating with it stores nothing.
    await expect(
      store.append(log.key, 0, [{ event: unserialisable, task: newTask(log.key.taskId) }]),
    ).rejects.toThrow(TypeError);
    expect(await store.get(log.key)).toBeUndefined();

    await log.create(store);
    await log.status(store, "TASK_STATE_WORKING", 1);
    const before = await store.get(log.key);
    const rowBefore = await row(log.key);
    const task = applyTaskEvent(log.task, unserialisable);
    await expect(store.append(log.key, 2, [{ event: unserialisable, task }])).rejects.toThrow(
      TypeError,
    );
    expect(await store.get(log.key)).toEqual(before);
    expect(plain(await store.readEvents(log.key, 0))).toEqual(log.numbered());
    expect(await eventCount(log.key)).toBe(2);
    expect(await row(log.key)).toEqual({ ...rowBefore, now: expect.any(Date) });

    // A finishing task (whose snapshot is written) that cannot be serialised: the same.
    const event = statusEvent(log.task, "TASK_STATE_COMPLETED", 2);
    const finishing = {
      ...applyTaskEvent(log.task, event),
      metadata: { count: 1n },
    } as unknown as Task;
    await expect(store.append(log.key, 2, [{ event, task: finishing }])).rejects.toThrow(TypeError);
    expect(await store.get(log.key)).toEqual(before);
    expect(await eventCount(log.key)).toBe(2);

    // And the task goes on from where it was.
    await log.status(store, "TASK_STATE_COMPLETED", 3);
    expect(await store.get(log.key)).toEqual({ task: log.task, version: 3 });
  });
});

describe("PostgresTaskStore retention of finished tasks", () => {
  it("sets expires_at when a task first finishes, and a later terminal event does not move it", async () => {
    const log = new Log(keyIn(scope(), "retained"));
    await log.create(store);
    await log.status(store, "TASK_STATE_WORKING", 1);
    expect(await row(log.key)).toMatchObject({ finished: false, expires_at: null });

    await log.status(store, "TASK_STATE_COMPLETED", 2);
    const finished = await row(log.key);
    expect(finished.finished).toBe(true);
    expect(finished.expires_at).toBeInstanceOf(Date);
    const ttl = finished.expires_at!.getTime() - finished.now.getTime();
    expect(ttl).toBeGreaterThan(FINISHED_TTL_MS - 5000);
    expect(ttl).toBeLessThanOrEqual(FINISHED_TTL_MS);

    await new Promise((resolve) => setTimeout(resolve, 50));
    await log.status(store, "TASK_STATE_FAILED", 3);
    await log.append(store, artifactEvent(log.task, "late", "after the end"));
    const later = await row(log.key);
    expect(later).toMatchObject({ finished: true, version: 5 });
    expect(later.expires_at).toEqual(finished.expires_at);
    expect(await store.get(log.key)).toEqual({ task: log.task, version: 5 });
  });

  it("sets expires_at at once for a task created finished, and none for a running one", async () => {
    const s = scope();
    const done: Task = { ...newTask("born-done"), status: { state: "TASK_STATE_REJECTED" } };
    expect(
      await store.append(keyIn(s, done.id), 0, [{ event: { task: done }, task: done }]),
    ).toEqual({
      ok: true,
      version: 1,
    });
    const stored = await row(keyIn(s, done.id));
    expect(stored.finished).toBe(true);
    expect(stored.expires_at).toBeInstanceOf(Date);
    const running = new Log(keyIn(s, "running"));
    await running.create(store);
    await running.status(store, "TASK_STATE_INPUT_REQUIRED", 1);
    expect(await row(running.key)).toMatchObject({ finished: false, expires_at: null });
  });
});

describe("PostgresTaskStore versions past PostgreSQL's integer", () => {
  // A client's Last-Event-ID ("<taskId>:<seq>", up to 15 digits) becomes readEvents' afterVersion.
  const huge = [2 ** 31, 2 ** 40, 999_999_999_999_999, Number.MAX_SAFE_INTEGER];

  it("reads no events after a version the task has not reached, however large", async () => {
    const log = new Log(keyIn(scope(), "far-ahead"));
    await log.create(store);
    const memory = new InMemoryTaskStore();
    await memory.append(log.key, 0, [{ event: { task: log.task }, task: log.task }]);
    for (const after of huge) {
      expect(await memory.readEvents(log.key, after)).toEqual([]);
      const settled = await store.readEvents(log.key, after).then(
        (events) => ({ events }),
        (error: unknown) => ({ error: String(error) }),
      );
      expect(settled, `readEvents after ${after}`).toEqual({ events: [] });
    }
  });

  it("refuses an append at a version the task is not at, however large, as a lost race", async () => {
    const log = new Log(keyIn(scope(), "stale-huge"));
    await log.create(store);
    const event = statusEvent(log.task, "TASK_STATE_WORKING", 1);
    const next = applyTaskEvent(log.task, event);
    for (const expected of huge) {
      const settled = await store.append(log.key, expected, [{ event, task: next }]).then(
        (result) => ({ result }),
        (error: unknown) => ({ error: String(error) }),
      );
      expect(settled, `append at ${expected}`).toEqual({
        result: { ok: false, current: { task: log.task, version: 1 } },
      });
    }
    expect(await store.get(log.key)).toEqual({ task: log.task, version: 1 });
  });
});

describe("synchronousCommit", () => {
  it("false: the store's own connections commit without waiting for the disk; default: they wait", async () => {
    const off = ownPool({ connectionString: database.url, synchronousCommit: false });
    const on = ownPool({ connectionString: database.url });
    try {
      expect((await off.query("SHOW synchronous_commit")).rows[0].synchronous_commit).toBe("off");
      expect((await on.query("SHOW synchronous_commit")).rows[0].synchronous_commit).toBe("on");
    } finally {
      await off.end();
      await on.end();
    }
  });

  it("is refused with a pool of your own, which it would not reach", async () => {
    await expect(
      createPostgresTaskStore({ pool: admin, synchronousCommit: false }),
    ).rejects.toThrow(/set it on your pool/);
  });
});
