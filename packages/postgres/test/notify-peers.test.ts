import { silentLogger, type Task } from "@a2a-mount/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTaskStore } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const task = (id: string): Task => ({
  id,
  contextId: "ctx",
  status: { state: "TASK_STATE_SUBMITTED", timestamp: new Date().toISOString() },
});

describe("PostgresTaskStore: NOTIFY only while other instances listen", () => {
  it("sends no NOTIFY alone, and notifies as soon as another instance starts listening", async () => {
    // An observer on the channel that is not a store: it hears what is sent, and counts for
    // no store as a listener.
    const observer = new pg.Client({ connectionString: database.url });
    await observer.connect();
    const heard: string[] = [];
    observer.on("notification", (message) => heard.push(message.payload ?? ""));
    await observer.query('LISTEN "a2a_mount:peers"');
    const options = {
      connectionString: database.url,
      schema: "peers",
      logger: silentLogger,
      // Only the hello, not a periodic check, can tell the first store of the second.
      pollIntervalMs: 3_600_000,
    };
    const first = await createPostgresTaskStore(options);
    let second: Awaited<ReturnType<typeof createPostgresTaskStore>> | undefined;
    try {
      const key = (taskId: string) => ({ tenant: "", owner: "", taskId });
      await first.append(key("alone"), 0, [
        { event: { task: task("alone") }, task: task("alone") },
      ]);
      await sleep(200);
      expect(heard.filter((payload) => payload.includes('"alone"'))).toEqual([]);

      second = await createPostgresTaskStore(options);
      await sleep(100);
      await first.append(key("shared"), 0, [
        { event: { task: task("shared") }, task: task("shared") },
      ]);
      const deadline = Date.now() + 2000;
      while (!heard.some((payload) => payload.includes('"shared"')) && Date.now() < deadline) {
        await sleep(10);
      }
      const shared = heard.filter((payload) => payload.includes('"shared"'));
      expect(shared).toHaveLength(1);
      expect(shared[0]).toContain('"task"');
    } finally {
      await second?.close();
      await first.close();
      await observer.end();
    }
  });
});
