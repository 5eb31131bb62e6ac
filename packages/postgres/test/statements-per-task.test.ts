import { createA2A, silentLogger } from "@a2a-mount/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTaskStore, type PostgresTaskStore } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import { message, rpc } from "./support/instances.js";

/** Round trips of a blocking send whose agent publishes four events (five with the task). */
let database: TestDatabase;
let pool: pg.Pool;
let store: PostgresTaskStore;
const sent: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
  store = await createPostgresTaskStore({ pool, logger: silentLogger });
  // Every statement the store sends goes through the pool's `query`.
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
    const config = args[0] as { name?: string; text?: string } | string;
    sent.push(typeof config === "string" ? config : (config.name ?? config.text ?? ""));
    return query(...args);
  };
});

afterAll(async () => {
  await store?.close();
  await pool?.end();
  await database?.drop();
});

/** An agent with `executor`, its tasks in the counted store. */
function agent(executor: Parameters<typeof createA2A>[0]["executor"]) {
  return createA2A({
    card: {
      name: "count",
      description: "test",
      version: "1.0.0",
      skills: [{ id: "s", name: "s", description: "s", tags: ["t"] }],
    },
    executor,
    taskStore: store,
    basePath: "/a2a",
    logger: silentLogger,
  });
}

const statementNames = () => sent.map((name) => name.replace(/^a2a_(\w+?)_[0-9a-f]{16}$/, "$1"));

describe("a blocking send of a 4-event task on PostgreSQL", () => {
  it("takes 2 statements when the agent publishes without waiting: what queues during a write goes in the next one", async () => {
    const a2a = agent(async (_ctx, task) => {
      // Published at once, each resolving when it is written.
      const written = [
        task.working("Echoing"),
        task.artifact({ artifactId: "echo", parts: [{ text: "hello " }] }),
        task.artifact({ artifactId: "echo", parts: [{ text: "world" }] }, { append: true }),
        task.complete(),
      ];
      await Promise.all(written);
    });
    sent.length = 0;
    const result = await rpc(a2a, "SendMessage", { message: message("hello world") });
    expect(result.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(result.result.task.artifacts[0].parts).toEqual([{ text: "hello " }, { text: "world" }]);
    // The task with the first event, then the three published while that was written.
    expect(statementNames()).toEqual(["create", "append"]);
    const events = await store.readEvents(
      { tenant: "", owner: "", taskId: result.result.task.id },
      0,
    );
    expect(events?.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events?.map((e) => Object.keys(e.event)[0])).toEqual([
      "task",
      "statusUpdate",
      "artifactUpdate",
      "artifactUpdate",
      "statusUpdate",
    ]);
  });

  it("takes 4 statements: the task created with the agent's first event, then one per event", async () => {
    const a2a = createA2A({
      card: {
        name: "count",
        description: "test",
        version: "1.0.0",
        skills: [{ id: "s", name: "s", description: "s", tags: ["t"] }],
      },
      executor: async (_ctx, task) => {
        await task.working("Echoing");
        const id = await task.artifact({ parts: [{ text: "hello " }] });
        await task.artifact({ artifactId: id, parts: [{ text: "world" }] }, { append: true });
        await task.complete();
      },
      taskStore: store,
      basePath: "/a2a",
      logger: silentLogger,
    });
    sent.length = 0;
    const result = await rpc(a2a, "SendMessage", { message: message("hello world") });
    expect(result.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(sent.map((name) => name.replace(/^a2a_(\w+?)_[0-9a-f]{16}$/, "$1"))).toEqual([
      "create",
      "append",
      "append",
      "append",
    ]);
    const events = await store.readEvents(
      { tenant: "", owner: "", taskId: result.result.task.id },
      0,
    );
    expect(events?.map((e) => Object.keys(e.event)[0])).toEqual([
      "task",
      "statusUpdate",
      "artifactUpdate",
      "artifactUpdate",
      "statusUpdate",
    ]);
  });
});
