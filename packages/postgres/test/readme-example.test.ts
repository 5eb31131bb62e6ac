import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
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

/** The README's PostgreSQL example, extracted verbatim and imported as a module. */
async function loadExample(): Promise<{ default: { fetch: (r: Request) => Promise<Response> } }> {
  const readme = await readFile(
    fileURLToPath(new URL("../../../README.md", import.meta.url)),
    "utf8",
  );
  const block =
    /<!-- postgres-example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- postgres-example:end -->/.exec(
      readme,
    );
  if (!block) throw new Error("README PostgreSQL example not found");
  const dir = new URL("./.generated/", import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL("readme-postgres-example.ts", dir);
  await writeFile(file, block[1]!);
  return import(/* @vite-ignore */ file.href);
}

describe("README: Run on PostgreSQL", () => {
  it("serves a task kept in the database at DATABASE_URL", async () => {
    process.env.DATABASE_URL = database.url;
    const example = await loadExample();
    const response = await example.default.fetch(
      new Request("http://localhost/", {
        method: "POST",
        headers: { "content-type": "application/json", "a2a-version": "1.0" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "SendMessage",
          params: { message: { messageId: "m1", role: "ROLE_USER", parts: [{ text: "hi" }] } },
        }),
      }),
    );
    const { result } = await response.json();
    expect(result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(result.task.artifacts[0].parts[0].text).toBe("Noted: hi");
    // The task is in the database: another store on it reads it back.
    const other = await createPostgresTaskStore({ connectionString: database.url });
    try {
      const stored = await other.get({ tenant: "", owner: "", taskId: result.task.id });
      expect(stored?.task.artifacts?.[0]?.parts[0]?.text).toBe("Noted: hi");
      expect(stored?.version).toBe(3);
    } finally {
      await other.close();
    }
  });
});
