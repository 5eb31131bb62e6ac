import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTaskStore, type PostgresTaskStore } from "../src/index.js";
import { tableNames } from "../src/schema/identifiers.js";
import { statements } from "../src/store/statements.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";

/**
 * A task's own row is found by its primary key, however many tasks its owner holds, even
 * before PostgreSQL has statistics on the table (a new deployment, until autovacuum's first
 * ANALYZE). Without them it once planned these lookups on a ListTasks index that begins with
 * (tenant, owner) and read every task of the owner on each append.
 */
let database: TestDatabase;
let pool: pg.Pool;
let store: PostgresTaskStore;

const SCHEMA = "plans";
const TASKS_OF_ONE_OWNER = 3000;
const tables = tableNames(SCHEMA);
const sql = statements(tables);
const KEY = ["", "anon", "task-1500"] as const;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  store = await createPostgresTaskStore({ pool, schema: SCHEMA });
  // No statistics for the whole test: what a fresh table has before its first ANALYZE.
  await pool.query(`ALTER TABLE ${tables.tasks} SET (autovacuum_enabled = false)`);
  await pool.query(`ALTER TABLE ${tables.events} SET (autovacuum_enabled = false)`);
  await pool.query(
    `INSERT INTO ${tables.tasks} (tenant, owner, task_id, context_id, state, status_ms, version,
       snapshot, snapshot_version, finished)
     SELECT '', 'anon', 'task-' || i, 'context-' || (i % 7), 'TASK_STATE_WORKING', 1000 + i, 1,
       json_build_object('id', 'task-' || i, 'contextId', 'context-' || (i % 7),
         'status', json_build_object('state', 'TASK_STATE_WORKING')), 1, false
     FROM generate_series(1, ${TASKS_OF_ONE_OWNER}) AS i`,
  );
  await pool.query(
    `INSERT INTO ${tables.events} (tenant, owner, task_id, seq, event)
     SELECT '', 'anon', 'task-' || i, 1, '{}'::json FROM generate_series(1, ${TASKS_OF_ONE_OWNER}) AS i`,
  );
});

afterAll(async () => {
  await store?.close();
  await pool?.end();
  await database?.drop();
});

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  Plans?: PlanNode[];
}

function* nodesOf(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* nodesOf(child);
}

/**
 * Runs `text` as the store does (a prepared statement, whose generic plan a connection keeps
 * once it is no dearer than a custom one), forced to its generic plan, inside a transaction
 * that is rolled back; returns its plan as executed.
 */
async function executedPlan(text: string, values: unknown[]): Promise<PlanNode> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL plan_cache_mode = force_generic_plan");
    await client.query(`PREPARE measured AS ${text}`);
    const list = values.map((value) =>
      value === null ? "NULL" : client.escapeLiteral(String(value)),
    );
    const { rows } = await client.query(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE measured(${list.join(", ")})`,
    );
    return (rows[0]["QUERY PLAN"] as Array<{ Plan: PlanNode }>)[0]!.Plan;
  } finally {
    await client.query("ROLLBACK");
    await client.query("DEALLOCATE ALL");
    client.release();
  }
}

const appendValues = [
  ...KEY,
  1,
  "context-2",
  "TASK_STATE_WORKING",
  5000,
  null,
  false,
  60_000,
  "[{}]",
  null,
  30_000,
  tables.channel,
  null,
];

describe.each([
  ["append", sql.append, appendValues],
  ["get", sql.get, [...KEY]],
  ["readEvents", sql.readEvents, [...KEY, 0]],
  ["releaseLease", sql.releaseLease, [...KEY, "holder"]],
])("the %s statement, before PostgreSQL has statistics", (_name, text, values) => {
  it(`reads the task's row by its primary key, not one of ${TASKS_OF_ONE_OWNER} of its owner's`, async () => {
    const plan = await executedPlan(text as string, values as unknown[]);
    const onTasks = [...nodesOf(plan)].filter(
      (node) => node["Relation Name"] === "a2a_tasks" && node["Node Type"].endsWith("Scan"),
    );
    expect(onTasks.length).toBeGreaterThan(0);
    for (const node of onTasks) {
      expect(node["Node Type"]).toBe("Index Scan");
      expect(node["Index Name"]).toBe("a2a_tasks_pkey");
    }
    // A few pages of the key's index and the row's heap, not the owner's thousands of rows.
    const blocks = (plan["Shared Hit Blocks"] ?? 0) + (plan["Shared Read Blocks"] ?? 0);
    expect(blocks).toBeLessThan(50);
  });
});

describe("ListTasks", () => {
  it("still lists the owner's tasks of a context, newest first", async () => {
    const page = await store.list(
      { tenant: "", owner: "anon" },
      { pageSize: 3, contextId: "context-3" },
    );
    expect(page.totalSize).toBe(Math.floor(TASKS_OF_ONE_OWNER / 7) + 1);
    expect(page.tasks.map((task) => task.id)).toEqual(["task-2999", "task-2992", "task-2985"]);
  });
});
