import { describe, expect, it } from "vitest";
import {
  InMemoryPushConfigStore,
  type PushConfigRecord,
  type PushConfigStore,
  type TaskKey,
} from "../src/index.js";
import { pushConfigStoreContract } from "./contract/push-config-store-contract.js";

// Tasks need not exist for the in-memory store to hold their configs.
pushConfigStoreContract("InMemoryPushConfigStore", async () => ({
  store: new InMemoryPushConfigStore(),
  createTask: async () => undefined,
}));

describe("InMemoryPushConfigStore", () => {
  const key = (taskId: string): TaskKey => ({ tenant: "", owner: "", taskId });
  const record = (taskId: string, id: string): PushConfigRecord => ({
    config: { id, taskId, url: `https://hooks.example/${id}` },
    payload: "1.0",
    deliveredSeq: 0,
    failures: 0,
  });

  it("holds at most maxConfigs over all tasks, counting deletes and replacements right", async () => {
    const store = new InMemoryPushConfigStore({ maxConfigs: 3 });
    const limit = { maxPerTask: 10 };
    await store.put(key("a"), record("a", "1"), limit);
    await store.put(key("a"), record("a", "2"), limit);
    await store.put(key("b"), record("b", "1"), limit);
    expect(store.size).toBe(3);
    await expect(store.put(key("c"), record("c", "1"), limit)).rejects.toMatchObject({
      name: "PushConfigLimitError",
      limit: "maxConfigs",
    });
    // Replacing is no new config.
    await store.put(key("a"), record("a", "2"), limit);
    expect(store.size).toBe(3);
    await store.delete(key("a"), "1");
    await store.delete(key("a"), "1");
    expect(store.size).toBe(2);
    await store.put(key("c"), record("c", "1"), limit);
    await store.deleteTask(key("a"));
    await store.deleteTask(key("a"));
    expect(store.size).toBe(2);
  });

  it("has no claims (one process delivers everything)", () => {
    const store: PushConfigStore = new InMemoryPushConfigStore();
    expect(store.claims).toBeUndefined();
  });
});
