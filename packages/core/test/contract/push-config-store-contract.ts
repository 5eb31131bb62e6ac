import { describe, expect, it } from "vitest";
import type { PushConfigRecord, PushConfigStore, TaskKey } from "../../src/index.js";

/**
 * The contract every `PushConfigStore` must keep, as one suite: run it against a store with
 * `pushConfigStoreContract("MyStore", async () => ({ store, createTask, close }))`. Each test
 * gets a fresh, empty store from `open`, and closes it when done.
 *
 * A store may keep configs only for tasks that exist (the PostgreSQL store does): the suite
 * calls `createTask(key)` for every key before it puts a config under it, and each store makes
 * the task exist its own way (in memory, nothing to do).
 *
 * Errors are recognised by their `name` (and fields), not by `instanceof`: a store in another
 * package may throw the classes of the built `@a2a-mount/core`, which are not this source's.
 */
export interface PushContractStore {
  store: PushConfigStore;
  /** Makes the task of `key` exist, where the store needs it to. */
  createTask(key: TaskKey): Promise<void>;
  close?: () => Promise<void>;
}

const ALICE = { tenant: "t", owner: "alice" };
const keyOf = (taskId: string, scope = ALICE): TaskKey => ({ ...scope, taskId });

/** A config's record as delivery first stores it. */
function record(
  key: TaskKey,
  id: string,
  fields: Partial<Omit<PushConfigRecord, "config">> & { url?: string } = {},
): PushConfigRecord {
  const { url, ...rest } = fields;
  return {
    config: { id, taskId: key.taskId, url: url ?? `https://hooks.example/${id}` },
    payload: "1.0",
    deliveredSeq: 0,
    failures: 0,
    disabled: undefined,
    ...rest,
  };
}

const LIMIT = { maxPerTask: 10 };

/** The ids of a task's configs, in list order (all pages). */
async function listedIds(store: PushConfigStore, key: TaskKey): Promise<string[]> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await store.list(key, { pageSize: 3, pageToken });
    ids.push(...page.records.map((r) => r.config.id));
    if (page.nextPageToken === "") return ids;
    pageToken = page.nextPageToken;
  }
  throw new Error("list did not end within 100 pages");
}

/** What a rejection was: its name and, for limit errors, the limit. */
async function rejection(promise: Promise<unknown>): Promise<{ name: string; limit?: string }> {
  try {
    await promise;
  } catch (error) {
    const { name, limit } = error as { name: string; limit?: string };
    return limit === undefined ? { name } : { name, limit };
  }
  throw new Error("expected a rejection, but the call resolved");
}

export function pushConfigStoreContract(
  name: string,
  open: () => Promise<PushContractStore>,
): void {
  const withStore =
    (
      body: (store: PushConfigStore, createTask: (key: TaskKey) => Promise<void>) => Promise<void>,
    ) =>
    async () => {
      const opened = await open();
      try {
        await body(opened.store, (key) => opened.createTask(key));
      } finally {
        await opened.close?.();
      }
    };

  describe(`${name}: the PushConfigStore contract`, () => {
    it(
      "gets back what was put, as a copy the caller may change without changing the store",
      withStore(async (store, createTask) => {
        const key = keyOf("a");
        await createTask(key);
        expect(await store.get(key, "c1")).toBeUndefined();
        const full: PushConfigRecord = {
          config: {
            id: "c1",
            taskId: "a",
            url: "https://hooks.example/one?x=1",
            token: "session-token",
            authentication: { scheme: "Bearer", credentials: "secret" },
          },
          payload: "0.3",
          agentUrl: "https://agent.example/a2a",
          deliveredSeq: 4,
          failures: 2,
          disabled: { reason: "410 Gone", at: "2026-01-01T00:00:01.000Z" },
        };
        await store.put(key, full, LIMIT);
        // The caller changing what it put changes nothing stored.
        full.config.url = "https://changed.example/";
        full.deliveredSeq = 99;
        full.disabled!.reason = "changed";
        const got = await store.get(key, "c1");
        expect(got).toEqual({
          config: {
            id: "c1",
            taskId: "a",
            url: "https://hooks.example/one?x=1",
            token: "session-token",
            authentication: { scheme: "Bearer", credentials: "secret" },
          },
          payload: "0.3",
          agentUrl: "https://agent.example/a2a",
          deliveredSeq: 4,
          failures: 2,
          disabled: { reason: "410 Gone", at: "2026-01-01T00:00:01.000Z" },
        });
        // Nor does changing what it got.
        got!.config.url = "https://changed.example/";
        got!.config.authentication!.credentials = "changed";
        got!.deliveredSeq = 99;
        got!.failures = 99;
        got!.disabled!.reason = "changed";
        const listed = (await store.list(key, { pageSize: 10 })).records;
        listed[0]!.config.url = "https://changed.example/";
        listed[0]!.deliveredSeq = 77;
        const again = await store.get(key, "c1");
        expect(again?.config.url).toBe("https://hooks.example/one?x=1");
        expect(again?.config.authentication?.credentials).toBe("secret");
        expect(again?.deliveredSeq).toBe(4);
        expect(again?.failures).toBe(2);
        expect(again?.disabled?.reason).toBe("410 Gone");

        // An enabled one round-trips with no `disabled`.
        await store.put(key, record(key, "c2", { deliveredSeq: 1 }), LIMIT);
        const enabled = await store.get(key, "c2");
        expect(enabled).toEqual(record(key, "c2", { deliveredSeq: 1 }));
        expect(enabled?.disabled).toBeUndefined();
        expect(enabled?.agentUrl).toBeUndefined();
        expect(await store.get(key, "missing")).toBeUndefined();
      }),
    );

    it(
      "replaces a config of the same id in place: its new record, its old place in the list",
      withStore(async (store, createTask) => {
        const key = keyOf("a");
        await createTask(key);
        for (const id of ["first", "second", "third"]) {
          await store.put(key, record(key, id), LIMIT);
        }
        const replaced = record(key, "second", {
          url: "https://hooks.example/replaced",
          deliveredSeq: 7,
          failures: 1,
          payload: "0.3",
          agentUrl: "https://agent.example/other",
        });
        await store.put(key, replaced, LIMIT);
        expect(await store.get(key, "second")).toEqual(replaced);
        expect(await listedIds(store, key)).toEqual(["first", "second", "third"]);
        const page = await store.list(key, { pageSize: 10 });
        expect(page.records).toEqual([record(key, "first"), replaced, record(key, "third")]);
        // Replacing a disabled config with an enabled record enables it.
        await store.put(
          key,
          record(key, "third", { disabled: { reason: "off", at: "2026-01-01T00:00:00.000Z" } }),
          LIMIT,
        );
        expect((await store.get(key, "third"))?.disabled).toEqual({
          reason: "off",
          at: "2026-01-01T00:00:00.000Z",
        });
        await store.put(key, record(key, "third"), LIMIT);
        expect((await store.get(key, "third"))?.disabled).toBeUndefined();
        expect(await listedIds(store, key)).toEqual(["first", "second", "third"]);
      }),
    );

    it(
      "refuses a task's config past maxPerTask, but not the replacing of one it has",
      withStore(async (store, createTask) => {
        const key = keyOf("a");
        const other = keyOf("b");
        await createTask(key);
        await createTask(other);
        const limit = { maxPerTask: 2 };
        await store.put(key, record(key, "one"), limit);
        await store.put(key, record(key, "two"), limit);
        expect(await rejection(store.put(key, record(key, "three"), limit))).toEqual({
          name: "PushConfigLimitError",
          limit: "maxConfigsPerTask",
        });
        expect(await store.get(key, "three")).toBeUndefined();
        expect(await listedIds(store, key)).toEqual(["one", "two"]);
        // Replacing one of the two is no new config.
        await store.put(key, record(key, "two", { deliveredSeq: 3 }), limit);
        expect((await store.get(key, "two"))?.deliveredSeq).toBe(3);
        // The limit is per task: another task has room of its own.
        await store.put(other, record(other, "one"), limit);
        await store.put(other, record(other, "two"), limit);
        expect(await listedIds(store, other)).toEqual(["one", "two"]);
        // Room made by a delete can be taken.
        await store.delete(key, "one");
        await store.put(key, record(key, "three"), limit);
        expect(await listedIds(store, key)).toEqual(["two", "three"]);
        // A lower limit than the task holds refuses new configs, still allows replacing.
        expect(
          await rejection(store.put(key, record(key, "four"), { maxPerTask: 1 })),
        ).toMatchObject({ name: "PushConfigLimitError", limit: "maxConfigsPerTask" });
        await store.put(key, record(key, "three", { failures: 1 }), { maxPerTask: 1 });
        expect((await store.get(key, "three"))?.failures).toBe(1);
      }),
    );

    it(
      "lists a task's configs in creation order, a page at a time, ending with an empty token",
      withStore(async (store, createTask) => {
        const key = keyOf("a");
        await createTask(key);
        expect(await store.list(key, { pageSize: 2 })).toEqual({ records: [], nextPageToken: "" });
        // Created in an order that is neither the ids' nor their reverse.
        const ids = ["m", "z", "a", "q", "b"];
        for (const id of ids) await store.put(key, record(key, id), LIMIT);

        const first = await store.list(key, { pageSize: 2 });
        expect(first.records.map((r) => r.config.id)).toEqual(["m", "z"]);
        expect(first.nextPageToken).not.toBe("");
        const second = await store.list(key, { pageSize: 2, pageToken: first.nextPageToken });
        expect(second.records.map((r) => r.config.id)).toEqual(["a", "q"]);
        expect(second.nextPageToken).not.toBe("");
        const third = await store.list(key, { pageSize: 2, pageToken: second.nextPageToken });
        expect(third.records.map((r) => r.config.id)).toEqual(["b"]);
        expect(third.nextPageToken).toBe("");
        expect(third.records[0]).toEqual(record(key, "b"));

        // A last page that is full ends with "" too (no empty page after it).
        const whole = await store.list(key, { pageSize: 5 });
        expect(whole.records.map((r) => r.config.id)).toEqual(ids);
        expect(whole.nextPageToken).toBe("");
        const rest = await store.list(key, { pageSize: 3, pageToken: first.nextPageToken });
        expect(rest.records.map((r) => r.config.id)).toEqual(["a", "q", "b"]);
        expect(rest.nextPageToken).toBe("");

        // A token stays good when its config goes, and a config created later comes last.
        await store.delete(key, "z");
        await store.put(key, record(key, "new"), LIMIT);
        const after = await store.list(key, { pageSize: 10, pageToken: first.nextPageToken });
        expect(after.records.map((r) => r.config.id)).toEqual(["a", "q", "b", "new"]);
        expect(after.nextPageToken).toBe("");
        expect(await listedIds(store, key)).toEqual(["m", "a", "q", "b", "new"]);
      }),
    );

    it(
      "refuses a page token it did not issue with InvalidPageTokenError",
      withStore(async (store, createTask) => {
        const key = keyOf("a");
        await createTask(key);
        await store.put(key, record(key, "one"), LIMIT);
        for (const token of ["not-a-token", "%%%", "{}", "-1"]) {
          expect(
            await rejection(store.list(key, { pageSize: 10, pageToken: token })),
            `token ${JSON.stringify(token)}`,
          ).toEqual({ name: "InvalidPageTokenError" });
        }
      }),
    );

    it(
      "deletes a config, and deleting one that is not there does nothing",
      withStore(async (store, createTask) => {
        const key = keyOf("a");
        const other = keyOf("b");
        await createTask(key);
        await createTask(other);
        await store.put(key, record(key, "one"), LIMIT);
        await store.put(key, record(key, "two"), LIMIT);
        await store.put(other, record(other, "one"), LIMIT);

        await store.delete(key, "one");
        expect(await store.get(key, "one")).toBeUndefined();
        expect(await listedIds(store, key)).toEqual(["two"]);
        // Again, and ids that never were: nothing happens, nothing fails.
        await store.delete(key, "one");
        await store.delete(key, "never");
        await store.delete(keyOf("no-such-task"), "one");
        expect(await listedIds(store, key)).toEqual(["two"]);
        // The other task's config of the same id stays.
        expect(await store.get(other, "one")).toEqual(record(other, "one"));
        // A deleted id can be created again, as a new config (at the end).
        await store.put(key, record(key, "one", { deliveredSeq: 2 }), LIMIT);
        expect(await listedIds(store, key)).toEqual(["two", "one"]);
        expect((await store.get(key, "one"))?.deliveredSeq).toBe(2);
      }),
    );

    it(
      "deletes every config of a task and none of another's",
      withStore(async (store, createTask) => {
        const key = keyOf("a");
        const sibling = keyOf("b");
        const otherOwner = keyOf("a", { tenant: "t", owner: "bob" });
        for (const k of [key, sibling, otherOwner]) await createTask(k);
        for (const id of ["one", "two", "three"]) await store.put(key, record(key, id), LIMIT);
        await store.put(sibling, record(sibling, "one"), LIMIT);
        await store.put(otherOwner, record(otherOwner, "one"), LIMIT);

        await store.deleteTask(key);
        expect(await store.list(key, { pageSize: 10 })).toEqual({ records: [], nextPageToken: "" });
        expect(await store.get(key, "one")).toBeUndefined();
        expect(await listedIds(store, sibling)).toEqual(["one"]);
        expect(await listedIds(store, otherOwner)).toEqual(["one"]);
        // Again, and for a task with none: nothing happens.
        await store.deleteTask(key);
        await store.deleteTask(keyOf("no-such-task"));
        expect(await listedIds(store, sibling)).toEqual(["one"]);
        // The task may have configs again, counted from none.
        await store.put(key, record(key, "four"), { maxPerTask: 1 });
        expect(await listedIds(store, key)).toEqual(["four"]);
      }),
    );

    it(
      "moves deliveredSeq only forward",
      withStore(async (store, createTask) => {
        const key = keyOf("a");
        await createTask(key);
        await store.put(key, record(key, "one", { deliveredSeq: 3 }), LIMIT);
        await store.put(key, record(key, "two", { deliveredSeq: 3 }), LIMIT);
        await store.update(key, "one", { deliveredSeq: 5 });
        expect((await store.get(key, "one"))?.deliveredSeq).toBe(5);
        await store.update(key, "one", { deliveredSeq: 4 });
        expect((await store.get(key, "one"))?.deliveredSeq).toBe(5);
        await store.update(key, "one", { deliveredSeq: 0 });
        expect((await store.get(key, "one"))?.deliveredSeq).toBe(5);
        await store.update(key, "one", { deliveredSeq: 5 });
        await store.update(key, "one", {});
        await store.update(key, "one", { failures: 1 });
        expect((await store.get(key, "one"))?.deliveredSeq).toBe(5);
        await store.update(key, "one", { deliveredSeq: 6, failures: 0 });
        expect(await store.get(key, "one")).toEqual(record(key, "one", { deliveredSeq: 6 }));
        // Only the config named changed.
        expect(await store.get(key, "two")).toEqual(record(key, "two", { deliveredSeq: 3 }));
      }),
    );

    it(
      "sets failures, and sets and clears disabled, leaving what the update does not name",
      withStore(async (store, createTask) => {
        const key = keyOf("a");
        await createTask(key);
        await store.put(key, record(key, "one", { deliveredSeq: 2 }), LIMIT);
        await store.update(key, "one", { failures: 3 });
        expect(await store.get(key, "one")).toEqual(
          record(key, "one", { deliveredSeq: 2, failures: 3 }),
        );
        await store.update(key, "one", { failures: 1 });
        expect((await store.get(key, "one"))?.failures).toBe(1);

        const disabled = {
          reason: "8 delivery attempts failed in a row",
          at: "2026-01-02T03:04:05.678Z",
        };
        await store.update(key, "one", { failures: 8, disabled });
        expect(await store.get(key, "one")).toEqual(
          record(key, "one", { deliveredSeq: 2, failures: 8, disabled }),
        );
        // An update that does not name `disabled` leaves it.
        await store.update(key, "one", { deliveredSeq: 3 });
        await store.update(key, "one", { failures: 9 });
        expect(await store.get(key, "one")).toEqual(
          record(key, "one", { deliveredSeq: 3, failures: 9, disabled }),
        );
        // The store keeps its own copy of what the update gave.
        disabled.reason = "changed";
        expect((await store.get(key, "one"))?.disabled?.reason).toBe(
          "8 delivery attempts failed in a row",
        );
        // Naming it as undefined clears it.
        await store.update(key, "one", { disabled: undefined });
        const cleared = await store.get(key, "one");
        expect(cleared?.disabled).toBeUndefined();
        expect(cleared).toEqual(record(key, "one", { deliveredSeq: 3, failures: 9 }));
        // And it can be set again.
        await store.update(key, "one", {
          disabled: { reason: "The receiver answered 410 Gone", at: "2026-01-03T00:00:00.000Z" },
        });
        expect((await store.get(key, "one"))?.disabled).toEqual({
          reason: "The receiver answered 410 Gone",
          at: "2026-01-03T00:00:00.000Z",
        });
      }),
    );

    it(
      "updating a config that is not there does nothing (a deleted config stays deleted)",
      withStore(async (store, createTask) => {
        const key = keyOf("a");
        await createTask(key);
        await store.update(key, "never", { deliveredSeq: 3, failures: 1 });
        await store.update(keyOf("no-such-task"), "never", { deliveredSeq: 3 });
        expect(await store.get(key, "never")).toBeUndefined();
        expect(await store.list(key, { pageSize: 10 })).toEqual({ records: [], nextPageToken: "" });

        await store.put(key, record(key, "gone"), LIMIT);
        await store.delete(key, "gone");
        await store.update(key, "gone", {
          deliveredSeq: 4,
          failures: 0,
          disabled: { reason: "x", at: "2026-01-01T00:00:00.000Z" },
        });
        expect(await store.get(key, "gone")).toBeUndefined();
        expect(await listedIds(store, key)).toEqual([]);
        // Nor did it take room of the task's limit.
        await store.put(key, record(key, "one"), { maxPerTask: 1 });
        expect(await listedIds(store, key)).toEqual(["one"]);
      }),
    );

    it(
      "keeps keys that differ only in tenant or owner apart in every operation",
      withStore(async (store, createTask) => {
        const mine = { tenant: "t", owner: "alice", taskId: "shared" };
        const others: TaskKey[] = [
          { tenant: "t2", owner: "alice", taskId: "shared" },
          { tenant: "", owner: "alice", taskId: "shared" },
          { tenant: "t", owner: "bob", taskId: "shared" },
          { tenant: "t", owner: "", taskId: "shared" },
          // Parts that would join to the same string with a plain separator.
          { tenant: "t:alice", owner: "", taskId: "shared" },
          { tenant: "", owner: "t:alice", taskId: "shared" },
        ];
        for (const key of [mine, ...others]) await createTask(key);
        const stored = record(mine, "c", { deliveredSeq: 2 });
        await store.put(mine, stored, { maxPerTask: 1 });

        for (const other of others) {
          const what = JSON.stringify(other);
          expect(await store.get(other, "c"), what).toBeUndefined();
          expect(await store.list(other, { pageSize: 10 }), what).toEqual({
            records: [],
            nextPageToken: "",
          });
          await store.update(other, "c", {
            deliveredSeq: 9,
            failures: 5,
            disabled: { reason: "not yours", at: "2026-01-01T00:00:00.000Z" },
          });
          await store.delete(other, "c");
          await store.deleteTask(other);
          expect(await store.get(mine, "c"), what).toEqual(stored);
        }

        // Each key's limit and ids are its own: a config of the same id is another config.
        for (const [i, other] of others.entries()) {
          await store.put(other, record(other, "c", { deliveredSeq: 10 + i }), { maxPerTask: 1 });
        }
        expect(await store.get(mine, "c")).toEqual(stored);
        for (const [i, other] of others.entries()) {
          expect((await store.get(other, "c"))?.deliveredSeq).toBe(10 + i);
        }
        await store.deleteTask(mine);
        expect(await store.get(mine, "c")).toBeUndefined();
        for (const other of others) expect(await listedIds(store, other)).toEqual(["c"]);
      }),
    );
  });
}
