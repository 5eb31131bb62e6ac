import { describe, expect, it } from "vitest";
import { InMemoryPushConfigStore, type PushConfigRecord, type TaskKey } from "../src/index.js";

const key = (taskId: string): TaskKey => ({ tenant: "", owner: "alice", taskId });
const record = (taskId: string, id: string): PushConfigRecord => ({
  config: { id, taskId, url: "https://hooks.example/a2a" },
  payload: "1.0",
  deliveredSeq: 0,
  failures: 0,
});

describe("in-memory push configs live as long as their task", () => {
  it("a full store drops the configs of tasks that are gone to make room, and only those", async () => {
    const live = new Set(["t1", "t2"]);
    const store = new InMemoryPushConfigStore({
      maxConfigs: 2,
      taskExists: async (k) => live.has(k.taskId),
    });
    await store.put(key("t1"), record("t1", "a"), { maxPerTask: 10 });
    await store.put(key("t2"), record("t2", "a"), { maxPerTask: 10 });
    live.delete("t1"); // t1 expired
    live.add("t3");
    await store.put(key("t3"), record("t3", "a"), { maxPerTask: 10 });
    expect(store.size).toBe(2);
    expect(await store.get(key("t1"), "a")).toBeUndefined();
    expect(await store.get(key("t2"), "a")).toBeDefined();
    // Every task live: full is full.
    live.add("t4");
    await expect(store.put(key("t4"), record("t4", "a"), { maxPerTask: 10 })).rejects.toMatchObject(
      {
        name: "PushConfigLimitError",
        limit: "maxConfigs",
      },
    );
  });
});
