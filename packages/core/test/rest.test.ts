import { describe, expect, it } from "vitest";
import {
  type A2A,
  type A2AOptions,
  InMemoryTaskStore,
  type RequestContext,
  type RequestExtras,
  type TaskStore,
} from "../src/index.js";
import {
  BASE,
  cardRequest,
  gate,
  type Json,
  makeAgent,
  parseSse,
  rpc,
  sseEvents,
  testCard,
  until,
  userMessage,
} from "./helpers.js";

/**
 * The HTTP+JSON binding (spec §11): every route, with and without a `/{tenant}` prefix,
 * through `a2a.fetch`, with `google.rpc.Status` errors mapped per spec §5.4.
 */

const A2A_JSON = "application/a2a+json";
const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
const BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";
const T0 = Date.parse("2025-03-01T12:00:00.000Z");

function iso(offsetSeconds: number): string {
  return new Date(T0 + offsetSeconds * 1000).toISOString();
}

// ---------------------------------------------------------------------------------------
// Requests and assertions
// ---------------------------------------------------------------------------------------

interface CallOptions {
  /** A JSON body; sets `content-type: application/a2a+json` unless a content type is given. */
  body?: unknown;
  /** A body sent as is (no content type added). */
  raw?: string;
  headers?: Record<string, string>;
  context?: RequestExtras;
}

function restRequest(method: string, path: string, options: CallOptions = {}): Request {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= A2A_JSON;
  }
  return new Request(`${BASE}${path}`, { method, headers, body });
}

function call(a2a: A2A, method: string, path: string, options: CallOptions = {}) {
  return a2a.fetch(restRequest(method, path, options), options.context);
}

/** A successful unary call: HTTP 200, `application/a2a+json`, the parsed body. */
async function ok(a2a: A2A, method: string, path: string, options: CallOptions = {}) {
  const response = await call(a2a, method, path, options);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get("content-type")).toBe(A2A_JSON);
  return JSON.parse(text) as Json;
}

/** A `google.rpc.Status` error response (spec §11.6) with its `ErrorInfo` detail. */
async function expectStatusError(
  response: Response,
  httpStatus: number,
  grpcStatus: string,
  reason: string,
): Promise<Json> {
  const text = await response.text();
  expect(response.status, text).toBe(httpStatus);
  expect(response.headers.get("content-type")).toBe(A2A_JSON);
  const body = JSON.parse(text) as Json;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "details", "message", "status"]);
  expect(body.error.code).toBe(httpStatus);
  expect(body.error.status).toBe(grpcStatus);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.details[0]["@type"]).toBe(ERROR_INFO);
  expect(body.error.details[0].reason).toBe(reason);
  expect(body.error.details[0].domain).toBe("a2a-protocol.org");
  expect(typeof body.error.details[0].metadata.timestamp).toBe("string");
  expect(Number.isNaN(Date.parse(body.error.details[0].metadata.timestamp))).toBe(false);
  return body;
}

/** 400 INVALID_PARAMS whose `BadRequest` names exactly `fields`. */
async function expectInvalidParams(response: Response, fields: string[]): Promise<Json> {
  const body = await expectStatusError(response, 400, "INVALID_ARGUMENT", "INVALID_PARAMS");
  expect(body.error.details).toHaveLength(2);
  expect(body.error.details[1]["@type"]).toBe(BAD_REQUEST);
  expect(body.error.details[1].fieldViolations.map((v: Json) => v.field)).toEqual(fields);
  for (const violation of body.error.details[1].fieldViolations) {
    expect(typeof violation.description).toBe("string");
    expect(violation.description.length).toBeGreaterThan(0);
  }
  return body;
}

/** Puts a real task id in the place of the path segment `x`. */
const withTask = (path: string, taskId: string): string =>
  path.replace(/\/x(?=[/:]|$)/, `/${taskId}`);

const kindOf = (event: Json): string => {
  expect(Object.keys(event)).toHaveLength(1);
  return Object.keys(event)[0]!;
};

function expectSseHeaders(response: Response): void {
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/event-stream");
  expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");
  expect(response.headers.get("x-accel-buffering")).toBe("no");
}

// ---------------------------------------------------------------------------------------
// The agent
// ---------------------------------------------------------------------------------------

/** A run of the "hold" agent, steered by the test. */
interface Run {
  ctx: RequestContext;
  signal: AbortSignal;
  /** Lets the agent publish its artifact. */
  artifact: () => void;
  /** Lets the agent complete. */
  finish: () => void;
  /** Settles when the agent's `execute` returned. */
  returned: Promise<void>;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true }),
  );
}

/**
 * An agent whose behaviour depends on the text:
 * - "hello": answers with a Message, no task;
 * - "hold ...": WORKING, then waits for `run.artifact()`, publishes an artifact, waits for
 *   `run.finish()` and completes (stopping early if canceled);
 * - "fail ...": WORKING then FAILED; "input ...": WORKING then INPUT_REQUIRED;
 * - anything else: WORKING ("thinking"), artifact "result", COMPLETED ("done").
 * The clock only moves when the test moves it.
 */
function setup(overrides: Partial<A2AOptions> = {}) {
  const clock = { t: T0, now: () => clock.t };
  const runs: Run[] = [];
  const tenants: string[] = [];
  const a2a = makeAgent({
    clock,
    executor: async (ctx, task) => {
      tenants.push(ctx.tenant);
      const text = ctx.text;
      if (text === "hello") {
        return {
          messageId: `reply-${tenants.length}`,
          role: "ROLE_AGENT",
          parts: [{ text: "hi" }],
        };
      }
      if (text.startsWith("hold")) {
        const signal = ctx.signal;
        const artifactGate = gate();
        const finishGate = gate();
        const returned = gate();
        await task.working();
        runs.push({
          ctx,
          signal,
          artifact: () => artifactGate.open(),
          finish: () => finishGate.open(),
          returned: returned.promise,
        });
        try {
          await Promise.race([artifactGate.promise, untilAborted(signal)]);
          if (signal.aborted) return;
          await task.artifact({ artifactId: "result", parts: [{ text: `result: ${text}` }] });
          await Promise.race([finishGate.promise, untilAborted(signal)]);
          if (signal.aborted) return;
          await task.complete("done");
        } finally {
          returned.open();
        }
        return;
      }
      await task.working("thinking");
      if (text.startsWith("fail")) return task.fail("it broke");
      if (text.startsWith("input")) return task.inputRequired("need more");
      await task.artifact({ artifactId: "result", parts: [{ text: `result: ${text}` }] });
      await task.complete("done");
    },
    ...overrides,
  });
  return { a2a, clock, runs, tenants };
}

type Env = ReturnType<typeof setup>;

/** Sends one message over REST, one second after the previous one; returns the task. */
async function sendTask(
  env: Env,
  prefix: string,
  text: string,
  extra: Record<string, unknown> = {},
  configuration?: Record<string, unknown>,
): Promise<Json> {
  env.clock.t += 1000;
  const body: Record<string, unknown> = { message: userMessage(text, extra) };
  if (configuration) body.configuration = configuration;
  const result = await ok(env.a2a, "POST", `${prefix}/message:send`, { body });
  expect(Object.keys(result)).toEqual(["task"]);
  return result.task;
}

/** Starts a "hold" task (returned at once) and waits until the agent is WORKING. */
async function holdTask(env: Env, prefix: string): Promise<{ task: Json; run: Run }> {
  const before = env.runs.length;
  const task = await sendTask(env, prefix, "hold on", {}, { returnImmediately: true });
  await until(() => env.runs.length === before + 1);
  return { task, run: env.runs[before]! };
}

/** JSON-RPC GetTask in a tenant (the same store the REST routes use). */
function rpcGetTask(a2a: A2A, id: string, tenant: string): Promise<Json> {
  return rpc(a2a, "GetTask", { id, tenant });
}

/** Every stored task in the given tenants, in full, via JSON-RPC ListTasks. */
async function snapshot(a2a: A2A, tenants: string[]): Promise<Json> {
  const out: Record<string, Json> = {};
  for (const tenant of tenants) {
    const body = await rpc(a2a, "ListTasks", { tenant, includeArtifacts: true, pageSize: 100 });
    expect(body.error).toBeUndefined();
    out[tenant] = body.result;
  }
  return out;
}

const SCOPES = [
  { name: "without tenant", prefix: "", tenant: "", otherPrefix: "/zzz", otherTenant: "zzz" },
  { name: "with tenant /acme", prefix: "/acme", tenant: "acme", otherPrefix: "", otherTenant: "" },
];

// ---------------------------------------------------------------------------------------
// The routes, with and without a tenant
// ---------------------------------------------------------------------------------------

describe.each(SCOPES)("HTTP+JSON routes $name", (scope) => {
  const { prefix, tenant, otherPrefix, otherTenant } = scope;

  describe("POST /message:send", () => {
    it("answers with the task, stored under the path's tenant", async () => {
      const env = setup();
      const message = userMessage("ok one");
      const response = await call(env.a2a, "POST", `${prefix}/message:send`, {
        body: { message },
        headers: { "content-type": "application/json" },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(A2A_JSON);
      const body = await response.json();
      expect(Object.keys(body)).toEqual(["task"]);
      const { task } = body;
      expect(task.status.state).toBe("TASK_STATE_COMPLETED");
      expect(task.status.timestamp).toBe(iso(0));
      expect(task.artifacts).toEqual([
        { artifactId: "result", parts: [{ text: "result: ok one" }] },
      ]);
      expect(task.history).toHaveLength(3);
      expect(task.history[0]).toEqual({ ...message, contextId: task.contextId, taskId: task.id });
      expect(task.history[1].role).toBe("ROLE_AGENT");
      expect(task.history[1].parts).toEqual([{ text: "thinking" }]);
      expect(task.history[2].parts).toEqual([{ text: "done" }]);
      expect(env.tenants).toEqual([tenant]);

      const stored = await rpcGetTask(env.a2a, task.id, tenant);
      expect(stored.result).toEqual(task);
      const elsewhere = await rpcGetTask(env.a2a, task.id, otherTenant);
      expect(elsewhere.error.code).toBe(-32001);
    });

    it("answers with the agent's Message and creates no task", async () => {
      const env = setup();
      const message = userMessage("hello");
      const body = await ok(env.a2a, "POST", `${prefix}/message:send`, { body: { message } });
      expect(Object.keys(body)).toEqual(["message"]);
      expect(body.message).toEqual({
        messageId: "reply-1",
        role: "ROLE_AGENT",
        parts: [{ text: "hi" }],
        contextId: body.message.contextId,
      });
      expect(typeof body.message.contextId).toBe("string");
      const list = await ok(env.a2a, "GET", `${prefix}/tasks`);
      expect(list).toEqual({ tasks: [], nextPageToken: "", pageSize: 50, totalSize: 0 });
    });

    it("returnImmediately answers with the SUBMITTED task while the agent goes on", async () => {
      const env = setup();
      const { task, run } = await holdTask(env, prefix);
      expect(task.status.state).toBe("TASK_STATE_SUBMITTED");
      expect(task.history).toHaveLength(1);
      expect(task.history[0].parts).toEqual([{ text: "hold on" }]);
      expect(task.artifacts).toBeUndefined();

      const working = await ok(env.a2a, "GET", `${prefix}/tasks/${task.id}`);
      expect(working.status.state).toBe("TASK_STATE_WORKING");
      run.artifact();
      run.finish();
      await run.returned;
      await until(() => env.a2a.stats().activeExecutions === 0);
      const done = await ok(env.a2a, "GET", `${prefix}/tasks/${task.id}`);
      expect(done.status.state).toBe("TASK_STATE_COMPLETED");
      expect(done.artifacts).toEqual([
        { artifactId: "result", parts: [{ text: "result: hold on" }] },
      ]);
    });

    it("configuration.historyLength limits the history in the answer only", async () => {
      const env = setup();
      const one = await sendTask(env, prefix, "ok one", {}, { historyLength: 1 });
      expect(one.status.state).toBe("TASK_STATE_COMPLETED");
      expect(one.history).toHaveLength(1);
      expect(one.history[0].parts).toEqual([{ text: "done" }]);
      const none = await sendTask(env, prefix, "ok two", {}, { historyLength: 0 });
      expect("history" in none).toBe(false);
      expect(none.artifacts).toHaveLength(1);
      // The stored tasks keep their whole history.
      expect((await ok(env.a2a, "GET", `${prefix}/tasks/${one.id}`)).history).toHaveLength(3);
      expect((await ok(env.a2a, "GET", `${prefix}/tasks/${none.id}`)).history).toHaveLength(3);
    });
  });

  describe("POST /message:stream", () => {
    it("streams bare StreamResponse events in order and closes at the terminal state", async () => {
      const env = setup();
      const response = await call(env.a2a, "POST", `${prefix}/message:stream`, {
        body: { message: userMessage("ok stream") },
      });
      expectSseHeaders(response);
      const text = await response.text(); // resolves only once the stream is closed
      expect(text.startsWith(": stream open\n\n")).toBe(true);
      const { events } = parseSse(text);
      expect(events.map(kindOf)).toEqual([
        "task",
        "statusUpdate",
        "artifactUpdate",
        "statusUpdate",
      ]);
      for (const event of events) expect(event.jsonrpc).toBeUndefined();
      const taskId = events[0].task.id;
      expect(events[0].task.status.state).toBe("TASK_STATE_SUBMITTED");
      expect(events[0].task.history).toHaveLength(1);
      expect(events[1].statusUpdate.taskId).toBe(taskId);
      expect(events[1].statusUpdate.status.state).toBe("TASK_STATE_WORKING");
      expect(events[2].artifactUpdate.artifact).toEqual({
        artifactId: "result",
        parts: [{ text: "result: ok stream" }],
      });
      expect(events[3].statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
      await until(() => env.a2a.stats().subscribers === 0);
      await until(() => env.a2a.stats().activeExecutions === 0);
      const stored = await rpcGetTask(env.a2a, taskId, tenant);
      expect(stored.result.status.state).toBe("TASK_STATE_COMPLETED");
      expect(env.tenants).toEqual([tenant]);
    });

    it("closes at an interrupted state", async () => {
      const env = setup();
      const response = await call(env.a2a, "POST", `${prefix}/message:stream`, {
        body: { message: userMessage("input please") },
      });
      expectSseHeaders(response);
      const events = parseSse(await response.text()).events;
      expect(events.map(kindOf)).toEqual(["task", "statusUpdate", "statusUpdate"]);
      expect(events[2].statusUpdate.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    });

    it("streams the task, completed by the agent's single Message", async () => {
      const env = setup();
      const response = await call(env.a2a, "POST", `${prefix}/message:stream`, {
        body: { message: userMessage("hello") },
      });
      expectSseHeaders(response);
      const events = parseSse(await response.text()).events;
      expect(events.map(kindOf)).toEqual(["task", "statusUpdate"]);
      const answer = events[1].statusUpdate.status.message;
      expect(events[1].statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
      expect(answer.parts).toEqual([{ text: "hi" }]);
      expect(answer.role).toBe("ROLE_AGENT");
    });

    it("answers errors before the first event with a plain Status JSON, not SSE", async () => {
      const env = setup();
      const missing = await call(env.a2a, "POST", `${prefix}/message:stream`, {
        body: { message: userMessage("ok", { taskId: "no-such-task" }) },
      });
      const body = await expectStatusError(missing, 404, "NOT_FOUND", "TASK_NOT_FOUND");
      expect(body.error.details[0].metadata.taskId).toBe("no-such-task");
      const invalid = await call(env.a2a, "POST", `${prefix}/message:stream`, {
        body: { message: { ...userMessage("ok"), role: "user" } },
      });
      await expectInvalidParams(invalid, ["message.role"]);
      expect(env.tenants).toEqual([]);
      expect(env.a2a.stats()).toEqual({ activeExecutions: 0, subscribers: 0 });
    });
  });

  describe("GET /tasks/{id}", () => {
    it("returns the task; historyLength 0 omits the history and 1 keeps the last message", async () => {
      const env = setup();
      const task = await sendTask(env, prefix, "ok one");
      expect(await ok(env.a2a, "GET", `${prefix}/tasks/${task.id}`)).toEqual(task);
      const none = await ok(env.a2a, "GET", `${prefix}/tasks/${task.id}?historyLength=0`);
      const { history, ...rest } = task;
      expect(none).toEqual(rest);
      const one = await ok(env.a2a, "GET", `${prefix}/tasks/${task.id}?historyLength=1`);
      expect(one).toEqual({ ...task, history: [history[2]] });
      const all = await ok(env.a2a, "GET", `${prefix}/tasks/${task.id}?historyLength=10`);
      expect(all).toEqual(task);
    });

    it("answers 404 TASK_NOT_FOUND for an unknown task or a task of another tenant", async () => {
      const env = setup();
      const response = await call(env.a2a, "GET", `${prefix}/tasks/nope`);
      const body = await expectStatusError(response, 404, "NOT_FOUND", "TASK_NOT_FOUND");
      expect(body.error.details[0].metadata.taskId).toBe("nope");
      const other = await sendTask(env, otherPrefix, "ok other");
      await expectStatusError(
        await call(env.a2a, "GET", `${prefix}/tasks/${other.id}`),
        404,
        "NOT_FOUND",
        "TASK_NOT_FOUND",
      );
    });

    it("rejects a bad historyLength naming the field", async () => {
      const env = setup();
      const task = await sendTask(env, prefix, "ok one");
      for (const value of ["abc", "-1", "1.5"]) {
        await expectInvalidParams(
          await call(env.a2a, "GET", `${prefix}/tasks/${task.id}?historyLength=${value}`),
          ["historyLength"],
        );
      }
    });
  });

  describe("GET /tasks", () => {
    /** Five tasks one second apart (contexts c1, c2 alternating), plus one in another tenant. */
    async function fiveTasks(env: Env) {
      const texts = ["ok one", "fail two", "input three", "ok four", "input five"];
      const tasks: Json[] = [];
      for (const [i, text] of texts.entries()) {
        tasks.push(await sendTask(env, prefix, text, { contextId: i % 2 === 0 ? "c1" : "c2" }));
      }
      await sendTask(env, otherPrefix, "ok elsewhere", { contextId: "c1" });
      return tasks;
    }

    const idsOf = (list: Json): string[] => list.tasks.map((task: Json) => task.id);

    it("lists the tenant's tasks newest first, without artifacts by default", async () => {
      const env = setup();
      const tasks = await fiveTasks(env);
      const list = await ok(env.a2a, "GET", `${prefix}/tasks`);
      expect(Object.keys(list).sort()).toEqual(["nextPageToken", "pageSize", "tasks", "totalSize"]);
      expect(idsOf(list)).toEqual(tasks.map((t) => t.id).reverse());
      expect(list.nextPageToken).toBe("");
      expect(list.pageSize).toBe(50);
      expect(list.totalSize).toBe(5);
      for (const task of list.tasks) expect(task.artifacts).toBeUndefined();
      const { artifacts: _a, ...first } = tasks[0];
      expect(list.tasks[4]).toEqual(first);
    });

    it("applies each filter", async () => {
      const env = setup();
      const [t1, t2, t3, t4, t5] = await fiveTasks(env);
      const list = (query: string) => ok(env.a2a, "GET", `${prefix}/tasks?${query}`);

      const byContext = await list("contextId=c1");
      expect(idsOf(byContext)).toEqual([t5.id, t3.id, t1.id]);
      expect(byContext.totalSize).toBe(3);
      expect(idsOf(await list("contextId=c2"))).toEqual([t4.id, t2.id]);
      expect(idsOf(await list("contextId=none"))).toEqual([]);

      expect(idsOf(await list("status=TASK_STATE_INPUT_REQUIRED"))).toEqual([t5.id, t3.id]);
      expect(idsOf(await list("status=TASK_STATE_FAILED"))).toEqual([t2.id]);
      expect(idsOf(await list("contextId=c1&status=TASK_STATE_COMPLETED"))).toEqual([t1.id]);

      const after = new URLSearchParams({ statusTimestampAfter: iso(3) }).toString();
      expect(idsOf(await list(after))).toEqual([t5.id, t4.id, t3.id]);

      const noHistory = await list("historyLength=0");
      expect(idsOf(noHistory)).toEqual([t5.id, t4.id, t3.id, t2.id, t1.id]);
      for (const task of noHistory.tasks) expect("history" in task).toBe(false);
      const oneMessage = await list("historyLength=1");
      for (const task of oneMessage.tasks) expect(task.history).toHaveLength(1);
      expect(oneMessage.tasks[4].history).toEqual([t1.history[2]]);

      const withArtifacts = await list("includeArtifacts=true");
      expect(withArtifacts.tasks[1].artifacts).toEqual(t4.artifacts);
      expect(withArtifacts.tasks[4].artifacts).toEqual(t1.artifacts);
      expect(withArtifacts.tasks[4]).toEqual(t1);
      for (const query of ["includeArtifacts=false", ""]) {
        const without = await list(query);
        expect(idsOf(without)).toEqual([t5.id, t4.id, t3.id, t2.id, t1.id]);
        for (const task of without.tasks) expect("artifacts" in task).toBe(false);
      }
    });

    it("pages through all tasks until nextPageToken is empty", async () => {
      const env = setup();
      const tasks = await fiveTasks(env);
      const seen: string[] = [];
      const tokens: string[] = [];
      let token = "";
      do {
        const query = new URLSearchParams({ pageSize: "2" });
        if (token) query.set("pageToken", token);
        const page = await ok(env.a2a, "GET", `${prefix}/tasks?${query}`);
        expect(page.pageSize).toBe(2);
        expect(page.totalSize).toBe(5);
        seen.push(...idsOf(page));
        token = page.nextPageToken;
        tokens.push(token);
      } while (token !== "" && tokens.length < 10);
      expect(seen).toEqual(tasks.map((t) => t.id).reverse());
      expect(tokens).toHaveLength(3);
      expect(tokens[2]).toBe("");

      // A filtered walk keeps its filter.
      const filtered: string[] = [];
      token = "";
      let pages = 0;
      do {
        const query = new URLSearchParams({ pageSize: "1", contextId: "c1" });
        if (token) query.set("pageToken", token);
        const page = await ok(env.a2a, "GET", `${prefix}/tasks?${query}`);
        expect(page.totalSize).toBe(3);
        filtered.push(...idsOf(page));
        token = page.nextPageToken;
        pages++;
      } while (token !== "" && pages < 10);
      expect(pages).toBe(3);
      expect(filtered).toEqual([tasks[4].id, tasks[2].id, tasks[0].id]);
    });

    it.each([
      ["pageSize=0", "pageSize"],
      ["pageSize=101", "pageSize"],
      ["pageSize=abc", "pageSize"],
      ["pageSize=1.5", "pageSize"],
      ["historyLength=-1", "historyLength"],
      ["historyLength=x", "historyLength"],
      ["status=TASK_STATE_BOGUS", "status"],
      ["status=working", "status"],
      ["statusTimestampAfter=yesterday", "statusTimestampAfter"],
      ["includeArtifacts=yes", "includeArtifacts"],
      ["includeArtifacts=TRUE", "includeArtifacts"],
      ["includeArtifacts=1", "includeArtifacts"],
      ["pageToken=not-a-token", "pageToken"],
    ])("rejects ?%s with 400 naming %s", async (query, field) => {
      const env = setup();
      await sendTask(env, prefix, "ok one");
      const before = await snapshot(env.a2a, [tenant, otherTenant]);
      await expectInvalidParams(await call(env.a2a, "GET", `${prefix}/tasks?${query}`), [field]);
      expect(await snapshot(env.a2a, [tenant, otherTenant])).toEqual(before);
    });
  });

  describe("POST /tasks/{id}:cancel", () => {
    it.each([
      ["an empty body", { raw: "", headers: { "content-type": A2A_JSON } }],
      ["no body and no content type", {}],
      ["a body with metadata", { body: { metadata: { reason: "user asked", n: 1 } } }],
      ["an empty object", { body: {} }],
      ["an id in the body (the path wins)", { body: { id: "other-id" } }],
    ] as Array<[string, CallOptions]>)(
      "cancels a running task given %s, and the agent's signal fires",
      async (_label, options) => {
        const env = setup();
        const { task, run } = await holdTask(env, prefix);
        expect(run.signal.aborted).toBe(false);
        const canceled = await ok(env.a2a, "POST", `${prefix}/tasks/${task.id}:cancel`, options);
        expect(canceled.id).toBe(task.id);
        expect(canceled.contextId).toBe(task.contextId);
        expect(canceled.status.state).toBe("TASK_STATE_CANCELED");
        expect(run.signal.aborted).toBe(true);
        expect((run.signal.reason as Error).name).toBe("AbortError");
        await run.returned;
        await until(() => env.a2a.stats().activeExecutions === 0);
        const stored = await rpcGetTask(env.a2a, task.id, tenant);
        expect(stored.result.status.state).toBe("TASK_STATE_CANCELED");
        expect(stored.result.artifacts).toBeUndefined();
        expect(stored.result).toEqual(canceled);
      },
    );

    it("answers 400 TASK_NOT_CANCELABLE for a finished task and 404 for an unknown one", async () => {
      const env = setup();
      const task = await sendTask(env, prefix, "ok one");
      const before = await snapshot(env.a2a, [tenant, otherTenant]);
      const finished = await call(env.a2a, "POST", `${prefix}/tasks/${task.id}:cancel`);
      const body = await expectStatusError(
        finished,
        400,
        "FAILED_PRECONDITION",
        "TASK_NOT_CANCELABLE",
      );
      expect(body.error.details[0].metadata.taskId).toBe(task.id);
      expect(body.error.details[0].metadata.state).toBe("TASK_STATE_COMPLETED");
      const unknown = await call(env.a2a, "POST", `${prefix}/tasks/nope:cancel`, { body: {} });
      const missing = await expectStatusError(unknown, 404, "NOT_FOUND", "TASK_NOT_FOUND");
      expect(missing.error.details[0].metadata.taskId).toBe("nope");
      const elsewhere = await call(env.a2a, "POST", `${otherPrefix}/tasks/${task.id}:cancel`);
      await expectStatusError(elsewhere, 404, "NOT_FOUND", "TASK_NOT_FOUND");
      expect(await snapshot(env.a2a, [tenant, otherTenant])).toEqual(before);
    });

    it("cancels a task waiting for input (no agent running)", async () => {
      const env = setup();
      const task = await sendTask(env, prefix, "input please");
      expect(task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
      const canceled = await ok(env.a2a, "POST", `${prefix}/tasks/${task.id}:cancel`);
      expect(canceled.status.state).toBe("TASK_STATE_CANCELED");
      expect((await ok(env.a2a, "GET", `${prefix}/tasks/${task.id}`)).status.state).toBe(
        "TASK_STATE_CANCELED",
      );
    });
  });

  describe("/tasks/{id}:subscribe", () => {
    it.each([
      ["GET", {}],
      ["POST", {}],
      ["POST", { body: {} }],
    ] as Array<[string, CallOptions]>)(
      "%s %j starts with the Task, relays the events and closes at the terminal state",
      async (method, options) => {
        const env = setup();
        const { task, run } = await holdTask(env, prefix);
        const response = await call(
          env.a2a,
          method,
          `${prefix}/tasks/${task.id}:subscribe`,
          options,
        );
        expectSseHeaders(response);
        expect(env.a2a.stats().subscribers).toBe(1);
        const events = sseEvents(response);
        const first = await events.next();
        expect(kindOf(first.value)).toBe("task");
        expect(first.value.task.id).toBe(task.id);
        expect(first.value.task.status.state).toBe("TASK_STATE_WORKING");
        expect(first.value.task.history).toHaveLength(1);
        run.artifact();
        const second = await events.next();
        expect(kindOf(second.value)).toBe("artifactUpdate");
        expect(second.value.artifactUpdate.taskId).toBe(task.id);
        expect(second.value.artifactUpdate.artifact.artifactId).toBe("result");
        run.finish();
        const third = await events.next();
        expect(kindOf(third.value)).toBe("statusUpdate");
        expect(third.value.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
        expect(third.value.jsonrpc).toBeUndefined();
        expect((await events.next()).done).toBe(true);
        await until(() => env.a2a.stats().subscribers === 0);
      },
    );

    it("opens with a comment and ends when the task is canceled", async () => {
      const env = setup();
      const task = await sendTask(env, prefix, "input please");
      const response = await call(env.a2a, "GET", `${prefix}/tasks/${task.id}:subscribe`);
      expectSseHeaders(response);
      await ok(env.a2a, "POST", `${prefix}/tasks/${task.id}:cancel`);
      const text = await response.text();
      expect(text.startsWith(": stream open\n\n")).toBe(true);
      const { events } = parseSse(text);
      expect(events.map(kindOf)).toEqual(["task", "statusUpdate"]);
      expect(events[0].task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
      expect(events[1].statusUpdate.status.state).toBe("TASK_STATE_CANCELED");
      await until(() => env.a2a.stats().subscribers === 0);
    });

    it.each(["GET", "POST"])(
      "%s answers a finished task with 400 UNSUPPORTED_OPERATION as plain JSON, and unknown with 404",
      async (method) => {
        const env = setup();
        const task = await sendTask(env, prefix, "ok one");
        const finished = await call(env.a2a, method, `${prefix}/tasks/${task.id}:subscribe`);
        const body = await expectStatusError(
          finished,
          400,
          "FAILED_PRECONDITION",
          "UNSUPPORTED_OPERATION",
        );
        expect(body.error.details[0].metadata.taskId).toBe(task.id);
        const unknown = await call(env.a2a, method, `${prefix}/tasks/nope:subscribe`);
        await expectStatusError(unknown, 404, "NOT_FOUND", "TASK_NOT_FOUND");
        const elsewhere = await call(env.a2a, method, `${otherPrefix}/tasks/${task.id}:subscribe`);
        await expectStatusError(elsewhere, 404, "NOT_FOUND", "TASK_NOT_FOUND");
        expect(env.a2a.stats().subscribers).toBe(0);
      },
    );
  });

  describe("push notification config routes", () => {
    it.each([
      ["POST", "/tasks/t-1/pushNotificationConfigs", { url: "https://example.com/hook" }],
      ["GET", "/tasks/t-1/pushNotificationConfigs", undefined],
      ["GET", "/tasks/t-1/pushNotificationConfigs/cfg-1", undefined],
      ["DELETE", "/tasks/t-1/pushNotificationConfigs/cfg-1", undefined],
    ])("%s %s answers 400 PUSH_NOTIFICATION_NOT_SUPPORTED", async (method, path, body) => {
      const env = setup();
      const response = await call(env.a2a, method, `${prefix}${path}`, { body });
      await expectStatusError(
        response,
        400,
        "FAILED_PRECONDITION",
        "PUSH_NOTIFICATION_NOT_SUPPORTED",
      );
    });

    it("a send asking for push notifications answers 400 PUSH_NOTIFICATION_NOT_SUPPORTED", async () => {
      const env = setup();
      const response = await call(env.a2a, "POST", `${prefix}/message:send`, {
        body: {
          message: userMessage("ok"),
          configuration: { taskPushNotificationConfig: { url: "https://example.com/hook" } },
        },
      });
      await expectStatusError(
        response,
        400,
        "FAILED_PRECONDITION",
        "PUSH_NOTIFICATION_NOT_SUPPORTED",
      );
      expect(env.tenants).toEqual([]);
    });
  });

  describe("GET /extendedAgentCard", () => {
    it("answers 400 UNSUPPORTED_OPERATION by default", async () => {
      const env = setup();
      const response = await call(env.a2a, "GET", `${prefix}/extendedAgentCard`);
      await expectStatusError(response, 400, "FAILED_PRECONDITION", "UNSUPPORTED_OPERATION");
    });

    it("answers 400 EXTENDED_AGENT_CARD_NOT_CONFIGURED when the card declares one", async () => {
      const env = setup({
        card: { ...testCard, capabilities: { extendedAgentCard: true } },
      });
      const response = await call(env.a2a, "GET", `${prefix}/extendedAgentCard`);
      await expectStatusError(
        response,
        400,
        "FAILED_PRECONDITION",
        "EXTENDED_AGENT_CARD_NOT_CONFIGURED",
      );
    });
  });

  describe("wrong methods and unknown routes", () => {
    it.each([
      ["DELETE", "/tasks", "GET, HEAD"],
      ["POST", "/tasks", "GET, HEAD"],
      ["GET", "/message:send", "POST"],
      ["PUT", "/message:send", "POST"],
      ["GET", "/message:stream", "POST"],
      ["PUT", "/tasks/x:subscribe", "GET, HEAD, POST"],
      ["DELETE", "/tasks/x:subscribe", "GET, HEAD, POST"],
      ["GET", "/tasks/x:cancel", "POST"],
      ["POST", "/tasks/x", "GET, HEAD"],
      ["DELETE", "/tasks/x", "GET, HEAD"],
      ["DELETE", "/tasks/x/pushNotificationConfigs", "GET, HEAD, POST"],
      ["POST", "/tasks/x/pushNotificationConfigs/c", "GET, HEAD, DELETE"],
      ["PATCH", "/tasks/x/pushNotificationConfigs/c", "GET, HEAD, DELETE"],
      ["POST", "/extendedAgentCard", "GET, HEAD"],
    ])("%s %s answers 405 with Allow: %s", async (method, path, allow) => {
      const env = setup();
      const task = await sendTask(env, prefix, "input please");
      const before = await snapshot(env.a2a, [tenant, otherTenant]);
      const response = await call(env.a2a, method, `${prefix}${withTask(path, task.id)}`);
      expect(response.headers.get("allow")).toBe(allow);
      const body = await expectStatusError(response, 405, "UNIMPLEMENTED", "INVALID_REQUEST");
      expect(body.error.details).toHaveLength(1);
      expect(env.tenants).toEqual([tenant]);
      expect(await snapshot(env.a2a, [tenant, otherTenant])).toEqual(before);
    });

    it.each([
      "/nope/deeper/path/x",
      "/tasks/x/unknown",
      "/tasks/x/pushNotificationConfigs/c/extra",
      "/message:other",
      "/messages:send",
      "/nope",
      "/tasks/x/y/z/w",
    ])("%s answers 404 with a Status body", async (path) => {
      const env = setup();
      const task = await sendTask(env, prefix, "input please");
      const before = await snapshot(env.a2a, [tenant, otherTenant]);
      const target = `${prefix}${withTask(path, task.id)}`;
      const response = await call(env.a2a, "GET", target);
      const body = await expectStatusError(response, 404, "NOT_FOUND", "METHOD_NOT_FOUND");
      expect(body.error.details).toHaveLength(1);
      const post = await call(env.a2a, "POST", target, { body: { message: userMessage("x") } });
      await expectStatusError(post, 404, "NOT_FOUND", "METHOD_NOT_FOUND");
      expect(env.tenants).toEqual([tenant]);
      expect(await snapshot(env.a2a, [tenant, otherTenant])).toEqual(before);
    });
  });
});

// ---------------------------------------------------------------------------------------
// Bad input on every route that reads a body, store unchanged
// ---------------------------------------------------------------------------------------

interface BodyRoute {
  name: string;
  path: (taskId: string) => string;
  /** A body of a wrong type, and the field the error names; none when every field comes from the path. */
  wrongType?: { body: unknown; field: string };
}

const BODY_ROUTES: BodyRoute[] = [
  {
    name: "POST /message:send",
    path: () => "/message:send",
    wrongType: { body: { message: { ...userMessage("x"), role: "user" } }, field: "message.role" },
  },
  {
    name: "POST /message:stream",
    path: () => "/message:stream",
    wrongType: { body: { message: { ...userMessage("x"), parts: "x" } }, field: "message.parts" },
  },
  {
    name: "POST /tasks/{id}:cancel",
    path: (id) => `/tasks/${id}:cancel`,
    wrongType: { body: { metadata: 5 }, field: "metadata" },
  },
  { name: "POST /tasks/{id}:subscribe", path: (id) => `/tasks/${id}:subscribe` },
  {
    name: "POST /tasks/{id}/pushNotificationConfigs",
    path: (id) => `/tasks/${id}/pushNotificationConfigs`,
    wrongType: { body: { url: 5 }, field: "url" },
  },
];

describe.each(SCOPES)("HTTP+JSON bad input $name", (scope) => {
  const { prefix, tenant, otherTenant } = scope;

  /** An agent with a small body limit and one finished task in each tenant. */
  async function prepared() {
    const env = setup({ maxBodyBytes: 256 });
    const task = await sendTask(env, prefix, "ok one");
    await sendTask(env, scope.otherPrefix, "ok other");
    const tenants = [tenant, otherTenant];
    const before = await snapshot(env.a2a, tenants);
    const runsBefore = env.tenants.length;
    const unchanged = async () => {
      expect(await snapshot(env.a2a, tenants)).toEqual(before);
      expect(env.tenants).toHaveLength(runsBefore);
      expect(env.a2a.stats()).toEqual({ activeExecutions: 0, subscribers: 0 });
    };
    return { env, task, unchanged };
  }

  describe.each(BODY_ROUTES)("$name", (route) => {
    it("answers bad JSON with 400 JSON_PARSE", async () => {
      const { env, task, unchanged } = await prepared();
      for (const raw of ['{"message":', "{'a': 1}", "nul"]) {
        const response = await call(env.a2a, "POST", `${prefix}${route.path(task.id)}`, {
          raw,
          headers: { "content-type": A2A_JSON },
        });
        const body = await expectStatusError(response, 400, "INVALID_ARGUMENT", "JSON_PARSE");
        expect(body.error.details).toHaveLength(1);
      }
      await unchanged();
    });

    it("answers a non-JSON content type with 415 CONTENT_TYPE_NOT_SUPPORTED", async () => {
      const { env, task, unchanged } = await prepared();
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "text/json"]) {
        const response = await call(env.a2a, "POST", `${prefix}${route.path(task.id)}`, {
          raw: JSON.stringify({ message: userMessage("x") }),
          headers: { "content-type": contentType },
        });
        const body = await expectStatusError(
          response,
          415,
          "INVALID_ARGUMENT",
          "CONTENT_TYPE_NOT_SUPPORTED",
        );
        expect(body.error.details[0].metadata.contentType).toBe(contentType);
      }
      await unchanged();
    });

    it("answers a body that is not an object with 400 INVALID_PARAMS", async () => {
      const { env, task, unchanged } = await prepared();
      for (const raw of ["[]", "[1,2]", "42", '"text"', "null", "true"]) {
        const response = await call(env.a2a, "POST", `${prefix}${route.path(task.id)}`, {
          raw,
          headers: { "content-type": "application/json" },
        });
        await expectInvalidParams(response, [""]);
      }
      await unchanged();
    });

    it("answers a body over maxBodyBytes with 413", async () => {
      const { env, task, unchanged } = await prepared();
      const response = await call(env.a2a, "POST", `${prefix}${route.path(task.id)}`, {
        body: { message: userMessage("x".repeat(1000)) },
      });
      const body = await expectStatusError(response, 413, "INVALID_ARGUMENT", "INVALID_REQUEST");
      expect(body.error.details[0].metadata.maxBytes).toBe("256");
      await unchanged();
    });

    it("answers a declared Content-Length over maxBodyBytes with 413", async () => {
      const { env, task, unchanged } = await prepared();
      const response = await call(env.a2a, "POST", `${prefix}${route.path(task.id)}`, {
        raw: "{}",
        headers: { "content-type": A2A_JSON, "content-length": "100000" },
      });
      const body = await expectStatusError(response, 413, "INVALID_ARGUMENT", "INVALID_REQUEST");
      expect(body.error.details[0].metadata.maxBytes).toBe("256");
      await unchanged();
    });
  });

  describe.each(BODY_ROUTES.filter((route) => route.wrongType !== undefined))("$name", (route) => {
    it("answers a field of the wrong type with 400 INVALID_PARAMS naming it", async () => {
      const { env, task, unchanged } = await prepared();
      const response = await call(env.a2a, "POST", `${prefix}${route.path(task.id)}`, {
        body: route.wrongType!.body,
      });
      await expectInvalidParams(response, [route.wrongType!.field]);
      await unchanged();
    });
  });

  it("GET /tasks/{id} with a bad historyLength leaves the store unchanged", async () => {
    const { env, task, unchanged } = await prepared();
    await expectInvalidParams(
      await call(env.a2a, "GET", `${prefix}/tasks/${task.id}?historyLength=-2`),
      ["historyLength"],
    );
    await unchanged();
  });

  it("POST /message:send names every invalid field of the message", async () => {
    const { env, unchanged } = await prepared();
    const response = await call(env.a2a, "POST", `${prefix}/message:send`, {
      body: { message: { messageId: "", role: "ROLE_BOT", parts: [] } },
    });
    const body = await expectStatusError(response, 400, "INVALID_ARGUMENT", "INVALID_PARAMS");
    const fields = body.error.details[1].fieldViolations.map((v: Json) => v.field).sort();
    expect(fields).toEqual(["message.messageId", "message.parts", "message.role"]);
    const missing = await call(env.a2a, "POST", `${prefix}/message:send`, { body: {} });
    await expectInvalidParams(missing, ["message"]);
    await unchanged();
  });

  it("accepts and drops unknown fields, storing none of them", async () => {
    const env = setup();
    const message = userMessage("ok one");
    const response = await ok(env.a2a, "POST", `${prefix}/message:send`, {
      body: {
        message: { ...message, bogus: 1, parts: [{ text: "ok one", color: "red" }] },
        configuration: { unknownOption: true },
        extra: { nested: [1, 2] },
      },
    });
    const { task } = response;
    expect(task.status.state).toBe("TASK_STATE_COMPLETED");
    const stored = await rpcGetTask(env.a2a, task.id, tenant);
    expect(stored.result.history[0]).toEqual({
      messageId: message.messageId,
      role: "ROLE_USER",
      parts: [{ text: "ok one" }],
      contextId: task.contextId,
      taskId: task.id,
    });
    expect(Object.keys(stored.result).sort()).toEqual([
      "artifacts",
      "contextId",
      "history",
      "id",
      "status",
    ]);
    expect(stored.result).toEqual(task);

    const listed = await ok(env.a2a, "GET", `${prefix}/tasks?bogus=1&includeArtifacts=true`);
    expect(listed.tasks).toEqual([task]);
    expect(await ok(env.a2a, "GET", `${prefix}/tasks/${task.id}?bogus=1`)).toEqual(task);

    const input = await sendTask(env, prefix, "input please");
    const canceled = await ok(env.a2a, "POST", `${prefix}/tasks/${input.id}:cancel`, {
      body: { metadata: {}, bogus: true },
    });
    expect(canceled.status.state).toBe("TASK_STATE_CANCELED");
    expect(Object.keys(canceled).sort()).toEqual(["contextId", "history", "id", "status"]);
  });

  it("answers percent-encoding that does not decode with 400 INVALID_REQUEST", async () => {
    const { env, unchanged } = await prepared();
    const response = await call(env.a2a, "GET", `${prefix}/tasks/%E0%A4%A`);
    await expectStatusError(response, 400, "INVALID_ARGUMENT", "INVALID_REQUEST");
    await unchanged();
  });
});

// ---------------------------------------------------------------------------------------
// Tenants, encoding and the other binding
// ---------------------------------------------------------------------------------------

describe("HTTP+JSON tenants", () => {
  it("keeps a task created under /acme invisible under /other and without a tenant", async () => {
    const env = setup();
    const task = await sendTask(env, "/acme", "input please");
    expect(env.tenants).toEqual(["acme"]);
    for (const prefix of ["/other", ""]) {
      await expectStatusError(
        await call(env.a2a, "GET", `${prefix}/tasks/${task.id}`),
        404,
        "NOT_FOUND",
        "TASK_NOT_FOUND",
      );
      expect((await ok(env.a2a, "GET", `${prefix}/tasks`)).tasks).toEqual([]);
      await expectStatusError(
        await call(env.a2a, "POST", `${prefix}/tasks/${task.id}:cancel`),
        404,
        "NOT_FOUND",
        "TASK_NOT_FOUND",
      );
      await expectStatusError(
        await call(env.a2a, "GET", `${prefix}/tasks/${task.id}:subscribe`),
        404,
        "NOT_FOUND",
        "TASK_NOT_FOUND",
      );
      await expectStatusError(
        await call(env.a2a, "POST", `${prefix}/message:send`, {
          body: { message: userMessage("more", { taskId: task.id }) },
        }),
        404,
        "NOT_FOUND",
        "TASK_NOT_FOUND",
      );
    }
    const stored = await ok(env.a2a, "GET", `/acme/tasks/${task.id}`);
    expect(stored.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    expect((await ok(env.a2a, "GET", "/acme/tasks")).tasks.map((t: Json) => t.id)).toEqual([
      task.id,
    ]);
  });

  it("keeps a task created without a tenant invisible under /acme", async () => {
    const env = setup();
    const task = await sendTask(env, "", "ok one");
    expect(env.tenants).toEqual([""]);
    await expectStatusError(
      await call(env.a2a, "GET", `/acme/tasks/${task.id}`),
      404,
      "NOT_FOUND",
      "TASK_NOT_FOUND",
    );
    expect((await ok(env.a2a, "GET", "/acme/tasks")).tasks).toEqual([]);
    expect(await ok(env.a2a, "GET", `/tasks/${task.id}`)).toEqual(task);
  });

  it("takes the tenant from the path, not from the body or the query", async () => {
    const env = setup();
    const sent = await ok(env.a2a, "POST", "/acme/message:send", {
      body: { tenant: "other", message: userMessage("ok one") },
    });
    expect(env.tenants).toEqual(["acme"]);
    expect((await rpcGetTask(env.a2a, sent.task.id, "acme")).result.id).toBe(sent.task.id);
    expect((await rpcGetTask(env.a2a, sent.task.id, "other")).error.code).toBe(-32001);
    const listed = await ok(env.a2a, "GET", "/acme/tasks?tenant=other");
    expect(listed.tasks.map((t: Json) => t.id)).toEqual([sent.task.id]);
    expect(await ok(env.a2a, "GET", `/acme/tasks/${sent.task.id}?tenant=other`)).toEqual(sent.task);
  });

  it("round-trips a percent-encoded tenant ('team one' as /team%20one)", async () => {
    const env = setup();
    const task = await sendTask(env, "/team%20one", "ok one");
    expect(env.tenants).toEqual(["team one"]);
    expect((await rpcGetTask(env.a2a, task.id, "team one")).result).toEqual(task);
    expect(await ok(env.a2a, "GET", `/team%20one/tasks/${task.id}`)).toEqual(task);
    expect((await ok(env.a2a, "GET", "/team%20one/tasks")).totalSize).toBe(1);
    // "team%20one" (encoded as team%2520one) is another tenant.
    await expectStatusError(
      await call(env.a2a, "GET", `/team%2520one/tasks/${task.id}`),
      404,
      "NOT_FOUND",
      "TASK_NOT_FOUND",
    );
    expect((await ok(env.a2a, "GET", "/team%2520one/tasks")).totalSize).toBe(0);
  });

  it("round-trips percent-encoded task ids with reserved characters", async () => {
    let n = 0;
    const env = setup({ generateId: () => `id/${++n} x:y%?#` });
    for (const prefix of ["", "/t%2Fenant"]) {
      const input = await sendTask(env, prefix, "input please");
      expect(input.id).toMatch(/^id\/\d+ x:y%\?#$/);
      const encoded = encodeURIComponent(input.id);
      expect(await ok(env.a2a, "GET", `${prefix}/tasks/${encoded}`)).toEqual(input);
      const subscription = await call(env.a2a, "GET", `${prefix}/tasks/${encoded}:subscribe`);
      expectSseHeaders(subscription);
      const canceled = await ok(env.a2a, "POST", `${prefix}/tasks/${encoded}:cancel`);
      expect(canceled.id).toBe(input.id);
      expect(canceled.status.state).toBe("TASK_STATE_CANCELED");
      const events = parseSse(await subscription.text()).events;
      expect(events.map(kindOf)).toEqual(["task", "statusUpdate"]);
      expect(events[0].task.id).toBe(input.id);
      await expectStatusError(
        await call(env.a2a, "GET", `${prefix}/tasks/${encoded}/pushNotificationConfigs`),
        400,
        "FAILED_PRECONDITION",
        "PUSH_NOTIFICATION_NOT_SUPPORTED",
      );
    }
    expect(env.tenants).toEqual(["", "t/enant"]);
  });
});

describe("HTTP+JSON with host context", () => {
  it("scopes tasks to the principal as well as the tenant", async () => {
    const env = setup();
    const alice = { principal: { id: "alice" } };
    const bob = { principal: { id: "bob" } };
    env.clock.t += 1000;
    const sent = await ok(env.a2a, "POST", "/acme/message:send", {
      body: { message: userMessage("input please") },
      context: alice,
    });
    const id = sent.task.id;
    expect(await ok(env.a2a, "GET", `/acme/tasks/${id}`, { context: alice })).toEqual(sent.task);
    for (const context of [bob, {}]) {
      await expectStatusError(
        await call(env.a2a, "GET", `/acme/tasks/${id}`, { context }),
        404,
        "NOT_FOUND",
        "TASK_NOT_FOUND",
      );
      expect((await ok(env.a2a, "GET", "/acme/tasks", { context })).tasks).toEqual([]);
      await expectStatusError(
        await call(env.a2a, "POST", `/acme/tasks/${id}:cancel`, { context }),
        404,
        "NOT_FOUND",
        "TASK_NOT_FOUND",
      );
    }
    const canceled = await ok(env.a2a, "POST", `/acme/tasks/${id}:cancel`, { context: alice });
    expect(canceled.status.state).toBe("TASK_STATE_CANCELED");
  });

  it("uses a body the host already parsed, still checking its content type", async () => {
    const env = setup();
    const parsedBody = { message: userMessage("ok parsed") };
    const sent = await ok(env.a2a, "POST", "/acme/message:send", {
      headers: { "content-type": "application/json" },
      context: { parsedBody },
    });
    expect(sent.task.artifacts[0].parts).toEqual([{ text: "result: ok parsed" }]);
    expect(env.tenants).toEqual(["acme"]);
    const refused = await call(env.a2a, "POST", "/acme/message:send", {
      headers: { "content-type": "text/plain" },
      context: { parsedBody },
    });
    await expectStatusError(refused, 415, "INVALID_ARGUMENT", "CONTENT_TYPE_NOT_SUPPORTED");
    const notObject = await call(env.a2a, "POST", "/acme/message:send", {
      headers: { "content-type": "application/json" },
      context: { parsedBody: [parsedBody] },
    });
    await expectInvalidParams(notObject, [""]);
    expect(env.tenants).toEqual(["acme"]);
  });

  it("releases a subscription when the client goes away", async () => {
    const env = setup();
    const { task, run } = await holdTask(env, "/acme");
    const controller = new AbortController();
    const response = await call(env.a2a, "GET", `/acme/tasks/${task.id}:subscribe`, {
      context: { signal: controller.signal },
    });
    expectSseHeaders(response);
    expect(env.a2a.stats().subscribers).toBe(1);
    controller.abort();
    await until(() => env.a2a.stats().subscribers === 0);
    const events = parseSse(await response.text()).events;
    expect(events.map(kindOf)).toEqual(["task"]);
    // The task itself goes on.
    run.artifact();
    run.finish();
    await run.returned;
    await until(() => env.a2a.stats().activeExecutions === 0);
    expect((await ok(env.a2a, "GET", `/acme/tasks/${task.id}`)).status.state).toBe(
      "TASK_STATE_COMPLETED",
    );
  });
});

describe("HTTP+JSON and JSON-RPC share the store", () => {
  it.each([
    ["", ""],
    ["/acme", "acme"],
  ])("a task created via REST at '%s' is read via JSON-RPC GetTask", async (prefix, tenant) => {
    const env = setup();
    const task = await sendTask(env, prefix, "ok one");
    const got = await rpcGetTask(env.a2a, task.id, tenant);
    expect(got.result).toEqual(task);
    const listed = await rpc(env.a2a, "ListTasks", { tenant, includeArtifacts: true });
    expect(listed.result.tasks).toEqual([task]);
  });

  it.each([
    ["", ""],
    ["/acme", "acme"],
  ])(
    "a task created via JSON-RPC (tenant '%s') is read, listed and canceled via REST",
    async (prefix, tenant) => {
      const env = setup();
      const sent = await rpc(env.a2a, "SendMessage", { tenant, message: userMessage("ok one") });
      const task = sent.result.task;
      expect(await ok(env.a2a, "GET", `${prefix}/tasks/${task.id}`)).toEqual(task);
      const listed = await ok(env.a2a, "GET", `${prefix}/tasks?includeArtifacts=true`);
      expect(listed.tasks).toEqual([task]);

      const held = await rpc(env.a2a, "SendMessage", {
        tenant,
        message: userMessage("hold on"),
        configuration: { returnImmediately: true },
      });
      await until(() => env.runs.length === 1);
      const canceled = await ok(env.a2a, "POST", `${prefix}/tasks/${held.result.task.id}:cancel`);
      expect(canceled.status.state).toBe("TASK_STATE_CANCELED");
      expect(env.runs[0]!.signal.aborted).toBe(true);
      const after = await rpcGetTask(env.a2a, held.result.task.id, tenant);
      expect(after.result.status.state).toBe("TASK_STATE_CANCELED");
    },
  );
});

// ---------------------------------------------------------------------------------------
// Versions, content types, bindings, error mapping
// ---------------------------------------------------------------------------------------

describe("HTTP+JSON versions", () => {
  it.each(["1.0", "1.0.2", " 1.0 "])("accepts A2A-Version header %j", async (version) => {
    const env = setup();
    const body = await ok(env.a2a, "POST", "/message:send", {
      body: { message: userMessage("ok one") },
      headers: { "a2a-version": version },
    });
    expect(body.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(
      await ok(env.a2a, "GET", `/tasks/${body.task.id}`, { headers: { "A2A-Version": version } }),
    ).toEqual(body.task);
  });

  it("accepts ?A2A-Version=1.0 in the query", async () => {
    const env = setup();
    const task = await sendTask(env, "/acme", "ok one");
    expect(await ok(env.a2a, "GET", `/acme/tasks/${task.id}?A2A-Version=1.0`)).toEqual(task);
    const list = await ok(env.a2a, "GET", "/acme/tasks?A2A-Version=1.0&includeArtifacts=true");
    expect(list.tasks).toEqual([task]);
    const sent = await ok(env.a2a, "POST", "/acme/message:send?A2A-Version=1.0", {
      body: { message: userMessage("ok two") },
    });
    expect(sent.task.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it.each([
    ["header 0.9", { headers: { "a2a-version": "0.9" } }, "", "0.9"],
    ["header 0.4", { headers: { "a2a-version": "0.4" } }, "", "0.4"],
    ["header 2.0", { headers: { "a2a-version": "2.0" } }, "", "2.0"],
    ["query 0.9", {}, "?A2A-Version=0.9", "0.9"],
  ] as Array<[string, CallOptions, string, string]>)(
    "answers an unsupported version (%s) with 400 VERSION_NOT_SUPPORTED on every kind of route",
    async (_label, options, query, requested) => {
      const env = setup();
      const task = await sendTask(env, "", "input please");
      const before = await snapshot(env.a2a, [""]);
      const routes: Array<[string, string, unknown]> = [
        ["POST", "/message:send", { message: userMessage("ok") }],
        ["POST", "/message:stream", { message: userMessage("ok") }],
        ["GET", `/tasks/${task.id}`, undefined],
        ["GET", "/tasks", undefined],
        ["POST", `/tasks/${task.id}:cancel`, undefined],
        ["GET", `/tasks/${task.id}:subscribe`, undefined],
        ["GET", "/extendedAgentCard", undefined],
      ];
      for (const [method, path, body] of routes) {
        for (const prefix of ["", "/acme"]) {
          const response = await call(env.a2a, method, `${prefix}${path}${query}`, {
            ...options,
            body,
          });
          const error = await expectStatusError(
            response,
            400,
            "FAILED_PRECONDITION",
            "VERSION_NOT_SUPPORTED",
          );
          expect(error.error.details[0].metadata.requestedVersion).toBe(requested);
        }
      }
      expect(await snapshot(env.a2a, [""])).toEqual(before);
      expect(env.tenants).toEqual([""]);
      expect(env.a2a.stats()).toEqual({ activeExecutions: 0, subscribers: 0 });
    },
  );
});

describe("HTTP+JSON content types", () => {
  it.each([
    "application/json",
    "application/a2a+json",
    "application/a2a+json; charset=utf-8",
    "Application/JSON",
  ])("accepts %s and answers application/a2a+json", async (contentType) => {
    const env = setup();
    const body = await ok(env.a2a, "POST", "/message:send", {
      raw: JSON.stringify({ message: userMessage("ok one") }),
      headers: { "content-type": contentType },
    });
    expect(body.task.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("answers a part of a media type the agent does not accept with 400 CONTENT_TYPE_NOT_SUPPORTED", async () => {
    const env = setup();
    const response = await call(env.a2a, "POST", "/message:send", {
      body: { message: userMessage("x", { parts: [{ raw: "AAAA", mediaType: "image/png" }] }) },
    });
    const body = await expectStatusError(
      response,
      400,
      "INVALID_ARGUMENT",
      "CONTENT_TYPE_NOT_SUPPORTED",
    );
    expect(body.error.details[0].metadata.mediaType).toBe("image/png");
    expect(env.tenants).toEqual([]);
  });
});

describe("HTTP+JSON error mapping (spec §5.4)", () => {
  it("answers 400 UNSUPPORTED_OPERATION on the streaming routes when streaming is off", async () => {
    const env = setup({ card: { ...testCard, capabilities: { streaming: false } } });
    const task = await sendTask(env, "", "input please");
    const stream = await call(env.a2a, "POST", "/message:stream", {
      body: { message: userMessage("ok") },
    });
    await expectStatusError(stream, 400, "FAILED_PRECONDITION", "UNSUPPORTED_OPERATION");
    for (const method of ["GET", "POST"]) {
      const subscribe = await call(env.a2a, method, `/tasks/${task.id}:subscribe`);
      await expectStatusError(subscribe, 400, "FAILED_PRECONDITION", "UNSUPPORTED_OPERATION");
    }
    expect(env.tenants).toEqual([""]);
  });

  it("answers 400 EXTENSION_SUPPORT_REQUIRED until the required extension is declared", async () => {
    const uri = "https://example.com/ext/required/v1";
    const env = setup({
      card: { ...testCard, capabilities: { extensions: [{ uri, required: true }] } },
    });
    const missing = await call(env.a2a, "POST", "/acme/message:send", {
      body: { message: userMessage("ok one") },
    });
    const body = await expectStatusError(
      missing,
      400,
      "FAILED_PRECONDITION",
      "EXTENSION_SUPPORT_REQUIRED",
    );
    expect(body.error.details[0].metadata.extension).toBe(uri);
    await expectStatusError(
      await call(env.a2a, "GET", "/tasks"),
      400,
      "FAILED_PRECONDITION",
      "EXTENSION_SUPPORT_REQUIRED",
    );
    expect(env.tenants).toEqual([]);
    const sent = await ok(env.a2a, "POST", "/acme/message:send", {
      body: { message: userMessage("ok one") },
      headers: { "a2a-extensions": `https://example.com/other, ${uri}` },
    });
    expect(sent.task.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("answers 500 INVALID_AGENT_RESPONSE when the agent returns something that is not a Message", async () => {
    const a2a = makeAgent({ executor: async () => ({ nonsense: true }) as never });
    const response = await call(a2a, "POST", "/message:send", {
      body: { message: userMessage("ok") },
    });
    await expectStatusError(response, 500, "INTERNAL", "INVALID_AGENT_RESPONSE");
  });

  it("answers 500 INTERNAL without details when the store fails", async () => {
    const broken: TaskStore = {
      get: async () => {
        throw new Error("disk on fire: secret=hunter2");
      },
      append: async () => {
        throw new Error("disk on fire");
      },
      readEvents: async () => {
        throw new Error("disk on fire");
      },
      watch: () => () => {},
      list: async () => {
        throw new Error("disk on fire");
      },
    };
    const a2a = makeAgent({ executor: async () => {}, taskStore: broken });
    for (const path of ["/tasks/x", "/acme/tasks/x", "/tasks"]) {
      const response = await call(a2a, "GET", path);
      const body = await expectStatusError(response, 500, "INTERNAL", "INTERNAL");
      expect(body.error.message).toBe("Internal error");
      expect(JSON.stringify(body)).not.toContain("hunter2");
    }
  });

  it("ends a stream that fails after its first event with a Status error frame", async () => {
    const store = new InMemoryTaskStore();
    let saves = 0;
    const failing: TaskStore = {
      get: (key) => store.get(key),
      list: (scope, query) => store.list(scope, query),
      readEvents: (key, after) => store.readEvents(key, after),
      watch: (key, listener) => store.watch(key, listener),
      append: async (key, version, entries) => {
        saves++;
        if (saves > 1) throw new Error("disk on fire: secret=hunter2");
        return store.append(key, version, entries);
      },
    };
    const env = setup({ taskStore: failing });
    const response = await call(env.a2a, "POST", "/acme/message:stream", {
      body: { message: userMessage("ok one") },
    });
    expectSseHeaders(response);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    const { events } = parseSse(text);
    expect(events.map(kindOf)).toEqual(["task", "error"]);
    expect(events[0].task.status.state).toBe("TASK_STATE_SUBMITTED");
    const { error } = events[1];
    expect(error.code).toBe(500);
    expect(error.status).toBe("INTERNAL");
    expect(error.message).toBe("Internal error");
    expect(error.details[0]["@type"]).toBe(ERROR_INFO);
    expect(error.details[0].reason).toBe("INTERNAL");
    expect(error.details[0].domain).toBe("a2a-protocol.org");
    await until(() => env.a2a.stats().activeExecutions === 0);
    await until(() => env.a2a.stats().subscribers === 0);
  });

  it("leaves requests outside the mount path to a 404 Status body", async () => {
    const a2a = makeAgent({ executor: async () => {} });
    const response = await a2a.fetch(
      new Request("http://agent.test/elsewhere/message:send", {
        method: "POST",
        headers: { "content-type": A2A_JSON },
        body: JSON.stringify({ message: userMessage("x") }),
      }),
    );
    await expectStatusError(response, 404, "NOT_FOUND", "METHOD_NOT_FOUND");
  });
});

describe("the bindings option", () => {
  async function cardOf(a2a: A2A): Promise<Json> {
    const response = await a2a.fetch(cardRequest(`${BASE}/.well-known/agent-card.json`));
    expect(response.status).toBe(200);
    return response.json();
  }

  const interfaces = (card: Json) =>
    card.supportedInterfaces.map((i: Json) => [i.protocolBinding, i.url, i.protocolVersion]);

  it("serves both bindings by default, JSON-RPC first in the card", async () => {
    const env = setup();
    expect(interfaces(await cardOf(env.a2a))).toEqual([
      ["JSONRPC", BASE, "1.0"],
      ["HTTP+JSON", BASE, "1.0"],
    ]);
    const task = await sendTask(env, "", "ok one");
    expect((await rpcGetTask(env.a2a, task.id, "")).result).toEqual(task);
  });

  it("lists the bindings in the configured order", async () => {
    const env = setup({ bindings: ["HTTP+JSON", "JSONRPC"] });
    expect(interfaces(await cardOf(env.a2a))).toEqual([
      ["HTTP+JSON", BASE, "1.0"],
      ["JSONRPC", BASE, "1.0"],
    ]);
    const task = await sendTask(env, "/acme", "ok one");
    expect((await rpcGetTask(env.a2a, task.id, "acme")).result).toEqual(task);
  });

  it("serves only HTTP+JSON when asked to", async () => {
    const env = setup({ bindings: ["HTTP+JSON"] });
    expect(interfaces(await cardOf(env.a2a))).toEqual([["HTTP+JSON", BASE, "1.0"]]);
    const task = await sendTask(env, "", "ok one");
    expect(await ok(env.a2a, "GET", `/tasks/${task.id}`)).toEqual(task);
    const rpcResponse = await env.a2a.fetch(
      new Request(BASE, {
        method: "POST",
        headers: { "content-type": "application/json", "a2a-version": "1.0" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: task.id } }),
      }),
    );
    await expectStatusError(rpcResponse, 404, "NOT_FOUND", "METHOD_NOT_FOUND");
  });

  it("serves only JSON-RPC when asked to", async () => {
    const env = setup({ bindings: ["JSONRPC"] });
    expect(interfaces(await cardOf(env.a2a))).toEqual([["JSONRPC", BASE, "1.0"]]);
    const sent = await rpc(env.a2a, "SendMessage", { message: userMessage("ok one") });
    expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const routes: Array<[string, string]> = [
      ["POST", "/message:send"],
      ["POST", "/message:stream"],
      ["GET", `/tasks/${sent.result.task.id}`],
      ["GET", "/tasks"],
      ["POST", `/tasks/${sent.result.task.id}:cancel`],
      ["GET", `/tasks/${sent.result.task.id}:subscribe`],
      ["GET", "/extendedAgentCard"],
      ["DELETE", "/tasks"],
    ];
    for (const [method, path] of routes) {
      for (const prefix of ["", "/acme"]) {
        const response = await call(env.a2a, method, `${prefix}${path}`, {
          body: method === "POST" ? { message: userMessage("x") } : undefined,
        });
        await expectStatusError(response, 404, "NOT_FOUND", "METHOD_NOT_FOUND");
      }
    }
    expect(env.tenants).toEqual([""]);
  });
});
