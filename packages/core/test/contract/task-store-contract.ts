import { describe, expect, it } from "vitest";
import type {
  StreamResponse,
  Task,
  TaskKey,
  TaskLogEvent,
  TaskScope,
  TaskState,
  TaskStore,
} from "../../src/index.js";

/**
 * The contract every `TaskStore` must keep, as one suite: run it against a store with
 * `taskStoreContract("MyStore", async () => ({ store, close }))`. Each test gets a fresh,
 * empty store from `open` and closes it when done.
 */
export interface ContractStore {
  store: TaskStore;
  close?: () => Promise<void>;
}

const T0 = Date.parse("2026-01-01T00:00:00.000Z");

function task(id: string, state: TaskState = "TASK_STATE_SUBMITTED", step = 0): Task {
  return {
    id,
    contextId: "ctx",
    status: { state, timestamp: new Date(T0 + step * 1000).toISOString() },
  };
}

function status(id: string, state: TaskState, step: number): StreamResponse {
  return {
    statusUpdate: {
      taskId: id,
      contextId: "ctx",
      status: { state, timestamp: new Date(T0 + step * 1000).toISOString() },
    },
  };
}

const ALICE: TaskScope = { tenant: "t", owner: "alice" };

const keyOf = (taskId: string, scope: TaskScope = ALICE): TaskKey => ({ ...scope, taskId });

/** Creates a task and appends `states` as status updates; returns the events appended. */
async function grow(
  store: TaskStore,
  key: TaskKey,
  states: TaskState[],
): Promise<StreamResponse[]> {
  const created = task(key.taskId);
  const events: StreamResponse[] = [{ task: created }];
  expect(await store.append(key, 0, [{ event: { task: created }, task: created }])).toEqual({
    ok: true,
    version: 1,
  });
  for (const [i, state] of states.entries()) {
    const event = status(key.taskId, state, i + 1);
    const result = await store.append(key, i + 1, [
      { event, task: task(key.taskId, state, i + 1) },
    ]);
    expect(result).toEqual({ ok: true, version: i + 2 });
    events.push(event);
  }
  return events;
}

const numbered = (events: StreamResponse[], from = 1): TaskLogEvent[] =>
  events.map((event, i) => ({ seq: from + i, event }));

/**
 * Log events without the optional `json` a store may add: when it does, it must be the
 * event's JSON.
 */
function plain(events: TaskLogEvent[] | undefined): TaskLogEvent[] | undefined {
  return events?.map(({ seq, event, json }) => {
    if (json !== undefined) expect(JSON.parse(json)).toEqual(event);
    return { seq, event };
  });
}

export function taskStoreContract(name: string, open: () => Promise<ContractStore>): void {
  const withStore = (body: (store: TaskStore) => Promise<void>) => async () => {
    const opened = await open();
    try {
      await body(opened.store);
    } finally {
      await opened.close?.();
    }
  };

  describe(`${name}: the TaskStore contract`, () => {
    it(
      "creates a task with the event appended at version 0, and gets it back with version 1",
      withStore(async (store) => {
        expect(await store.get(keyOf("a"))).toBeUndefined();
        const created = task("a");
        expect(
          await store.append(keyOf("a"), 0, [{ event: { task: created }, task: created }]),
        ).toEqual({
          ok: true,
          version: 1,
        });
        expect(await store.get(keyOf("a"))).toEqual({ task: created, version: 1 });
      }),
    );

    it(
      "numbers a task's events 1, 2, 3 ... and stores the task after the last one",
      withStore(async (store) => {
        const events = await grow(store, keyOf("a"), [
          "TASK_STATE_WORKING",
          "TASK_STATE_INPUT_REQUIRED",
          "TASK_STATE_WORKING",
          "TASK_STATE_COMPLETED",
        ]);
        expect(await store.get(keyOf("a"))).toEqual({
          task: task("a", "TASK_STATE_COMPLETED", 4),
          version: 5,
        });
        expect(plain(await store.readEvents(keyOf("a"), 0))).toEqual(numbered(events));
      }),
    );

    it(
      "refuses an append at a version the task is not at, reporting the task as it is and changing nothing",
      withStore(async (store) => {
        await grow(store, keyOf("a"), ["TASK_STATE_WORKING"]);
        const before = await store.get(keyOf("a"));
        const eventsBefore = plain(await store.readEvents(keyOf("a"), 0));
        for (const stale of [0, 1, 3, 17]) {
          const result = await store.append(keyOf("a"), stale, [
            {
              event: status("a", "TASK_STATE_CANCELED", 9),
              task: task("a", "TASK_STATE_CANCELED", 9),
            },
          ]);
          expect(result).toEqual({ ok: false, current: before });
        }
        expect(await store.get(keyOf("a"))).toEqual(before);
        expect(plain(await store.readEvents(keyOf("a"), 0))).toEqual(eventsBefore);
      }),
    );

    it(
      "refuses an append at a version above 0 to a task that does not exist",
      withStore(async (store) => {
        const result = await store.append(keyOf("ghost"), 1, [
          {
            event: status("ghost", "TASK_STATE_WORKING", 1),
            task: task("ghost", "TASK_STATE_WORKING", 1),
          },
        ]);
        expect(result).toEqual({ ok: false, current: undefined });
        expect(await store.get(keyOf("ghost"))).toBeUndefined();
        expect(await store.readEvents(keyOf("ghost"), 0)).toBeUndefined();
      }),
    );

    it(
      "lets exactly one of many concurrent appends at the same version win",
      withStore(async (store) => {
        await grow(store, keyOf("a"), ["TASK_STATE_WORKING"]);
        const states: TaskState[] = [
          "TASK_STATE_COMPLETED",
          "TASK_STATE_CANCELED",
          "TASK_STATE_FAILED",
          "TASK_STATE_INPUT_REQUIRED",
          "TASK_STATE_REJECTED",
        ];
        const results = await Promise.all(
          states.map((state) =>
            store.append(keyOf("a"), 2, [
              { event: status("a", state, 5), task: task("a", state, 5) },
            ]),
          ),
        );
        const winners = results.flatMap((result, i) => (result.ok ? [states[i]!] : []));
        expect(winners).toHaveLength(1);
        const stored = await store.get(keyOf("a"));
        expect(stored).toEqual({ task: task("a", winners[0], 5), version: 3 });
        for (const result of results) {
          if (!result.ok) expect(result.current?.version).toBeGreaterThanOrEqual(3);
        }
        const log = await store.readEvents(keyOf("a"), 0);
        expect(log?.map((entry) => entry.seq)).toEqual([1, 2, 3]);
        expect(log?.[2]?.event).toEqual(status("a", winners[0]!, 5));
      }),
    );

    it(
      "reads the events after any version, and none after the last",
      withStore(async (store) => {
        const events = await grow(store, keyOf("a"), [
          "TASK_STATE_WORKING",
          "TASK_STATE_WORKING",
          "TASK_STATE_COMPLETED",
        ]);
        for (let after = 0; after <= events.length; after++) {
          expect(plain(await store.readEvents(keyOf("a"), after))).toEqual(
            numbered(events.slice(after), after + 1),
          );
        }
        expect(plain(await store.readEvents(keyOf("a"), 99))).toEqual([]);
        expect(await store.readEvents(keyOf("missing"), 0)).toBeUndefined();
      }),
    );

    it(
      "keeps the events of a finished task as long as the task",
      withStore(async (store) => {
        const events = await grow(store, keyOf("a"), ["TASK_STATE_WORKING", "TASK_STATE_FAILED"]);
        expect((await store.get(keyOf("a")))?.task.status.state).toBe("TASK_STATE_FAILED");
        expect(plain(await store.readEvents(keyOf("a"), 0))).toEqual(numbered(events));
      }),
    );

    it(
      "stores every kind of event: task, status, artifact, message",
      withStore(async (store) => {
        const created = task("a");
        const artifact: StreamResponse = {
          artifactUpdate: {
            taskId: "a",
            contextId: "ctx",
            artifact: { artifactId: "art", parts: [{ text: "h\u00e9llo \u4e16\u754c" }] },
            append: true,
            lastChunk: false,
          },
        };
        const message: StreamResponse = {
          message: {
            messageId: "m2",
            role: "ROLE_USER",
            parts: [{ data: { nested: [1, { deep: true }] } }],
            taskId: "a",
            contextId: "ctx",
          },
        };
        const events = [{ task: created }, status("a", "TASK_STATE_WORKING", 1), artifact, message];
        for (const [i, event] of events.entries()) {
          const result = await store.append(keyOf("a"), i, [
            { event, task: task("a", "TASK_STATE_WORKING") },
          ]);
          expect(result.ok).toBe(true);
        }
        expect(plain(await store.readEvents(keyOf("a"), 0))).toEqual(numbered(events));
      }),
    );

    it(
      "hands out values: changing what was read or appended changes nothing stored",
      withStore(async (store) => {
        await grow(store, keyOf("a"), ["TASK_STATE_WORKING"]);
        const read = await store.get(keyOf("a"));
        read!.task.status.state = "TASK_STATE_FAILED";
        const events = await store.readEvents(keyOf("a"), 0);
        (events![0]!.event as { task: Task }).task.id = "changed";
        expect((await store.get(keyOf("a")))?.task.status.state).toBe("TASK_STATE_WORKING");
        expect(((await store.readEvents(keyOf("a"), 0))![0]!.event as { task: Task }).task.id).toBe(
          "a",
        );
      }),
    );

    it(
      "scopes every method by tenant and owner",
      withStore(async (store) => {
        await grow(store, keyOf("a"), ["TASK_STATE_WORKING"]);
        const heard: TaskLogEvent[] = [];
        const others: TaskScope[] = [
          { tenant: "t", owner: "bob" },
          { tenant: "u", owner: "alice" },
          { tenant: "", owner: "" },
        ];
        const stops = others.map((scope) =>
          store.watch(keyOf("a", scope), (event) => heard.push(event)),
        );
        for (const scope of others) {
          expect(await store.get(keyOf("a", scope))).toBeUndefined();
          expect(await store.readEvents(keyOf("a", scope), 0)).toBeUndefined();
          const result = await store.append(keyOf("a", scope), 2, [
            {
              event: status("a", "TASK_STATE_CANCELED", 3),
              task: task("a", "TASK_STATE_CANCELED", 3),
            },
          ]);
          expect(result).toEqual({ ok: false, current: undefined });
          expect((await store.list(scope, { pageSize: 10 })).tasks).toEqual([]);
        }
        await store.append(keyOf("a"), 2, [
          {
            event: status("a", "TASK_STATE_COMPLETED", 3),
            task: task("a", "TASK_STATE_COMPLETED", 3),
          },
        ]);
        // The same id in another scope is another task, with its own log.
        const bobs = task("a", "TASK_STATE_WORKING", 7);
        expect(
          await store.append(keyOf("a", others[0]), 0, [{ event: { task: bobs }, task: bobs }]),
        ).toEqual({
          ok: true,
          version: 1,
        });
        expect(plain(heard)).toEqual([{ seq: 1, event: { task: bobs } }]);
        expect((await store.get(keyOf("a")))?.version).toBe(3);
        for (const stop of stops) stop();
      }),
    );

    it(
      "tells each watcher of every later event, in order, once, until it stops watching",
      withStore(async (store) => {
        await grow(store, keyOf("a"), []);
        const first: TaskLogEvent[] = [];
        const second: TaskLogEvent[] = [];
        const stopFirst = store.watch(keyOf("a"), (event) => first.push(event));
        const stopSecond = store.watch(keyOf("a"), (event) => second.push(event));
        const events: StreamResponse[] = [];
        for (let version = 1; version <= 4; version++) {
          const event = status("a", "TASK_STATE_WORKING", version);
          events.push(event);
          await store.append(keyOf("a"), version, [
            { event, task: task("a", "TASK_STATE_WORKING", version) },
          ]);
        }
        stopFirst();
        const last = status("a", "TASK_STATE_COMPLETED", 9);
        await store.append(keyOf("a"), 5, [
          { event: last, task: task("a", "TASK_STATE_COMPLETED", 9) },
        ]);
        await until(() => second.length === 5);
        expect(plain(first)).toEqual(numbered(events, 2));
        expect(plain(second)).toEqual(numbered([...events, last], 2));
        stopSecond();
        stopSecond();
      }),
    );

    it(
      "tells a watcher registered before the task exists of its creation",
      withStore(async (store) => {
        const heard: TaskLogEvent[] = [];
        const stop = store.watch(keyOf("new"), (event) => heard.push(event));
        const created = task("new");
        await store.append(keyOf("new"), 0, [{ event: { task: created }, task: created }]);
        await until(() => heard.length === 1);
        expect(plain(heard)).toEqual([{ seq: 1, event: { task: created } }]);
        stop();
      }),
    );

    it(
      "does not let a throwing watcher affect the append or other watchers",
      withStore(async (store) => {
        await grow(store, keyOf("a"), []);
        const heard: number[] = [];
        const stopBad = store.watch(keyOf("a"), () => {
          throw new Error("listener bug");
        });
        const stopGood = store.watch(keyOf("a"), (event) => heard.push(event.seq));
        const result = await store.append(keyOf("a"), 1, [
          { event: status("a", "TASK_STATE_WORKING", 1), task: task("a", "TASK_STATE_WORKING", 1) },
        ]);
        expect(result).toEqual({ ok: true, version: 2 });
        await until(() => heard.length === 1);
        expect(heard).toEqual([2]);
        stopBad();
        stopGood();
      }),
    );

    it(
      "gives a reader that watches and then reads every event exactly once, while writers append",
      withStore(async (store) => {
        await grow(store, keyOf("a"), []);
        const writer = (async () => {
          for (let version = 1; version <= 40; version++) {
            await store.append(keyOf("a"), version, [
              {
                event: status("a", "TASK_STATE_WORKING", version),
                task: task("a", "TASK_STATE_WORKING", version),
              },
            ]);
            if (version % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
          }
        })();
        // Readers join at different points of the writer's run.
        const readers: Array<Promise<number[]>> = [];
        for (let i = 0; i < 8; i++) {
          await new Promise((resolve) => setImmediate(resolve));
          readers.push(
            (async () => {
              const buffered: TaskLogEvent[] = [];
              const stop = store.watch(keyOf("a"), (event) => buffered.push(event));
              const stored = await store.get(keyOf("a"));
              const from = stored!.version;
              await writer;
              await until(() => from === 41 || buffered.at(-1)?.seq === 41, 5000);
              const seen = [from];
              stop();
              for (const event of buffered) if (event.seq > from) seen.push(event.seq);
              return seen;
            })(),
          );
        }
        await writer;
        for (const seen of await Promise.all(readers)) {
          const from = seen[0]!;
          expect(seen).toEqual(Array.from({ length: 41 - from + 1 }, (_, i) => from + i));
        }
      }),
    );

    it(
      "lists a scope's tasks newest first, by state and context, a page at a time",
      withStore(async (store) => {
        for (let i = 0; i < 5; i++) {
          const t = {
            ...task(`t${i}`, "TASK_STATE_WORKING", i),
            contextId: i % 2 ? "odd" : "even",
          };
          await store.append(keyOf(`t${i}`), 0, [{ event: { task: t }, task: t }]);
        }
        await store.append(keyOf("t1"), 1, [
          {
            event: status("t1", "TASK_STATE_COMPLETED", 10),
            task: {
              ...task("t1", "TASK_STATE_COMPLETED", 10),
              contextId: "odd",
            },
          },
        ]);
        const all = await store.list(ALICE, { pageSize: 10 });
        expect(all.tasks.map((t) => t.id)).toEqual(["t1", "t4", "t3", "t2", "t0"]);
        expect(all.totalSize).toBe(5);
        expect(all.nextPageToken).toBe("");
        const odd = await store.list(ALICE, { pageSize: 10, contextId: "odd" });
        expect(odd.tasks.map((t) => t.id)).toEqual(["t1", "t3"]);
        const done = await store.list(ALICE, { pageSize: 10, status: "TASK_STATE_COMPLETED" });
        expect(done.tasks.map((t) => t.id)).toEqual(["t1"]);
        const pages: string[][] = [];
        let pageToken = "";
        do {
          const page = await store.list(ALICE, { pageSize: 2, pageToken });
          pages.push(page.tasks.map((t) => t.id));
          pageToken = page.nextPageToken;
        } while (pageToken !== "");
        expect(pages).toEqual([["t1", "t4"], ["t3", "t2"], ["t0"]]);
      }),
    );

    it(
      "append: a task and its first events at once, numbered 1, 2 ..., each heard in order",
      withStore(async (store) => {
        const heard: number[] = [];
        const unwatch = store.watch(keyOf("a"), (event) => heard.push(event.seq));
        const created = task("a");
        const events: StreamResponse[] = [
          { task: created },
          status("a", "TASK_STATE_WORKING", 1),
          status("a", "TASK_STATE_COMPLETED", 2),
        ];
        const entries = [
          { event: events[0]!, task: created },
          { event: events[1]!, task: task("a", "TASK_STATE_WORKING", 1) },
          { event: events[2]!, task: task("a", "TASK_STATE_COMPLETED", 2) },
        ];
        expect(await store.append(keyOf("a"), 0, entries)).toEqual({ ok: true, version: 3 });
        expect(await store.get(keyOf("a"))).toEqual({
          task: task("a", "TASK_STATE_COMPLETED", 2),
          version: 3,
        });
        expect(plain(await store.readEvents(keyOf("a"), 0))).toEqual(numbered(events));
        await until(() => heard.length >= 3);
        expect(heard).toEqual([1, 2, 3]);
        unwatch();
        // It appends on from there.
        const next = await store.append(keyOf("a"), 3, [
          {
            event: status("a", "TASK_STATE_COMPLETED", 3),
            task: task("a", "TASK_STATE_COMPLETED", 3),
          },
        ]);
        expect(next).toEqual({ ok: true, version: 4 });
      }),
    );

    it(
      "append: several events onto a task at once, with compare-and-swap on the version before them",
      withStore(async (store) => {
        await grow(store, keyOf("a"), ["TASK_STATE_WORKING"]);
        const heard: number[] = [];
        const unwatch = store.watch(keyOf("a"), (event) => heard.push(event.seq));
        const events = [
          status("a", "TASK_STATE_WORKING", 10),
          status("a", "TASK_STATE_WORKING", 11),
          status("a", "TASK_STATE_INPUT_REQUIRED", 12),
        ];
        const entries = events.map((event, i) => ({
          event,
          task: task("a", i === 2 ? "TASK_STATE_INPUT_REQUIRED" : "TASK_STATE_WORKING", 10 + i),
        }));
        // At a version the task has left: refused, nothing written.
        const before = await store.get(keyOf("a"));
        expect(await store.append(keyOf("a"), 1, entries)).toEqual({ ok: false, current: before });
        expect(await store.append(keyOf("a"), 2, entries)).toEqual({ ok: true, version: 5 });
        expect(await store.get(keyOf("a"))).toEqual({ task: entries[2]!.task, version: 5 });
        const after = plain(await store.readEvents(keyOf("a"), 2));
        expect(after).toEqual(events.map((event, i) => ({ seq: 3 + i, event })));
        await until(() => heard.length >= 3);
        expect(heard).toEqual([3, 4, 5]);
        unwatch();
        // No entries is a caller's mistake, not an empty write.
        await expect(store.append(keyOf("a"), 5, [])).rejects.toThrow(TypeError);
        expect((await store.get(keyOf("a")))?.version).toBe(5);
      }),
    );

    it(
      "append: the JSON a writer passes with an event is the event's, as readers and watchers get it",
      withStore(async (store) => {
        const created = task("a");
        const event = status("a", "TASK_STATE_WORKING", 1);
        const heard: Array<string | undefined> = [];
        const unwatch = store.watch(keyOf("a"), (logged) => {
          heard.push(logged.json ?? JSON.stringify(logged.event));
        });
        const entries = [
          { event: { task: created }, task: created, json: JSON.stringify({ task: created }) },
          { event, task: task("a", "TASK_STATE_WORKING", 1), json: JSON.stringify(event) },
        ];
        expect(await store.append(keyOf("a"), 0, entries)).toEqual({ ok: true, version: 2 });
        const read = (await store.readEvents(keyOf("a"), 0)) ?? [];
        expect(
          read.map((logged) => JSON.parse(logged.json ?? JSON.stringify(logged.event))),
        ).toEqual([{ task: created }, event].map((value) => JSON.parse(JSON.stringify(value))));
        await until(() => heard.length >= 2);
        expect(heard.map((json) => JSON.parse(json!))).toEqual(
          [{ task: created }, event].map((value) => JSON.parse(JSON.stringify(value))),
        );
        unwatch();
      }),
    );

    it(
      "append: refused at version 0 for a task that exists, and all or nothing when an event cannot be stored",
      withStore(async (store) => {
        await grow(store, keyOf("a"), ["TASK_STATE_WORKING"]);
        const before = await store.get(keyOf("a"));
        const again = task("a");
        expect(
          await store.append(keyOf("a"), 0, [{ event: { task: again }, task: again }]),
        ).toEqual({
          ok: false,
          current: before,
        });
        const fresh = task("b");
        const unstorable = {
          statusUpdate: {
            taskId: "b",
            contextId: "ctx",
            status: { state: "TASK_STATE_WORKING" },
            metadata: { n: 1n },
          },
        } as unknown as StreamResponse;
        await expect(
          store.append(keyOf("b"), 0, [
            { event: { task: fresh }, task: fresh },
            { event: unstorable, task: task("b", "TASK_STATE_WORKING", 1) },
          ]),
        ).rejects.toThrow();
        expect(await store.get(keyOf("b"))).toBeUndefined();
        expect(await store.readEvents(keyOf("b"), 0)).toBeUndefined();
        // Onto an existing task too: neither event is kept.
        await expect(
          store.append(keyOf("a"), 2, [
            {
              event: status("a", "TASK_STATE_WORKING", 20),
              task: task("a", "TASK_STATE_WORKING", 20),
            },
            { event: unstorable, task: task("a", "TASK_STATE_WORKING", 21) },
          ]),
        ).rejects.toThrow();
        expect(await store.get(keyOf("a"))).toEqual(before);
        expect(await store.readEvents(keyOf("a"), 2)).toEqual([]);
      }),
    );
  });
}

/** Waits until `condition` holds, at most `ms`: watchers of some stores hear later. */
async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the store's watchers");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
