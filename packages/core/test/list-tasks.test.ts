import { describe, expect, it } from "vitest";
import type { A2A, RequestExtras } from "../src/index.js";
import { type Json, makeAgent, rpc, rpcRequest, userMessage } from "./helpers.js";

const T0 = Date.parse("2025-03-01T12:00:00.000Z");

/**
 * An agent whose outcome depends on the text: "fail ..." fails, "input ..." asks for input,
 * anything else completes with one artifact. The clock only moves when the test moves it.
 */
function setup() {
  const clock = { t: T0, now: () => clock.t };
  const a2a = makeAgent({
    clock,
    executor: async (ctx, task) => {
      await task.working();
      if (ctx.text.startsWith("fail")) {
        await task.fail("it broke");
      } else if (ctx.text.startsWith("input")) {
        await task.inputRequired("need more");
      } else {
        await task.artifact(`result: ${ctx.text}`);
        await task.complete("done");
      }
    },
  });
  return { a2a, clock };
}

async function call(
  a2a: A2A,
  method: string,
  params: unknown,
  context?: RequestExtras,
): Promise<Json> {
  const response = await a2a.fetch(rpcRequest(method, params), context);
  expect(response.status).toBe(200);
  return response.json();
}

/** Sends one message one second after the previous one and returns the resulting task. */
async function createTask(
  env: ReturnType<typeof setup>,
  text: string,
  options: { contextId?: string; tenant?: string; context?: RequestExtras } = {},
): Promise<Json> {
  env.clock.t += 1000;
  const extra = options.contextId ? { contextId: options.contextId } : {};
  const params: Record<string, unknown> = { message: userMessage(text, extra) };
  if (options.tenant !== undefined) params.tenant = options.tenant;
  const body = await call(env.a2a, "SendMessage", params, options.context);
  expect(body.error).toBeUndefined();
  return body.result.task;
}

function iso(offsetSeconds: number): string {
  return new Date(T0 + offsetSeconds * 1000).toISOString();
}

function ids(result: Json): string[] {
  return result.tasks.map((task: Json) => task.id);
}

/** Five tasks, one second apart: complete, fail, input, complete, input (c1, c2 alternating). */
async function fiveTasks(env: ReturnType<typeof setup>) {
  const texts = ["ok one", "fail two", "input three", "ok four", "input five"];
  const tasks: Json[] = [];
  for (const [i, text] of texts.entries()) {
    tasks.push(await createTask(env, text, { contextId: i % 2 === 0 ? "c1" : "c2" }));
  }
  return tasks;
}

function expectInvalidParams(body: Json, field: string) {
  expect(body.jsonrpc).toBe("2.0");
  expect(body.id).toBe(1);
  expect(body.result).toBeUndefined();
  expect(body.error.code).toBe(-32602);
  expect(body.error.data[0]["@type"]).toBe("type.googleapis.com/google.rpc.ErrorInfo");
  expect(body.error.data[0].reason).toBe("INVALID_PARAMS");
  expect(body.error.data[0].domain).toBe("a2a-protocol.org");
  const badRequest = body.error.data.find(
    (detail: Json) => detail["@type"] === "type.googleapis.com/google.rpc.BadRequest",
  );
  expect(badRequest).toBeDefined();
  expect(badRequest.fieldViolations.map((v: Json) => v.field)).toEqual([field]);
  expect(typeof badRequest.fieldViolations[0].description).toBe("string");
  expect(badRequest.fieldViolations[0].description).not.toBe("");
}

describe("ListTasks", () => {
  it("lists an empty store as no tasks, nextPageToken '' and totalSize 0", async () => {
    const { a2a } = setup();
    const body = await rpc(a2a, "ListTasks", {});
    expect(body).toEqual({
      jsonrpc: "2.0",
      id: 1,
      result: { tasks: [], nextPageToken: "", pageSize: 50, totalSize: 0 },
    });
  });

  it("accepts a request without params", async () => {
    const { a2a } = setup();
    const body = await rpc(a2a, "ListTasks");
    expect(body.result).toEqual({ tasks: [], nextPageToken: "", pageSize: 50, totalSize: 0 });
  });

  it("returns tasks newest status timestamp first, with the default page size 50", async () => {
    const env = setup();
    const created = await fiveTasks(env);
    expect(created.map((task) => task.status.state)).toEqual([
      "TASK_STATE_COMPLETED",
      "TASK_STATE_FAILED",
      "TASK_STATE_INPUT_REQUIRED",
      "TASK_STATE_COMPLETED",
      "TASK_STATE_INPUT_REQUIRED",
    ]);
    const body = await rpc(env.a2a, "ListTasks", {});
    expect(body.error).toBeUndefined();
    const { result } = body;
    expect(Object.keys(result).sort()).toEqual(["nextPageToken", "pageSize", "tasks", "totalSize"]);
    expect(ids(result)).toEqual(created.map((task) => task.id).reverse());
    expect(result.tasks.map((task: Json) => task.status.timestamp)).toEqual([
      iso(5),
      iso(4),
      iso(3),
      iso(2),
      iso(1),
    ]);
    expect(result.tasks.map((task: Json) => task.status.state)).toEqual([
      "TASK_STATE_INPUT_REQUIRED",
      "TASK_STATE_COMPLETED",
      "TASK_STATE_INPUT_REQUIRED",
      "TASK_STATE_FAILED",
      "TASK_STATE_COMPLETED",
    ]);
    expect(result.tasks.map((task: Json) => task.contextId)).toEqual([
      "c1",
      "c2",
      "c1",
      "c2",
      "c1",
    ]);
    expect(result.nextPageToken).toBe("");
    expect(result.pageSize).toBe(50);
    expect(result.totalSize).toBe(5);
  });

  it("echoes the requested pageSize", async () => {
    const env = setup();
    await fiveTasks(env);
    const body = await rpc(env.a2a, "ListTasks", { pageSize: 10 });
    expect(body.result.pageSize).toBe(10);
    expect(body.result.tasks).toHaveLength(5);
    expect(body.result.totalSize).toBe(5);
    expect(body.result.nextPageToken).toBe("");
  });

  it("puts a task that was updated later before newer tasks that were not", async () => {
    const env = setup();
    const waiting = await createTask(env, "input first");
    const done = await createTask(env, "ok second");
    expect(ids((await rpc(env.a2a, "ListTasks", {})).result)).toEqual([done.id, waiting.id]);
    env.clock.t += 1000;
    const reply = await rpc(env.a2a, "SendMessage", {
      message: userMessage("ok now", { taskId: waiting.id }),
    });
    expect(reply.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const { result } = await rpc(env.a2a, "ListTasks", {});
    expect(ids(result)).toEqual([waiting.id, done.id]);
    expect(result.tasks[0].status.timestamp).toBe(iso(3));
  });

  it("filters by contextId", async () => {
    const env = setup();
    const created = await fiveTasks(env);
    const c1 = await rpc(env.a2a, "ListTasks", { contextId: "c1" });
    expect(ids(c1.result)).toEqual([created[4].id, created[2].id, created[0].id]);
    expect(c1.result.totalSize).toBe(3);
    const c2 = await rpc(env.a2a, "ListTasks", { contextId: "c2" });
    expect(ids(c2.result)).toEqual([created[3].id, created[1].id]);
    expect(c2.result.totalSize).toBe(2);
    const none = await rpc(env.a2a, "ListTasks", { contextId: "c3" });
    expect(none.result).toEqual({ tasks: [], nextPageToken: "", pageSize: 50, totalSize: 0 });
  });

  it("filters by status name", async () => {
    const env = setup();
    const created = await fiveTasks(env);
    const completed = await rpc(env.a2a, "ListTasks", { status: "TASK_STATE_COMPLETED" });
    expect(ids(completed.result)).toEqual([created[3].id, created[0].id]);
    expect(completed.result.totalSize).toBe(2);
    const input = await rpc(env.a2a, "ListTasks", { status: "TASK_STATE_INPUT_REQUIRED" });
    expect(ids(input.result)).toEqual([created[4].id, created[2].id]);
    const failed = await rpc(env.a2a, "ListTasks", { status: "TASK_STATE_FAILED" });
    expect(ids(failed.result)).toEqual([created[1].id]);
    expect(failed.result.totalSize).toBe(1);
    const working = await rpc(env.a2a, "ListTasks", { status: "TASK_STATE_WORKING" });
    expect(working.result.tasks).toEqual([]);
    expect(working.result.totalSize).toBe(0);
  });

  it("filters by statusTimestampAfter", async () => {
    const env = setup();
    const created = await fiveTasks(env);
    const after = new Date(T0 + 2500).toISOString();
    const body = await rpc(env.a2a, "ListTasks", { statusTimestampAfter: after });
    expect(ids(body.result)).toEqual([created[4].id, created[3].id, created[2].id]);
    expect(body.result.totalSize).toBe(3);
    const later = await rpc(env.a2a, "ListTasks", {
      statusTimestampAfter: new Date(T0 + 60_000).toISOString(),
    });
    expect(later.result.tasks).toEqual([]);
    expect(later.result.totalSize).toBe(0);
    const earlier = await rpc(env.a2a, "ListTasks", { statusTimestampAfter: iso(0) });
    expect(earlier.result.totalSize).toBe(5);
  });

  it("combines filters", async () => {
    const env = setup();
    const created = await fiveTasks(env);
    const body = await rpc(env.a2a, "ListTasks", {
      contextId: "c1",
      status: "TASK_STATE_INPUT_REQUIRED",
      statusTimestampAfter: new Date(T0 + 3500).toISOString(),
    });
    expect(ids(body.result)).toEqual([created[4].id]);
    expect(body.result.totalSize).toBe(1);
    expect(body.result.nextPageToken).toBe("");
  });

  it("walks pages of 2 over 5 tasks until nextPageToken is ''", async () => {
    const env = setup();
    const created = await fiveTasks(env);
    const pages: Json[] = [];
    let pageToken: string | undefined;
    for (let i = 0; i < 10; i++) {
      const params: Record<string, unknown> = { pageSize: 2 };
      if (pageToken !== undefined) params.pageToken = pageToken;
      const body = await rpc(env.a2a, "ListTasks", params);
      expect(body.error).toBeUndefined();
      pages.push(body.result);
      expect(body.result).toHaveProperty("nextPageToken");
      expect(typeof body.result.nextPageToken).toBe("string");
      if (body.result.nextPageToken === "") break;
      pageToken = body.result.nextPageToken;
    }
    expect(pages.map((page) => page.tasks.length)).toEqual([2, 2, 1]);
    expect(pages.map((page) => page.pageSize)).toEqual([2, 2, 2]);
    expect(pages.map((page) => page.totalSize)).toEqual([5, 5, 5]);
    expect(pages[0].nextPageToken).not.toBe("");
    expect(pages[1].nextPageToken).not.toBe("");
    expect(pages[2].nextPageToken).toBe("");
    const all = pages.flatMap((page) => ids(page));
    expect(new Set(all).size).toBe(5);
    expect(all).toEqual(created.map((task) => task.id).reverse());
  });

  it("paginates within a filter", async () => {
    const env = setup();
    const created = await fiveTasks(env);
    const first = await rpc(env.a2a, "ListTasks", { contextId: "c1", pageSize: 2 });
    expect(ids(first.result)).toEqual([created[4].id, created[2].id]);
    expect(first.result.totalSize).toBe(3);
    expect(first.result.nextPageToken).not.toBe("");
    const second = await rpc(env.a2a, "ListTasks", {
      contextId: "c1",
      pageSize: 2,
      pageToken: first.result.nextPageToken,
    });
    expect(ids(second.result)).toEqual([created[0].id]);
    expect(second.result.totalSize).toBe(3);
    expect(second.result.nextPageToken).toBe("");
  });

  it("omits artifacts entirely unless includeArtifacts is true", async () => {
    const env = setup();
    const done = await createTask(env, "ok with artifact");
    await createTask(env, "input without artifact");
    expect(done.artifacts).toHaveLength(1);

    for (const params of [{}, { includeArtifacts: false }]) {
      const { result } = await rpc(env.a2a, "ListTasks", params);
      expect(result.tasks).toHaveLength(2);
      for (const task of result.tasks) expect(Object.hasOwn(task, "artifacts")).toBe(false);
    }

    const { result } = await rpc(env.a2a, "ListTasks", { includeArtifacts: true });
    const listed = result.tasks.find((task: Json) => task.id === done.id);
    expect(listed.artifacts).toEqual(done.artifacts);
    expect(listed.artifacts[0].parts).toEqual([{ text: "result: ok with artifact" }]);

    // Listing without artifacts does not strip them from the stored task.
    const got = await rpc(env.a2a, "GetTask", { id: done.id });
    expect(got.result.artifacts).toEqual(done.artifacts);
  });

  it("limits history with historyLength: 0 omits it, 1 keeps only the last message", async () => {
    const env = setup();
    const done = await createTask(env, "ok history");
    expect(done.history.map((m: Json) => m.role)).toEqual(["ROLE_USER", "ROLE_AGENT"]);

    const full = await rpc(env.a2a, "ListTasks", {});
    expect(full.result.tasks[0].history).toEqual(done.history);

    const zero = await rpc(env.a2a, "ListTasks", { historyLength: 0 });
    expect(zero.result.tasks).toHaveLength(1);
    expect(Object.hasOwn(zero.result.tasks[0], "history")).toBe(false);

    const one = await rpc(env.a2a, "ListTasks", { historyLength: 1 });
    expect(one.result.tasks[0].history).toEqual([done.history[1]]);
    expect(one.result.tasks[0].history[0].role).toBe("ROLE_AGENT");
    expect(one.result.tasks[0].history[0].parts).toEqual([{ text: "done" }]);

    const got = await rpc(env.a2a, "GetTask", { id: done.id });
    expect(got.result.history).toEqual(done.history);
  });

  it.each([
    ["pageSize", { pageSize: 0 }],
    ["pageSize", { pageSize: 101 }],
    ["pageSize", { pageSize: 1.5 }],
    ["historyLength", { historyLength: -1 }],
    ["status", { status: "TASK_STATE_RUNNING" }],
    ["statusTimestampAfter", { statusTimestampAfter: "yesterday" }],
    ["pageToken", { pageToken: "garbage!!" }],
  ])("rejects an invalid %s with -32602 (%j)", async (field, params) => {
    const env = setup();
    await createTask(env, "ok");
    expectInvalidParams(await rpc(env.a2a, "ListTasks", params), field);
  });

  it("rejects a pageToken it did not issue on an empty store too", async () => {
    const { a2a } = setup();
    expectInvalidParams(await rpc(a2a, "ListTasks", { pageToken: "garbage!!" }), "pageToken");
  });

  it("accepts the page size bounds 1 and 100", async () => {
    const env = setup();
    await fiveTasks(env);
    const one = await rpc(env.a2a, "ListTasks", { pageSize: 1 });
    expect(one.result.tasks).toHaveLength(1);
    expect(one.result.pageSize).toBe(1);
    expect(one.result.totalSize).toBe(5);
    const hundred = await rpc(env.a2a, "ListTasks", { pageSize: 100 });
    expect(hundred.result.tasks).toHaveLength(5);
    expect(hundred.result.pageSize).toBe(100);
  });
});

describe("ListTasks scoping", () => {
  const alice: RequestExtras = { principal: { id: "alice" } };
  const bob: RequestExtras = { principal: { id: "bob" } };

  it("shows a principal's tasks only to that principal", async () => {
    const env = setup();
    const a1 = await createTask(env, "ok alice 1", { context: alice });
    const a2 = await createTask(env, "input alice 2", { context: alice });
    const anon = await createTask(env, "ok anonymous");

    const forAlice = await call(env.a2a, "ListTasks", {}, alice);
    expect(ids(forAlice.result)).toEqual([a2.id, a1.id]);
    expect(forAlice.result.totalSize).toBe(2);

    const forBob = await call(env.a2a, "ListTasks", {}, bob);
    expect(forBob.result).toEqual({ tasks: [], nextPageToken: "", pageSize: 50, totalSize: 0 });

    const forAnonymous = await call(env.a2a, "ListTasks", {});
    expect(ids(forAnonymous.result)).toEqual([anon.id]);
    expect(forAnonymous.result.totalSize).toBe(1);

    for (const context of [bob, undefined]) {
      const got = await call(env.a2a, "GetTask", { id: a1.id }, context);
      expect(got.error.code).toBe(-32001);
      expect(got.error.data[0].reason).toBe("TASK_NOT_FOUND");
    }
    const own = await call(env.a2a, "GetTask", { id: a1.id }, alice);
    expect(own.result.id).toBe(a1.id);
  });

  it("does not let another principal use a page token to reach a principal's tasks", async () => {
    const env = setup();
    for (let i = 0; i < 3; i++) await createTask(env, `ok alice ${i}`, { context: alice });
    const first = await call(env.a2a, "ListTasks", { pageSize: 1 }, alice);
    expect(first.result.nextPageToken).not.toBe("");
    const stolen = await call(
      env.a2a,
      "ListTasks",
      { pageSize: 1, pageToken: first.result.nextPageToken },
      bob,
    );
    expect(stolen.result.tasks).toEqual([]);
    expect(stolen.result.totalSize).toBe(0);
    expect(stolen.result.nextPageToken).toBe("");
  });

  it("shows a tenant's tasks only in ListTasks for that tenant", async () => {
    const env = setup();
    const t1 = await createTask(env, "ok tenant one", { tenant: "t1" });
    const t1b = await createTask(env, "input tenant one", { tenant: "t1" });
    const plain = await createTask(env, "ok no tenant");

    const inT1 = await rpc(env.a2a, "ListTasks", { tenant: "t1" });
    expect(ids(inT1.result)).toEqual([t1b.id, t1.id]);
    expect(inT1.result.totalSize).toBe(2);

    const inT2 = await rpc(env.a2a, "ListTasks", { tenant: "t2" });
    expect(inT2.result).toEqual({ tasks: [], nextPageToken: "", pageSize: 50, totalSize: 0 });

    const noTenant = await rpc(env.a2a, "ListTasks", {});
    expect(ids(noTenant.result)).toEqual([plain.id]);
    expect(noTenant.result.totalSize).toBe(1);

    for (const params of [{ id: t1.id, tenant: "t2" }, { id: t1.id }]) {
      const got = await rpc(env.a2a, "GetTask", params);
      expect(got.result).toBeUndefined();
      expect(got.error.code).toBe(-32001);
      expect(got.error.data[0].reason).toBe("TASK_NOT_FOUND");
    }
    const own = await rpc(env.a2a, "GetTask", { id: t1.id, tenant: "t1" });
    expect(own.result.id).toBe(t1.id);
    expect(own.result.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("scopes by tenant and principal together", async () => {
    const env = setup();
    const task = await createTask(env, "ok both", { tenant: "t1", context: alice });
    const both = await call(env.a2a, "ListTasks", { tenant: "t1" }, alice);
    expect(ids(both.result)).toEqual([task.id]);
    for (const [params, context] of [
      [{ tenant: "t1" }, bob],
      [{ tenant: "t1" }, undefined],
      [{}, alice],
    ] as const) {
      const body = await call(env.a2a, "ListTasks", params, context);
      expect(body.result.tasks).toEqual([]);
      expect(body.result.totalSize).toBe(0);
    }
  });
});
