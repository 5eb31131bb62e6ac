import { afterAll, beforeAll } from "vitest";
import { taskStoreContract } from "../../core/test/contract/task-store-contract.js";
import { createPostgresTaskStore } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";

let database: TestDatabase;
let schemas = 0;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

// Each test gets an empty store: a schema of its own in the file's database.
taskStoreContract("PostgresTaskStore", async () => {
  const store = await createPostgresTaskStore({
    connectionString: database.url,
    schema: `contract_${++schemas}`,
  });
  return { store, close: () => store.close() };
});
