import { describe, expect, it } from "vitest";
import { InMemoryTaskStore } from "../src/ports/in-memory-task-store.js";
import { resultBody } from "../src/transport/jsonrpc/envelope.js";
import { parseTask, resultJson, taskJson } from "../src/wire/task-json.js";
import type { Task } from "../src/wire/v1/index.js";

const task = (id: string, state: Task["status"]["state"] = "TASK_STATE_COMPLETED"): Task => ({
  id,
  contextId: "ctx",
  status: { state, timestamp: "2026-01-01T00:00:00.000Z" },
  history: [{ messageId: "m1", role: "ROLE_USER", parts: [{ text: 'quote " and \u2028' }] }],
  artifacts: [{ artifactId: "a", parts: [{ text: "out" }] }],
});

describe("task JSON reuse", () => {
  it("serialises a task once: a second call returns the first text", () => {
    const value = task("t1");
    const first = taskJson(value);
    expect(first).toBe(JSON.stringify(value));
    // Tasks are immutable once saved; changing one anyway shows the text is remembered.
    value.id = "changed";
    expect(taskJson(value)).toBe(first);
  });

  it("does not carry the remembered text into a task spread from it, nor into its JSON", () => {
    const value = task("t-spread");
    const first = taskJson(value);
    const next: Task = { ...value, status: { state: "TASK_STATE_FAILED" } };
    expect(taskJson(next)).toBe(JSON.stringify(next));
    expect(taskJson(next)).not.toBe(first);
    expect(JSON.stringify(value)).toBe(first);
    expect(Object.keys(value)).toEqual(["id", "contextId", "status", "history", "artifacts"]);
    expect(structuredClone(value)).toEqual(value);
  });

  it("serialises a frozen task each time instead of failing", () => {
    const value = Object.freeze(task("t-frozen"));
    expect(taskJson(value)).toBe(JSON.stringify(value));
    expect(resultJson({ task: value })).toBe(JSON.stringify({ task: value }));
  });

  it("answers with the exact text a task was parsed from", () => {
    const text =
      '{ "id": "t2", "contextId": "ctx", "status": { "state": "TASK_STATE_COMPLETED" } }';
    const parsed = parseTask(text);
    expect(parsed.id).toBe("t2");
    expect(resultJson(parsed)).toBe(text);
    expect(resultJson({ task: parsed })).toBe(`{"task":${text}}`);
  });

  it("gives what JSON.stringify gives for every other result", () => {
    const known = task("t3");
    taskJson(known);
    const cases: unknown[] = [
      { task: task("fresh") },
      { task: known, extra: 1 },
      { message: { messageId: "m", role: "ROLE_AGENT", parts: [] } },
      [known],
      {},
      null,
      "text",
      42,
    ];
    for (const value of cases) expect(resultJson(value)).toBe(JSON.stringify(value));
    expect(resultJson({ task: known })).toBe(JSON.stringify({ task: known }));
  });

  it("builds JSON-RPC bodies equal to JSON.stringify of the envelope", () => {
    const known = task("t4");
    taskJson(known);
    for (const id of [1, 'a"b', null] as const) {
      expect(resultBody(id, { task: known })).toBe(
        JSON.stringify({ jsonrpc: "2.0", id, result: { task: known } }),
      );
      expect(resultBody(id, { n: 1 })).toBe(
        JSON.stringify({ jsonrpc: "2.0", id, result: { n: 1 } }),
      );
    }
  });

  it("lets a finished task's response reuse the store's JSON, and GetTask the stored text", async () => {
    const store = new InMemoryTaskStore();
    const key = { tenant: "", owner: "", taskId: "t5" };
    const finished = task("t5");
    await store.append(key, 0, [{ event: { task: finished }, task: finished }]);
    const stored = taskJson(finished);
    finished.id = "mutated after saving"; // shows the response text is the store's, not a new one
    expect(resultJson({ task: finished })).toBe(`{"task":${stored}}`);
    const read = (await store.get(key))!.task;
    expect(read.id).toBe("t5");
    expect(resultJson(read)).toBe(stored);
  });
});
