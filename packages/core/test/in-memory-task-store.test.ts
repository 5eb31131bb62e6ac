import { describe, expect, it } from "vitest";
import {
  type Clock,
  encodePageToken,
  InMemoryTaskStore,
  InvalidPageTokenError,
  type Task,
  type TaskKey,
  type TaskListQuery,
  type TaskScope,
  type TaskState,
  type TaskStore,
  TaskStoreFullError,
} from "../src/index.js";

const T0 = Date.parse("2025-01-01T00:00:00.000Z");

/** A clock the test moves by hand. */
function fakeClock(start = T0) {
  const clock = { t: start, now: () => clock.t };
  return clock satisfies Clock;
}

const SCOPE: TaskScope = { tenant: "", owner: "" };

/**
 * Stores `task` as the next event of its log, at whatever version it is: a `{ task }` event,
 * so that the stored task is the fold of the log, as the store expects.
 */
async function save(store: TaskStore, k: TaskKey, task: Task): Promise<void> {
  const version = (await store.get(k))?.version ?? 0;
  const result = await store.append(k, version, [{ event: { task }, task }]);
  if (!result.ok) throw new Error("lost a race no test runs");
}

async function getTask(store: TaskStore, k: TaskKey): Promise<Task | undefined> {
  return (await store.get(k))?.task;
}

function key(taskId: string, scope: TaskScope = SCOPE) {
  return { ...scope, taskId };
}

/** A task whose status timestamp is `time` (ms since epoch). */
function makeTask(
  id: string,
  state: TaskState = "TASK_STATE_WORKING",
  time = T0,
  extra: Partial<Task> = {},
): Task {
  return {
    id,
    contextId: "ctx-1",
    status: { state, timestamp: new Date(time).toISOString() },
    ...extra,
  };
}

function query(overrides: Partial<TaskListQuery> = {}): TaskListQuery {
  return { pageSize: 100, ...overrides };
}

async function listIds(
  store: InMemoryTaskStore,
  overrides: Partial<TaskListQuery> = {},
  scope: TaskScope = SCOPE,
): Promise<string[]> {
  const page = await store.list(scope, query(overrides));
  return page.tasks.map((task) => task.id);
}

const TERMINAL: TaskState[] = [
  "TASK_STATE_COMPLETED",
  "TASK_STATE_FAILED",
  "TASK_STATE_CANCELED",
  "TASK_STATE_REJECTED",
];

const NON_TERMINAL: TaskState[] = [
  "TASK_STATE_SUBMITTED",
  "TASK_STATE_WORKING",
  "TASK_STATE_INPUT_REQUIRED",
  "TASK_STATE_AUTH_REQUIRED",
];

describe("InMemoryTaskStore: keys and scoping", () => {
  it("gets back a saved task and returns undefined for an unknown id", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    const task = makeTask("a");
    await save(store, key("a"), task);
    expect(await getTask(store, key("a"))).toEqual(task);
    expect(await getTask(store, key("b"))).toBeUndefined();
    expect(store.size).toBe(1);
  });

  it("replaces a task saved again under the same key", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    await save(store, key("a"), makeTask("a", "TASK_STATE_SUBMITTED"));
    const updated = makeTask("a", "TASK_STATE_WORKING", T0 + 1);
    await save(store, key("a"), updated);
    expect(await getTask(store, key("a"))).toEqual(updated);
    expect(store.size).toBe(1);
    expect(await listIds(store)).toEqual(["a"]);
  });

  it("keeps the same taskId under another tenant or owner as a different task", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    const scopes: TaskScope[] = [
      { tenant: "", owner: "" },
      { tenant: "t1", owner: "" },
      { tenant: "", owner: "alice" },
      { tenant: "t1", owner: "alice" },
    ];
    const tasks = scopes.map((_, i) => makeTask("same", "TASK_STATE_WORKING", T0 + i));
    for (const [i, scope] of scopes.entries()) await save(store, key("same", scope), tasks[i]!);
    expect(store.size).toBe(4);
    for (const [i, scope] of scopes.entries()) {
      expect(await getTask(store, key("same", scope))).toEqual(tasks[i]);
      const page = await store.list(scope, query());
      expect(page.tasks).toHaveLength(1);
      expect(page.tasks[0]).toEqual(tasks[i]);
      expect(page.totalSize).toBe(1);
    }
  });

  it("hides a task from every other scope, in get and in list", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    const alice: TaskScope = { tenant: "t1", owner: "alice" };
    await save(store, key("secret", alice), makeTask("secret"));
    for (const other of [
      { tenant: "t1", owner: "bob" },
      { tenant: "t1", owner: "" },
      { tenant: "t2", owner: "alice" },
      { tenant: "", owner: "alice" },
      { tenant: "", owner: "" },
    ]) {
      expect(await getTask(store, key("secret", other))).toBeUndefined();
      expect(await store.list(other, query())).toEqual({
        tasks: [],
        nextPageToken: "",
        totalSize: 0,
      });
    }
    expect(await listIds(store, {}, alice)).toEqual(["secret"]);
  });

  it("does not confuse scopes whose parts would concatenate to the same string", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    await save(store, { tenant: "ab", owner: "c", taskId: "x" }, makeTask("x"));
    expect(await getTask(store, { tenant: "a", owner: "bc", taskId: "x" })).toBeUndefined();
    expect(await store.list({ tenant: "a", owner: "bc" }, query())).toEqual({
      tasks: [],
      nextPageToken: "",
      totalSize: 0,
    });
  });
});

describe("InMemoryTaskStore: finished task TTL", () => {
  it.each(TERMINAL)(
    "drops a %s task after finishedTaskTtlMs and keeps it before",
    async (state) => {
      const clock = fakeClock();
      const store = new InMemoryTaskStore({ clock, finishedTaskTtlMs: 1000 });
      await save(store, key("done"), makeTask("done", state));
      clock.t = T0 + 999;
      expect(await getTask(store, key("done"))).toBeDefined();
      expect(await listIds(store)).toEqual(["done"]);
      clock.t = T0 + 1001;
      expect(await getTask(store, key("done"))).toBeUndefined();
      expect(await listIds(store)).toEqual([]);
      expect((await store.list(SCOPE, query())).totalSize).toBe(0);
    },
  );

  it("excludes an expired task from list even when get was never called", async () => {
    const clock = fakeClock();
    const store = new InMemoryTaskStore({ clock, finishedTaskTtlMs: 1000 });
    await save(store, key("old"), makeTask("old", "TASK_STATE_COMPLETED"));
    clock.t = T0 + 500;
    await save(store, key("young"), makeTask("young", "TASK_STATE_COMPLETED", T0 + 500));
    await save(store, key("live"), makeTask("live", "TASK_STATE_WORKING", T0 + 500));
    clock.t = T0 + 1001;
    const page = await store.list(SCOPE, query());
    expect(page.tasks.map((task) => task.id)).toEqual(["young", "live"]);
    expect(page.totalSize).toBe(2);
    clock.t = T0 + 1501;
    expect(await listIds(store)).toEqual(["live"]);
  });

  it.each(NON_TERMINAL)(
    "keeps a %s task for unfinishedTaskTtlMs after its last update, not finishedTaskTtlMs",
    async (state) => {
      const clock = fakeClock();
      const store = new InMemoryTaskStore({
        clock,
        finishedTaskTtlMs: 1000,
        unfinishedTaskTtlMs: 100_000,
      });
      const task = makeTask("open", state);
      await save(store, key("open"), task);
      clock.t = T0 + 60_000;
      // Another update restarts its TTL.
      await save(store, key("open"), task);
      clock.t = T0 + 150_000;
      // A write sweeps expired tasks too; the open task must survive it.
      await save(store, key("other"), makeTask("other", "TASK_STATE_WORKING", T0 + 150_000));
      expect(await getTask(store, key("open"))).toEqual(task);
      expect(await listIds(store)).toEqual(["other", "open"]);
      clock.t = T0 + 160_001;
      expect(await listIds(store)).toEqual(["other"]);
      expect(await getTask(store, key("open"))).toBeUndefined();
    },
  );

  it("keeps an unfinished task for 24 hours after its last update by default", async () => {
    const clock = fakeClock();
    const store = new InMemoryTaskStore({ clock });
    expect(store.unfinishedTaskTtlMs).toBe(86_400_000);
    await save(store, key("a"), makeTask("a", "TASK_STATE_INPUT_REQUIRED"));
    clock.t = T0 + 86_400_000 - 1;
    expect(await getTask(store, key("a"))).toBeDefined();
    clock.t = T0 + 86_400_000 + 1;
    expect(await getTask(store, key("a"))).toBeUndefined();
    expect(store.bytes).toBe(0);
  });

  it("counts the TTL from when the task became terminal, not from its creation", async () => {
    const clock = fakeClock();
    const store = new InMemoryTaskStore({ clock, finishedTaskTtlMs: 1000 });
    await save(store, key("a"), makeTask("a", "TASK_STATE_WORKING", T0));
    clock.t = T0 + 5000;
    await save(store, key("a"), makeTask("a", "TASK_STATE_COMPLETED", T0 + 5000));
    clock.t = T0 + 5999;
    expect(await getTask(store, key("a"))).toBeDefined();
    expect(await listIds(store)).toEqual(["a"]);
    clock.t = T0 + 6001;
    expect(await getTask(store, key("a"))).toBeUndefined();
    expect(await listIds(store)).toEqual([]);
  });

  it("does not restart the TTL when a finished task is saved again", async () => {
    const clock = fakeClock();
    const store = new InMemoryTaskStore({ clock, finishedTaskTtlMs: 1000 });
    await save(store, key("a"), makeTask("a", "TASK_STATE_COMPLETED", T0));
    clock.t = T0 + 600;
    await save(
      store,
      key("a"),
      makeTask("a", "TASK_STATE_COMPLETED", T0, { metadata: { resaved: true } }),
    );
    clock.t = T0 + 999;
    expect((await getTask(store, key("a")))?.metadata).toEqual({ resaved: true });
    clock.t = T0 + 1001;
    expect(await getTask(store, key("a"))).toBeUndefined();
    expect(await listIds(store)).toEqual([]);
  });

  it("frees each task's memory on the first write at or after it expires, refreshed ones later", async () => {
    const clock = fakeClock();
    const store = new InMemoryTaskStore({
      clock,
      unfinishedTaskTtlMs: 2000,
      finishedTaskTtlMs: 500,
    });
    await save(store, key("a"), makeTask("a"));
    clock.t = T0 + 1000;
    await save(store, key("b"), makeTask("b"));
    clock.t = T0 + 1500;
    await save(store, key("a"), makeTask("a")); // a now expires at T0 + 3500
    clock.t = T0 + 2000;
    await save(store, key("c"), makeTask("c", "TASK_STATE_COMPLETED")); // expires at T0 + 2500
    expect(store.size).toBe(3);
    clock.t = T0 + 2499;
    await save(store, key("d"), makeTask("d"));
    expect(store.size).toBe(4);
    clock.t = T0 + 2500;
    await save(store, key("d"), makeTask("d"));
    expect(store.size).toBe(3); // c
    clock.t = T0 + 3000;
    await save(store, key("d"), makeTask("d"));
    expect(store.size).toBe(2); // b
    expect(await listIds(store)).toEqual(["d", "a"]);
    clock.t = T0 + 3500;
    await save(store, key("d"), makeTask("d"));
    expect(store.size).toBe(1); // a
    expect(store.bytes).toBe(store.bytesOf(""));
  });

  it("counts a finished task saved as unfinished again as unfinished: never evicted", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock(), maxTasks: 2 });
    await save(store, key("a"), makeTask("a", "TASK_STATE_COMPLETED"));
    await save(store, key("a"), makeTask("a", "TASK_STATE_WORKING"));
    await save(store, key("b"), makeTask("b", "TASK_STATE_WORKING"));
    await expect(save(store, key("c"), makeTask("c"))).rejects.toBeInstanceOf(TaskStoreFullError);
    expect(await listIds(store)).toEqual(["b", "a"]);
  });

  it("uses a default TTL of one hour", async () => {
    const clock = fakeClock();
    const store = new InMemoryTaskStore({ clock });
    expect(store.finishedTaskTtlMs).toBe(3_600_000);
    await save(store, key("a"), makeTask("a", "TASK_STATE_FAILED"));
    clock.t = T0 + 3_600_000 - 1;
    expect(await getTask(store, key("a"))).toBeDefined();
    clock.t = T0 + 3_600_000 + 1;
    expect(await getTask(store, key("a"))).toBeUndefined();
  });
});

describe("InMemoryTaskStore: maxTasks", () => {
  it("evicts the oldest finished task first, even when older unfinished tasks exist", async () => {
    const clock = fakeClock();
    const store = new InMemoryTaskStore({ clock, maxTasks: 4 });
    await save(store, key("open-1"), makeTask("open-1", "TASK_STATE_WORKING"));
    await save(store, key("open-2"), makeTask("open-2", "TASK_STATE_INPUT_REQUIRED"));
    clock.t += 1;
    await save(store, key("done-1"), makeTask("done-1", "TASK_STATE_COMPLETED"));
    clock.t += 1;
    await save(store, key("done-2"), makeTask("done-2", "TASK_STATE_FAILED"));
    expect(store.size).toBe(4);

    clock.t += 1;
    await save(store, key("new-1"), makeTask("new-1", "TASK_STATE_WORKING"));
    expect(store.size).toBe(4);
    expect(await getTask(store, key("done-1"))).toBeUndefined();
    expect(await getTask(store, key("done-2"))).toBeDefined();
    expect(await getTask(store, key("open-1"))).toBeDefined();
    expect(await getTask(store, key("open-2"))).toBeDefined();

    clock.t += 1;
    await save(store, key("new-2"), makeTask("new-2", "TASK_STATE_SUBMITTED"));
    expect(store.size).toBe(4);
    expect(await getTask(store, key("done-2"))).toBeUndefined();
    expect(await getTask(store, key("open-1"))).toBeDefined();
    expect(await getTask(store, key("open-2"))).toBeDefined();
    expect((await listIds(store)).sort()).toEqual(["new-1", "new-2", "open-1", "open-2"]);
  });

  it("evicts finished tasks in the order they finished, not the order they were created", async () => {
    const clock = fakeClock();
    const store = new InMemoryTaskStore({ clock, maxTasks: 3 });
    await save(store, key("a"), makeTask("a", "TASK_STATE_WORKING"));
    await save(store, key("b"), makeTask("b", "TASK_STATE_WORKING"));
    clock.t += 1;
    await save(store, key("b"), makeTask("b", "TASK_STATE_COMPLETED"));
    clock.t += 1;
    await save(store, key("a"), makeTask("a", "TASK_STATE_COMPLETED"));
    clock.t += 1;
    await save(store, key("c"), makeTask("c", "TASK_STATE_WORKING"));
    await save(store, key("d"), makeTask("d", "TASK_STATE_WORKING"));
    expect(store.size).toBe(3);
    expect(await getTask(store, key("b"))).toBeUndefined();
    expect(await getTask(store, key("a"))).toBeDefined();
  });

  it("never evicts an unfinished task: a save that needs its room is refused and changes nothing", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock(), maxTasks: 3 });
    await save(store, key("a"), makeTask("a", "TASK_STATE_WORKING"));
    await save(store, key("b"), makeTask("b", "TASK_STATE_INPUT_REQUIRED"));
    await save(store, key("c"), makeTask("c", "TASK_STATE_WORKING"));
    const refused = save(store, key("d"), makeTask("d", "TASK_STATE_WORKING"));
    await expect(refused).rejects.toBeInstanceOf(TaskStoreFullError);
    await expect(refused).rejects.toMatchObject({ limit: "maxTasks" });
    expect((await listIds(store)).sort()).toEqual(["a", "b", "c"]);
    // Updating a held task needs no more room, so it goes through.
    await save(store, key("a"), makeTask("a", "TASK_STATE_COMPLETED", T0 + 1));
    // And now that one is finished, it makes room for the next.
    await save(store, key("d"), makeTask("d", "TASK_STATE_WORKING"));
    expect((await listIds(store)).sort()).toEqual(["b", "c", "d"]);
  });

  it("counts tasks of every scope against the one limit", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock(), maxTasks: 2 });
    await save(store, key("x", { tenant: "t1", owner: "" }), makeTask("x"));
    await save(store, key("x", { tenant: "t2", owner: "" }), makeTask("x"));
    await expect(
      save(store, key("x", { tenant: "t3", owner: "" }), makeTask("x")),
    ).rejects.toBeInstanceOf(TaskStoreFullError);
    expect(store.size).toBe(2);
    expect(await getTask(store, key("x", { tenant: "t1", owner: "" }))).toBeDefined();
  });

  it("never holds more than maxTasks, and keeps every unfinished task (10 000 saves, maxTasks 100)", async () => {
    const clock = fakeClock();
    const store = new InMemoryTaskStore({ clock, maxTasks: 100 });
    expect(store.maxTasks).toBe(100);
    let largest = 0;
    const open: string[] = [];
    let refused = 0;
    for (let i = 0; i < 10_000; i++) {
      clock.t = T0 + i;
      // One task in 50 stays open; the rest finish.
      const state: TaskState = i % 50 === 0 ? "TASK_STATE_WORKING" : "TASK_STATE_COMPLETED";
      try {
        await save(store, key(`task-${i}`), makeTask(`task-${i}`, state, T0 + i));
        if (state === "TASK_STATE_WORKING") open.push(`task-${i}`);
      } catch (error) {
        expect(error).toBeInstanceOf(TaskStoreFullError);
        refused++;
      }
      largest = Math.max(largest, store.size);
    }
    expect(largest).toBe(100);
    // The 100th open task (task-4950) fills the store; from then on, every save is refused.
    expect(open).toHaveLength(100);
    expect(refused).toBe(10_000 - 4951);
    const ids = await listIds(store);
    expect(ids.sort()).toEqual([...open].sort());
  });

  it("a save that moves a held task on never evicts that task", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock(), maxTasks: 2 });
    await save(store, key("a"), makeTask("a", "TASK_STATE_WORKING"));
    await save(store, key("b"), makeTask("b", "TASK_STATE_COMPLETED"));
    await save(store, key("b"), makeTask("b", "TASK_STATE_COMPLETED", T0, { metadata: { x: 1 } }));
    expect((await listIds(store)).sort()).toEqual(["a", "b"]);
    // With a finished task to spare, a new save evicts it rather than an open one.
    await save(store, key("c"), makeTask("c", "TASK_STATE_WORKING"));
    expect((await listIds(store)).sort()).toEqual(["a", "c"]);
  });

  it("defaults: 256 MiB in all, 16 MiB per owner, no count of its own", () => {
    const store = new InMemoryTaskStore();
    expect(store.maxBytes).toBe(256 * 1024 * 1024);
    expect(store.maxBytesPerOwner).toBe(16 * 1024 * 1024);
    expect(store.maxTasks).toBe(Number.POSITIVE_INFINITY);
  });

  it("counts each task with an allowance for its bookkeeping, so tiny tasks are bounded too", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock(), maxBytesPerOwner: 100 * 1024 });
    let stored = 0;
    for (let i = 0; i < 1000; i++) {
      try {
        await save(store, key(`t${i}`), makeTask(`t${i}`, "TASK_STATE_INPUT_REQUIRED"));
        stored++;
      } catch (error) {
        expect(error).toBeInstanceOf(TaskStoreFullError);
      }
    }
    // ~100 bytes of JSON each, but at least 512 bytes counted: under 200 fit.
    expect(stored).toBeLessThan(200);
    expect(store.bytes).toBeLessThanOrEqual(100 * 1024);
  });
});

describe("InMemoryTaskStore: options", () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "rejects maxTasks %s with a TypeError",
    (maxTasks) => {
      expect(() => new InMemoryTaskStore({ maxTasks })).toThrow(TypeError);
    },
  );

  it.each([0, -1, Number.NaN])("rejects finishedTaskTtlMs %s with a TypeError", (ttl) => {
    expect(() => new InMemoryTaskStore({ finishedTaskTtlMs: ttl })).toThrow(TypeError);
  });

  it("accepts maxTasks 1 and a small positive TTL", () => {
    const store = new InMemoryTaskStore({ maxTasks: 1, finishedTaskTtlMs: 1 });
    expect(store.maxTasks).toBe(1);
    expect(store.finishedTaskTtlMs).toBe(1);
  });
});

describe("InMemoryTaskStore: list", () => {
  it("orders by newest status timestamp first, ties by id descending", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    await save(store, key("b"), makeTask("b", "TASK_STATE_WORKING", T0 + 10));
    await save(store, key("a"), makeTask("a", "TASK_STATE_WORKING", T0 + 30));
    await save(store, key("d"), makeTask("d", "TASK_STATE_COMPLETED", T0 + 20));
    await save(store, key("c"), makeTask("c", "TASK_STATE_WORKING", T0 + 20));
    await save(store, key("e"), makeTask("e", "TASK_STATE_WORKING", T0 + 20));
    await save(store, key("z"), makeTask("z", "TASK_STATE_WORKING", T0));
    expect(await listIds(store)).toEqual(["a", "e", "d", "c", "b", "z"]);
  });

  it("re-sorts a task by its latest status timestamp after an update", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    await save(store, key("a"), makeTask("a", "TASK_STATE_WORKING", T0 + 1));
    await save(store, key("b"), makeTask("b", "TASK_STATE_WORKING", T0 + 2));
    expect(await listIds(store)).toEqual(["b", "a"]);
    await save(store, key("a"), makeTask("a", "TASK_STATE_COMPLETED", T0 + 3));
    expect(await listIds(store)).toEqual(["a", "b"]);
  });

  it("breaks ties by task id in code point order, as databases sort UTF-8", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    // UTF-16 code units would put the astral character (a surrogate pair) first.
    for (const id of ["\uE000", "\u{1D49C}", "\uFF5E", "\u{1F600}", "z"]) {
      await save(store, key(id), makeTask(id));
    }
    expect(await listIds(store)).toEqual(["\u{1F600}", "\u{1D49C}", "\uFF5E", "\uE000", "z"]);
    const first = await store.list(SCOPE, query({ pageSize: 2 }));
    const rest = await store.list(SCOPE, query({ pageSize: 10, pageToken: first.nextPageToken }));
    expect(rest.tasks.map((task) => task.id)).toEqual(["\uFF5E", "\uE000", "z"]);
  });

  it("filters by contextId", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    await save(store, key("a"), makeTask("a", "TASK_STATE_WORKING", T0 + 1, { contextId: "c1" }));
    await save(store, key("b"), makeTask("b", "TASK_STATE_WORKING", T0 + 2, { contextId: "c2" }));
    await save(store, key("c"), makeTask("c", "TASK_STATE_WORKING", T0 + 3, { contextId: "c1" }));
    const page = await store.list(SCOPE, query({ contextId: "c1" }));
    expect(page.tasks.map((task) => task.id)).toEqual(["c", "a"]);
    expect(page.totalSize).toBe(2);
    expect(await listIds(store, { contextId: "c3" })).toEqual([]);
  });

  it("filters by status", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    await save(store, key("a"), makeTask("a", "TASK_STATE_COMPLETED", T0 + 1));
    await save(store, key("b"), makeTask("b", "TASK_STATE_WORKING", T0 + 2));
    await save(store, key("c"), makeTask("c", "TASK_STATE_COMPLETED", T0 + 3));
    await save(store, key("d"), makeTask("d", "TASK_STATE_INPUT_REQUIRED", T0 + 4));
    const page = await store.list(SCOPE, query({ status: "TASK_STATE_COMPLETED" }));
    expect(page.tasks.map((task) => task.id)).toEqual(["c", "a"]);
    expect(page.totalSize).toBe(2);
    expect(await listIds(store, { status: "TASK_STATE_INPUT_REQUIRED" })).toEqual(["d"]);
    expect(await listIds(store, { status: "TASK_STATE_CANCELED" })).toEqual([]);
  });

  it("filters by statusTimestampAfter, at or after (a2a.proto: greater than or equal)", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    for (const i of [1, 2, 3, 4]) {
      await save(store, key(`t${i}`), makeTask(`t${i}`, "TASK_STATE_WORKING", T0 + i * 1000));
    }
    const page = await store.list(SCOPE, query({ statusTimestampAfter: T0 + 2000 }));
    expect(page.tasks.map((task) => task.id)).toEqual(["t4", "t3", "t2"]);
    expect(page.totalSize).toBe(3);
    expect(await listIds(store, { statusTimestampAfter: T0 + 2001 })).toEqual(["t4", "t3"]);
    expect(await listIds(store, { statusTimestampAfter: T0 + 4000 })).toEqual(["t4"]);
    expect(await listIds(store, { statusTimestampAfter: T0 + 4001 })).toEqual([]);
    expect(await listIds(store, { statusTimestampAfter: 0 })).toEqual(["t4", "t3", "t2", "t1"]);
  });

  it("combines filters", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    await save(
      store,
      key("a"),
      makeTask("a", "TASK_STATE_COMPLETED", T0 + 1000, { contextId: "c1" }),
    );
    await save(
      store,
      key("b"),
      makeTask("b", "TASK_STATE_COMPLETED", T0 + 3000, { contextId: "c1" }),
    );
    await save(
      store,
      key("c"),
      makeTask("c", "TASK_STATE_WORKING", T0 + 3000, { contextId: "c1" }),
    );
    await save(
      store,
      key("d"),
      makeTask("d", "TASK_STATE_COMPLETED", T0 + 3000, { contextId: "c2" }),
    );
    const page = await store.list(
      SCOPE,
      query({ contextId: "c1", status: "TASK_STATE_COMPLETED", statusTimestampAfter: T0 + 2000 }),
    );
    expect(page.tasks.map((task) => task.id)).toEqual(["b"]);
    expect(page.totalSize).toBe(1);
    expect(page.nextPageToken).toBe("");
  });

  it.each([1, 2, 3, 4, 7, 8])(
    "pages of pageSize %i concatenate to the whole ordered list",
    async (pageSize) => {
      const store = new InMemoryTaskStore({ clock: fakeClock() });
      // Seven tasks, with timestamp ties so the id tie-break matters across page borders.
      const times: Record<string, number> = { a: 5, b: 5, c: 5, d: 3, e: 3, f: 9, g: 1 };
      for (const [id, offset] of Object.entries(times)) {
        await save(store, key(id), makeTask(id, "TASK_STATE_WORKING", T0 + offset));
      }
      const full = ["f", "c", "b", "a", "e", "d", "g"];
      expect(await listIds(store)).toEqual(full);

      const seen: string[] = [];
      const tokens: string[] = [];
      let pageToken: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await store.list(SCOPE, query({ pageSize, pageToken }));
        expect(page.totalSize).toBe(7);
        expect(page.tasks.length).toBeLessThanOrEqual(pageSize);
        seen.push(...page.tasks.map((task) => task.id));
        tokens.push(page.nextPageToken);
        if (page.nextPageToken === "") break;
        expect(page.tasks).toHaveLength(pageSize);
        pageToken = page.nextPageToken;
      }
      expect(seen).toEqual(full);
      expect(tokens).toHaveLength(Math.ceil(7 / pageSize));
      expect(tokens.at(-1)).toBe("");
      expect(tokens.slice(0, -1).every((token) => token !== "")).toBe(true);
    },
  );

  it("paginates a filtered list, with totalSize counting all matching tasks", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    for (let i = 0; i < 10; i++) {
      const state: TaskState = i % 2 === 0 ? "TASK_STATE_COMPLETED" : "TASK_STATE_WORKING";
      await save(store, key(`t${i}`), makeTask(`t${i}`, state, T0 + i));
    }
    const first = await store.list(SCOPE, query({ status: "TASK_STATE_COMPLETED", pageSize: 3 }));
    expect(first.tasks.map((task) => task.id)).toEqual(["t8", "t6", "t4"]);
    expect(first.totalSize).toBe(5);
    expect(first.nextPageToken).not.toBe("");
    const second = await store.list(
      SCOPE,
      query({ status: "TASK_STATE_COMPLETED", pageSize: 3, pageToken: first.nextPageToken }),
    );
    expect(second.tasks.map((task) => task.id)).toEqual(["t2", "t0"]);
    expect(second.totalSize).toBe(5);
    expect(second.nextPageToken).toBe("");
  });

  it("gives nextPageToken '' when the page holds exactly the remaining tasks", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    for (const id of ["a", "b", "c", "d"]) await save(store, key(id), makeTask(id));
    const first = await store.list(SCOPE, query({ pageSize: 2 }));
    expect(first.nextPageToken).not.toBe("");
    const second = await store.list(SCOPE, query({ pageSize: 2, pageToken: first.nextPageToken }));
    expect(second.tasks.map((task) => task.id)).toEqual(["b", "a"]);
    expect(second.nextPageToken).toBe("");
    const all = await store.list(SCOPE, query({ pageSize: 4 }));
    expect(all.tasks).toHaveLength(4);
    expect(all.nextPageToken).toBe("");
  });

  it("continues after its cursor when newer tasks arrive between pages", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    for (let i = 1; i <= 4; i++) {
      await save(store, key(`t${i}`), makeTask(`t${i}`, "TASK_STATE_WORKING", T0 + i));
    }
    const first = await store.list(SCOPE, query({ pageSize: 2 }));
    expect(first.tasks.map((task) => task.id)).toEqual(["t4", "t3"]);
    await save(store, key("t5"), makeTask("t5", "TASK_STATE_WORKING", T0 + 5));
    const second = await store.list(SCOPE, query({ pageSize: 2, pageToken: first.nextPageToken }));
    expect(second.tasks.map((task) => task.id)).toEqual(["t2", "t1"]);
    expect(second.totalSize).toBe(5);
    expect(second.nextPageToken).toBe("");
  });

  it("treats an empty pageToken as the first page", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    await save(store, key("a"), makeTask("a"));
    expect(await listIds(store, { pageToken: "" })).toEqual(["a"]);
  });

  it("lists an empty store as no tasks, nextPageToken '' and totalSize 0", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    expect(await store.list(SCOPE, query({ pageSize: 10 }))).toEqual({
      tasks: [],
      nextPageToken: "",
      totalSize: 0,
    });
  });

  it("throws InvalidPageTokenError for garbage and tampered page tokens", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    for (const id of ["a", "b", "c"]) await save(store, key(id), makeTask(id));
    const { nextPageToken } = await store.list(SCOPE, query({ pageSize: 1 }));
    expect(nextPageToken).not.toBe("");
    const base64url = (text: string) =>
      btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    const bad = [
      "garbage!!",
      "%%%",
      nextPageToken.slice(0, 4),
      `${nextPageToken}!`,
      base64url("not json"),
      base64url('{"time":1,"taskId":"a"}'),
      base64url('[1,"a","extra"]'),
      base64url('["1","a"]'),
      base64url("[1,2]"),
      base64url("null"),
    ];
    for (const pageToken of bad) {
      await expect(store.list(SCOPE, query({ pageToken })), pageToken).rejects.toBeInstanceOf(
        InvalidPageTokenError,
      );
    }
    // A well-formed token works.
    expect(await listIds(store, { pageToken: encodePageToken({ time: T0, taskId: "b" }) })).toEqual(
      ["a"],
    );
  });
});

describe("InMemoryTaskStore: stored values", () => {
  it("keeps an unfinished task as a value too, and never mutates what it was given", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock(), maxTasks: 2 });
    const task = makeTask("a", "TASK_STATE_WORKING", T0, {
      history: [{ messageId: "m1", role: "ROLE_USER", parts: [{ text: "hi" }] }],
    });
    const snapshot = structuredClone(task);
    await save(store, key("a"), task);
    const read = (await getTask(store, key("a")))!;
    expect(read).toEqual(snapshot);
    read.history!.push({ messageId: "m2", role: "ROLE_AGENT", parts: [{ text: "later" }] });
    expect(await getTask(store, key("a"))).toEqual(snapshot);
    expect((await store.list(SCOPE, query({ pageSize: 1 }))).tasks[0]).toEqual(snapshot);
    expect(task).toEqual(snapshot);
  });

  it("keeps a finished task as a value: equal on every read, untouched by callers' changes", async () => {
    const store = new InMemoryTaskStore({
      clock: fakeClock(),
      maxTasks: 2,
      finishedTaskTtlMs: 1000,
    });
    const task = makeTask("a", "TASK_STATE_COMPLETED", T0, {
      history: [{ messageId: "m1", role: "ROLE_USER", parts: [{ text: "hi" }] }],
      artifacts: [{ artifactId: "x", parts: [{ text: "out" }] }],
      metadata: { k: "v" },
    });
    const snapshot = structuredClone(task);
    await save(store, key("a"), task);
    const read = (await getTask(store, key("a")))!;
    expect(read).toEqual(snapshot);
    read.history!.push({ messageId: "m2", role: "ROLE_AGENT", parts: [{ text: "later" }] });
    task.metadata = { k: "changed" };
    expect(await getTask(store, key("a"))).toEqual(snapshot);
    expect((await store.list(SCOPE, query({ pageSize: 1 }))).tasks[0]).toEqual(snapshot);
  });

  it("works with deeply frozen tasks through save, list, eviction and expiry", async () => {
    const deepFreeze = <T>(value: T): T => {
      if (value && typeof value === "object") {
        for (const child of Object.values(value)) deepFreeze(child);
        Object.freeze(value);
      }
      return value;
    };
    const clock = fakeClock();
    const store = new InMemoryTaskStore({ clock, maxTasks: 2, finishedTaskTtlMs: 1000 });
    const a = deepFreeze(makeTask("a", "TASK_STATE_COMPLETED", T0 + 1));
    const b = deepFreeze(makeTask("b", "TASK_STATE_WORKING", T0 + 2));
    const c = deepFreeze(makeTask("c", "TASK_STATE_WORKING", T0 + 3));
    await save(store, key("a"), a);
    await save(store, key("b"), b);
    await save(store, key("c"), c);
    const page = await store.list(SCOPE, query());
    expect(page.tasks).toHaveLength(2);
    expect(page.tasks[0]).toEqual(c);
    expect(page.tasks[1]).toEqual(b);
    clock.t = T0 + 10_000;
    expect(await getTask(store, key("b"))).toEqual(b);
  });
});

describe("InMemoryTaskStore: byte budgets and fairness", () => {
  const alice: TaskScope = { tenant: "", owner: "alice" };
  const bob: TaskScope = { tenant: "", owner: "bob" };
  /** A task of about `size` bytes of JSON. */
  const sized = (id: string, state: TaskState, size: number, time = T0) =>
    makeTask(id, state, time, { metadata: { pad: "x".repeat(size) } });

  it("one owner's traffic never evicts another's unfinished tasks (maxTasks 5)", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock(), maxTasks: 5 });
    for (const id of ["a1", "a2"]) {
      await save(store, key(id, alice), makeTask(id, "TASK_STATE_INPUT_REQUIRED"));
    }
    let refused = 0;
    for (let i = 0; i < 5; i++) {
      await save(store, key(`b${i}`, bob), makeTask(`b${i}`, "TASK_STATE_INPUT_REQUIRED")).catch(
        (error) => {
          expect(error).toBeInstanceOf(TaskStoreFullError);
          refused++;
        },
      );
    }
    expect(refused).toBe(2);
    expect(await listIds(store, {}, alice)).toEqual(["a2", "a1"]);
  });

  // Each task counts about twice its JSON: the task, and its log (here, one event holding it).
  it("holds an owner to maxBytesPerOwner, evicting its own finished tasks first", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock(), maxBytesPerOwner: 20_000 });
    await save(store, key("b-done", bob), sized("b-done", "TASK_STATE_COMPLETED", 3000));
    await save(store, key("a-done", alice), sized("a-done", "TASK_STATE_COMPLETED", 4000));
    await save(store, key("a-open", alice), sized("a-open", "TASK_STATE_WORKING", 4000));
    expect(store.bytesOf("alice")).toBeGreaterThan(16_000);
    // Alice's next task needs room: her own finished task goes, Bob's stays.
    await save(store, key("a-new", alice), sized("a-new", "TASK_STATE_WORKING", 4000));
    expect((await listIds(store, {}, alice)).sort()).toEqual(["a-new", "a-open"]);
    expect(await listIds(store, {}, bob)).toEqual(["b-done"]);
    // Now only unfinished tasks of hers are left: refused, with nothing changed.
    const before = store.bytes;
    const refused = save(store, key("a-more", alice), sized("a-more", "TASK_STATE_WORKING", 4000));
    await expect(refused).rejects.toMatchObject({ limit: "maxBytesPerOwner" });
    expect(store.bytes).toBe(before);
    expect((await listIds(store, {}, alice)).sort()).toEqual(["a-new", "a-open"]);
    // Bob has his own budget.
    await save(store, key("b-open", bob), sized("b-open", "TASK_STATE_WORKING", 4000));
    expect((await listIds(store, {}, bob)).sort()).toEqual(["b-done", "b-open"]);
  });

  it("counts an owner across tenants: a tenant in the path buys no extra budget", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock(), maxBytesPerOwner: 20_000 });
    await save(
      store,
      key("x", { tenant: "t1", owner: "eve" }),
      sized("x", "TASK_STATE_WORKING", 4000),
    );
    await save(
      store,
      key("x", { tenant: "t2", owner: "eve" }),
      sized("x", "TASK_STATE_WORKING", 4000),
    );
    await expect(
      save(store, key("x", { tenant: "t3", owner: "eve" }), sized("x", "TASK_STATE_WORKING", 4000)),
    ).rejects.toMatchObject({ limit: "maxBytesPerOwner" });
  });

  it("makes room in maxBytes from the largest owner's finished tasks, oldest first", async () => {
    const clock = fakeClock();
    const store = new InMemoryTaskStore({ clock, maxBytes: 44_000 });
    await save(store, key("b1", bob), sized("b1", "TASK_STATE_COMPLETED", 3000));
    clock.t += 1;
    await save(store, key("b2", bob), sized("b2", "TASK_STATE_COMPLETED", 3000));
    clock.t += 1;
    await save(store, key("b3", bob), sized("b3", "TASK_STATE_COMPLETED", 3000));
    await save(
      store,
      key("c1", { tenant: "", owner: "carol" }),
      sized("c1", "TASK_STATE_COMPLETED", 3000),
    );
    await save(store, key("a1", alice), sized("a1", "TASK_STATE_WORKING", 5000));
    // Alice has no finished task; Bob holds the most, so his oldest finished task goes.
    await save(store, key("a2", alice), sized("a2", "TASK_STATE_WORKING", 3000));
    expect((await listIds(store, {}, bob)).sort()).toEqual(["b2", "b3"]);
    expect(await listIds(store, {}, { tenant: "", owner: "carol" })).toEqual(["c1"]);
    expect(store.bytes).toBeLessThanOrEqual(44_000);
  });

  it("refuses what no finished task can make room for, and lets a task finish all the same", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock(), maxBytes: 20_000 });
    await save(store, key("a", alice), sized("a", "TASK_STATE_WORKING", 4000));
    await save(store, key("b", bob), sized("b", "TASK_STATE_WORKING", 4000));
    await expect(
      save(store, key("c", bob), sized("c", "TASK_STATE_WORKING", 4000)),
    ).rejects.toMatchObject({ limit: "maxBytes" });
    await expect(
      save(store, key("a", alice), sized("a", "TASK_STATE_WORKING", 9000)),
    ).rejects.toMatchObject({ limit: "maxBytes" });
    // Reaching a terminal state may pass the budget by a little, so no task is stuck open.
    await save(store, key("a", alice), sized("a", "TASK_STATE_FAILED", 5000));
    expect((await getTask(store, key("a", alice)))?.status.state).toBe("TASK_STATE_FAILED");
    expect(store.bytes).toBeLessThan(20_000 + 64 * 1024);
  });

  it("keeps its byte count exact through updates, eviction and expiry", async () => {
    const clock = fakeClock();
    const store = new InMemoryTaskStore({
      clock,
      finishedTaskTtlMs: 1000,
      unfinishedTaskTtlMs: 2000,
    });
    await save(store, key("a", alice), sized("a", "TASK_STATE_WORKING", 1000));
    const one = store.bytes;
    expect(one).toBeGreaterThan(1000);
    // The same task again: its log grows by the event's JSON, and the running task, counted
    // at the size of its log, as much again.
    const again = sized("a", "TASK_STATE_WORKING", 1000);
    await save(store, key("a", alice), again);
    expect(store.bytes).toBe(one + 2 * JSON.stringify({ task: again }).length);
    await save(store, key("a", alice), sized("a", "TASK_STATE_COMPLETED", 3000));
    await save(store, key("b", bob), sized("b", "TASK_STATE_WORKING", 10));
    expect(store.bytes).toBe(store.bytesOf("alice") + store.bytesOf("bob"));
    clock.t = T0 + 5000;
    await store.list(SCOPE, query());
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
    expect(store.bytesOf("alice")).toBe(0);
  });

  it("counts text beyond Latin-1 at two bytes a character", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    await save(store, key("latin"), sized("latin", "TASK_STATE_WORKING", 0, T0));
    const base = store.bytes;
    await save(
      store,
      key("latin"),
      makeTask("latin", "TASK_STATE_WORKING", T0, { metadata: { pad: "é".repeat(1000) } }),
    );
    const latin = store.bytes - base;
    await save(
      store,
      key("latin"),
      makeTask("latin", "TASK_STATE_WORKING", T0, { metadata: { pad: "€".repeat(1000) } }),
    );
    const wide = store.bytes - base;
    expect(wide).toBeGreaterThan(latin + 900);
  });
});

describe("InMemoryTaskStore: all or nothing", () => {
  it("refuses a task that cannot be serialised and keeps the stored version", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    const good = makeTask("a", "TASK_STATE_WORKING");
    await save(store, key("a"), good);
    const cyclic = makeTask("a", "TASK_STATE_COMPLETED") as Task & {
      metadata: Record<string, unknown>;
    };
    cyclic.metadata = {};
    cyclic.metadata.self = cyclic.metadata;
    await expect(save(store, key("a"), cyclic)).rejects.toThrow(TypeError);
    const big = makeTask("a", "TASK_STATE_COMPLETED", T0, { metadata: { n: 1n } as never });
    await expect(save(store, key("a"), big)).rejects.toThrow(TypeError);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const nested = makeTask("a", "TASK_STATE_COMPLETED", T0, { metadata: { deep } });
    await expect(save(store, key("a"), nested)).rejects.toThrow();
    expect(await getTask(store, key("a"))).toEqual(good);
    expect(await listIds(store)).toEqual(["a"]);
    expect(store.size).toBe(1);
  });
});

describe("InMemoryTaskStore: page byte budget", () => {
  it("ends a page once its tasks pass maxBytes, with a token for the rest", async () => {
    const store = new InMemoryTaskStore({ clock: fakeClock() });
    for (let i = 0; i < 10; i++) {
      await save(
        store,
        key(`t${i}`),
        makeTask(`t${i}`, "TASK_STATE_COMPLETED", T0 + i, { metadata: { pad: "x".repeat(1000) } }),
      );
    }
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await store.list(SCOPE, query({ pageSize: 100, maxBytes: 3500, pageToken }));
      expect(page.tasks.length).toBeLessThanOrEqual(3);
      expect(page.totalSize).toBe(10);
      seen.push(...page.tasks.map((task) => task.id));
      pageToken = page.nextPageToken || undefined;
      pages++;
    } while (pageToken);
    expect(pages).toBe(4);
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `t${9 - i}`));
    // A task larger than the budget still makes a page on its own.
    const one = await store.list(SCOPE, query({ maxBytes: 10 }));
    expect(one.tasks).toHaveLength(1);
    expect(one.nextPageToken).not.toBe("");
  });
});
