import { describe, expect, it } from "vitest";
import {
  type A2A,
  type AgentExecuteFn,
  type AppendResult,
  InMemoryTaskStore,
  type StoredTask,
  type Task,
  type TaskKey,
  type TaskListPage,
  type TaskListQuery,
  type TaskLogEntry,
  type TaskLogEvent,
  type TaskLogListener,
  type TaskScope,
  type TaskStore,
} from "../src/index.js";
import {
  BASE,
  type Json,
  makeAgent,
  parseSse,
  readSse,
  rpc,
  rpcRequest,
  testCard,
  until,
  userMessage,
} from "./helpers.js";

const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
const BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";
const DOMAIN = "a2a-protocol.org";

/** Completes every task; the text "ask" makes it wait for input instead. */
const echo: AgentExecuteFn = async (ctx, task) => {
  if (ctx.text === "ask") {
    await task.inputRequired("Need more input");
    return;
  }
  await task.working();
  await task.complete("done");
};

/**
 * A POST to the JSON-RPC endpoint with a raw body. Headers default to a 1.0 JSON request;
 * a header given as `undefined` is left out.
 */
function post(
  body: BodyInit | null,
  options: { headers?: Record<string, string | undefined>; url?: string } = {},
): Request {
  const merged: Record<string, string | undefined> = {
    "content-type": "application/json",
    "a2a-version": "1.0",
    ...options.headers,
  };
  const headers = new Headers();
  for (const [name, value] of Object.entries(merged)) {
    if (value !== undefined) headers.set(name, value);
  }
  return new Request(options.url ?? BASE, { method: "POST", headers, body });
}

/** A JSON envelope posted as is (so that it can be invalid). */
function postJson(
  envelope: unknown,
  options: { headers?: Record<string, string | undefined>; url?: string } = {},
): Request {
  return post(JSON.stringify(envelope), options);
}

/** Every string inside a JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, v]) => [key, ...stringsIn(v)]);
  }
  return [];
}

/** Fails if a text looks like it carries a stack trace or a source file path. */
function expectNoInternals(value: unknown): void {
  for (const text of stringsIn(value)) {
    expect(text).not.toMatch(/(^|\n)\s*at\s/);
    expect(text).not.toMatch(/\bat\s+\S+\s+\(/);
    expect(text).not.toMatch(/[\w.\\/-]+\.[cm]?[jt]sx?:\d+/);
    expect(text).not.toMatch(/node_modules|file:\/\//);
    expect(text).not.toMatch(/\/(src|test|dist)\//);
  }
}

interface Expected {
  code: number;
  reason: string;
  /** HTTP status; 200 unless given. */
  status?: number;
  /** The JSON-RPC id the error must carry, when given. */
  id?: string | number | null;
}

/**
 * Checks that `response` is a JSON-RPC error of the given kind, spec-shaped (§9.5): code,
 * non-empty message free of internals, and a google.rpc.ErrorInfo in `error.data`.
 */
async function expectRpcError(response: Response, expected: Expected): Promise<Json> {
  expect(response.status).toBe(expected.status ?? 200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body: Json = await response.json();
  expect(body.jsonrpc).toBe("2.0");
  expect(body).not.toHaveProperty("result");
  if ("id" in expected) expect(body.id).toBe(expected.id);
  expect(body.error.code).toBe(expected.code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.trim().length).toBeGreaterThan(0);
  expectNoInternals(body.error);
  expect(Array.isArray(body.error.data)).toBe(true);
  for (const detail of body.error.data) expect(typeof detail["@type"]).toBe("string");
  const info = body.error.data.find((d: Json) => d["@type"] === ERROR_INFO);
  expect(info).toBeDefined();
  expect(info.reason).toBe(expected.reason);
  expect(info.domain).toBe(DOMAIN);
  expect(typeof info.metadata.timestamp).toBe("string");
  expect(Number.isNaN(Date.parse(info.metadata.timestamp))).toBe(false);
  for (const value of Object.values(info.metadata)) expect(typeof value).toBe("string");
  return body;
}

function errorInfo(body: Json): Json {
  return body.error.data.find((d: Json) => d["@type"] === ERROR_INFO);
}

function violatedFields(body: Json): string[] {
  const badRequest = body.error.data.find((d: Json) => d["@type"] === BAD_REQUEST);
  expect(badRequest).toBeDefined();
  for (const violation of badRequest.fieldViolations) {
    expect(typeof violation.description).toBe("string");
    expect(violation.description.length).toBeGreaterThan(0);
  }
  return badRequest.fieldViolations.map((v: Json) => v.field);
}

async function send(a2a: A2A, text: string): Promise<Task> {
  const body = await rpc(a2a, "SendMessage", { message: userMessage(text) });
  expect(body.error).toBeUndefined();
  return body.result.task;
}

async function completedTask(a2a: A2A): Promise<Task> {
  const task = await send(a2a, "hi");
  expect(task.status.state).toBe("TASK_STATE_COMPLETED");
  return task;
}

async function waitingTask(a2a: A2A): Promise<Task> {
  const task = await send(a2a, "ask");
  expect(task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
  return task;
}

describe("-32700 JSON parse error", () => {
  const cases: [string, BodyInit][] = [
    ["a truncated body", '{"jsonrpc":"2.0","id":1,"method":"GetTask","params":{"id":"x"'],
    ["trailing garbage", '{"jsonrpc":"2.0","id":1,"method":"GetTask","params":{"id":"x"}} xyz'],
    [
      "invalid UTF-8 bytes",
      new Uint8Array([
        ...new TextEncoder().encode('{"jsonrpc":"2.0","id":1,"method":"GetTask","params":{"id":"'),
        0xff,
        0xfe,
        0xc3,
        ...new TextEncoder().encode('"}}'),
      ]),
    ],
    ["an empty body", ""],
    ["single quotes", "{'jsonrpc':'2.0','id':1,'method':'GetTask'}"],
  ];
  it.each(cases)("answers %s with -32700 and id null", async (_name, body) => {
    const a2a = makeAgent({ executor: echo });
    await expectRpcError(await a2a.fetch(post(body)), {
      code: -32700,
      reason: "JSON_PARSE",
      id: null,
    });
  });
});

describe("-32600 invalid request", () => {
  const cases: [string, string, string | number | null][] = [
    ["a number body", "42", null],
    ["a string body", '"GetTask"', null],
    ["a null body", "null", null],
    ["a boolean body", "true", null],
    ["a batch array", '[{"jsonrpc":"2.0","id":1,"method":"GetTask","params":{"id":"x"}}]', null],
    ["an empty batch", "[]", null],
    ["jsonrpc missing", '{"id":7,"method":"GetTask","params":{"id":"x"}}', 7],
    ["jsonrpc 1.0", '{"jsonrpc":"1.0","id":7,"method":"GetTask","params":{"id":"x"}}', 7],
    ["jsonrpc as a number", '{"jsonrpc":2,"id":7,"method":"GetTask","params":{"id":"x"}}', 7],
    ["method missing", '{"jsonrpc":"2.0","id":"r-1","params":{"id":"x"}}', "r-1"],
    ["method empty", '{"jsonrpc":"2.0","id":"r-1","method":"","params":{"id":"x"}}', "r-1"],
    ["method not a string", '{"jsonrpc":"2.0","id":"r-1","method":5,"params":{}}', "r-1"],
    [
      "id missing (a notification)",
      '{"jsonrpc":"2.0","method":"GetTask","params":{"id":"x"}}',
      null,
    ],
    ["id an object", '{"jsonrpc":"2.0","id":{"a":1},"method":"GetTask","params":{"id":"x"}}', null],
    ["id an array", '{"jsonrpc":"2.0","id":[1],"method":"GetTask","params":{"id":"x"}}', null],
    ["id a boolean", '{"jsonrpc":"2.0","id":true,"method":"GetTask","params":{"id":"x"}}', null],
  ];
  it.each(cases)("answers %s with -32600", async (_name, body, id) => {
    const a2a = makeAgent({ executor: echo });
    await expectRpcError(await a2a.fetch(post(body)), {
      code: -32600,
      reason: "INVALID_REQUEST",
      id,
    });
  });

  it("does not run the method of an invalid envelope", async () => {
    let calls = 0;
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        calls++;
        await task.complete();
      },
    });
    const response = await a2a.fetch(
      postJson({
        jsonrpc: "1.0",
        id: 1,
        method: "SendMessage",
        params: { message: userMessage("x") },
      }),
    );
    await expectRpcError(response, { code: -32600, reason: "INVALID_REQUEST", id: 1 });
    expect(calls).toBe(0);
    expect((await rpc(a2a, "ListTasks", {})).result.tasks).toEqual([]);
  });
});

describe("-32601 method not found", () => {
  it("answers an unknown method under A2A-Version 1.0, echoing the request id", async () => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(
      rpcRequest("DoSomething", { id: "x" }, { id: "req-42", headers: { "a2a-version": "1.0" } }),
    );
    const body = await expectRpcError(response, {
      code: -32601,
      reason: "METHOD_NOT_FOUND",
      id: "req-42",
    });
    expect(errorInfo(body).metadata.method).toBe("DoSomething");
  });

  it("echoes a numeric id", async () => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(rpcRequest("getTask", { id: "x" }, { id: 99 }));
    await expectRpcError(response, { code: -32601, reason: "METHOD_NOT_FOUND", id: 99 });
  });

  it("does not serve a 0.3 method name to a 1.0 client", async () => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(rpcRequest("tasks/get", { id: "x" }, { id: 3 }));
    await expectRpcError(response, { code: -32601, reason: "METHOD_NOT_FOUND", id: 3 });
  });
});

describe("-32602 invalid params", () => {
  const message = (extra: Record<string, unknown>) => ({
    messageId: "m-invalid",
    role: "ROLE_USER",
    parts: [{ text: "hi" }],
    ...extra,
  });
  const cases: [string, string, unknown, string][] = [
    ["no message", "SendMessage", {}, "message"],
    ["message not an object", "SendMessage", { message: "hi" }, "message"],
    ["empty parts", "SendMessage", { message: message({ parts: [] }) }, "message.parts"],
    ["parts as a string", "SendMessage", { message: message({ parts: "hi" }) }, "message.parts"],
    ["parts missing", "SendMessage", { message: message({ parts: undefined }) }, "message.parts"],
    ["role USER", "SendMessage", { message: message({ role: "USER" }) }, "message.role"],
    ["role missing", "SendMessage", { message: message({ role: undefined }) }, "message.role"],
    [
      "messageId missing",
      "SendMessage",
      { message: message({ messageId: undefined }) },
      "message.messageId",
    ],
    [
      "messageId empty",
      "SendMessage",
      { message: message({ messageId: "" }) },
      "message.messageId",
    ],
    [
      "messageId a number",
      "SendMessage",
      { message: message({ messageId: 7 }) },
      "message.messageId",
    ],
    [
      "a part with no content",
      "SendMessage",
      { message: message({ parts: [{}] }) },
      "message.parts[0]",
    ],
    [
      "a part with two contents",
      "SendMessage",
      { message: message({ parts: [{ text: "a", url: "https://x.test/a" }] }) },
      "message.parts[0]",
    ],
    [
      "a second part with no content",
      "SendMessage",
      { message: message({ parts: [{ text: "a" }, { mediaType: "text/plain" }] }) },
      "message.parts[1]",
    ],
    [
      "text a number",
      "SendMessage",
      { message: message({ parts: [{ text: 5 }] }) },
      "message.parts[0].text",
    ],
    [
      "historyLength negative in configuration",
      "SendMessage",
      { message: message({}), configuration: { historyLength: -1 } },
      "configuration.historyLength",
    ],
    ["id missing", "GetTask", {}, "id"],
    ["id empty", "GetTask", { id: "" }, "id"],
    ["id a number", "GetTask", { id: 5 }, "id"],
    ["historyLength abc", "GetTask", { id: "x", historyLength: "abc" }, "historyLength"],
    ["historyLength negative", "GetTask", { id: "x", historyLength: -1 }, "historyLength"],
    ["historyLength fractional", "GetTask", { id: "x", historyLength: 1.5 }, "historyLength"],
    ["pageSize 0", "ListTasks", { pageSize: 0 }, "pageSize"],
    ["pageSize 101", "ListTasks", { pageSize: 101 }, "pageSize"],
    ["pageSize abc", "ListTasks", { pageSize: "abc" }, "pageSize"],
    ["status unknown", "ListTasks", { status: "DONE" }, "status"],
    ["status lower case", "ListTasks", { status: "completed" }, "status"],
    [
      "statusTimestampAfter not a timestamp",
      "ListTasks",
      { statusTimestampAfter: "yesterday" },
      "statusTimestampAfter",
    ],
    ["pageToken not issued", "ListTasks", { pageToken: "not-a-token" }, "pageToken"],
    ["CancelTask id missing", "CancelTask", {}, "id"],
    ["SubscribeToTask id missing", "SubscribeToTask", {}, "id"],
  ];
  it.each(cases)("%s (%s) names %s", async (_name, method, params, field) => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(rpcRequest(method, params, { id: "p-1" }));
    const body = await expectRpcError(response, {
      code: -32602,
      reason: "INVALID_PARAMS",
      id: "p-1",
    });
    expect(violatedFields(body)).toEqual([field]);
  });

  const notObjects: [string, unknown][] = [
    ["an array", [1, 2]],
    ["a string", "x"],
    ["a number", 5],
    ["null", null],
  ];
  it.each(notObjects)("answers params as %s with -32602", async (_name, params) => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(
      postJson({ jsonrpc: "2.0", id: 11, method: "GetTask", params }),
    );
    await expectRpcError(response, { code: -32602, reason: "INVALID_PARAMS", id: 11 });
  });

  it("validates before the agent runs", async () => {
    let calls = 0;
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        calls++;
        await task.complete();
      },
    });
    const response = await a2a.fetch(
      rpcRequest("SendMessage", { message: { messageId: "m", role: "ROLE_USER", parts: [] } }),
    );
    await expectRpcError(response, { code: -32602, reason: "INVALID_PARAMS" });
    expect(calls).toBe(0);
  });
});

describe("-32603 internal error", () => {
  const SECRET = "db-password=hunter2-SECRET";

  /** A store that works until told to throw, and then throws an error holding a secret. */
  class FailingStore implements TaskStore {
    readonly inner = new InMemoryTaskStore();
    fail = { get: false, save: false, list: false };
    async get(key: TaskKey): Promise<StoredTask | undefined> {
      if (this.fail.get) throw new Error(`get failed: ${SECRET}`);
      return this.inner.get(key);
    }
    async append(
      key: TaskKey,
      expectedVersion: number,
      entries: readonly TaskLogEntry[],
    ): Promise<AppendResult> {
      if (this.fail.save) throw new Error(`save failed: ${SECRET}`);
      return this.inner.append(key, expectedVersion, entries);
    }
    async readEvents(key: TaskKey, afterVersion: number): Promise<TaskLogEvent[] | undefined> {
      if (this.fail.get) throw new Error(`read failed: ${SECRET}`);
      return this.inner.readEvents(key, afterVersion);
    }
    watch(key: TaskKey, listener: TaskLogListener): () => void {
      return this.inner.watch(key, listener);
    }
    async list(scope: TaskScope, query: TaskListQuery): Promise<TaskListPage> {
      if (this.fail.list) throw new TypeError(`list failed: ${SECRET}`);
      return this.inner.list(scope, query);
    }
  }

  async function expectInternal(response: Response, id: string | number): Promise<void> {
    const text = await response.clone().text();
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("SECRET");
    expect(text).not.toContain("failed");
    const body = await expectRpcError(response, { code: -32603, reason: "INTERNAL", id });
    expect(body.error.message).toBe("Internal error");
  }

  it("hides a store failure in GetTask", async () => {
    const store = new FailingStore();
    const a2a = makeAgent({ executor: echo, taskStore: store });
    const task = await completedTask(a2a);
    store.fail.get = true;
    await expectInternal(await a2a.fetch(rpcRequest("GetTask", { id: task.id }, { id: 1 })), 1);
  });

  it("hides a store failure in CancelTask", async () => {
    const store = new FailingStore();
    const a2a = makeAgent({ executor: echo, taskStore: store });
    const task = await waitingTask(a2a);
    store.fail.get = true;
    await expectInternal(await a2a.fetch(rpcRequest("CancelTask", { id: task.id }, { id: 2 })), 2);
  });

  it("hides a store failure when continuing a task", async () => {
    const store = new FailingStore();
    const a2a = makeAgent({ executor: echo, taskStore: store });
    const task = await waitingTask(a2a);
    store.fail.get = true;
    const response = await a2a.fetch(
      rpcRequest("SendMessage", { message: userMessage("more", { taskId: task.id }) }, { id: 3 }),
    );
    await expectInternal(response, 3);
  });

  it("hides a store failure in SendMessage (save)", async () => {
    const store = new FailingStore();
    store.fail.save = true;
    const a2a = makeAgent({ executor: echo, taskStore: store });
    const response = await a2a.fetch(
      rpcRequest("SendMessage", { message: userMessage("hi") }, { id: "s-1" }),
    );
    await expectInternal(response, "s-1");
  });

  it("hides a store failure in SendStreamingMessage (save)", async () => {
    const store = new FailingStore();
    store.fail.save = true;
    const a2a = makeAgent({ executor: echo, taskStore: store });
    const response = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("hi") }, { id: "s-2" }),
    );
    await expectInternal(response, "s-2");
  });

  it("hides a store failure in ListTasks", async () => {
    const store = new FailingStore();
    const a2a = makeAgent({ executor: echo, taskStore: store });
    await completedTask(a2a);
    store.fail.list = true;
    await expectInternal(await a2a.fetch(rpcRequest("ListTasks", {}, { id: 4 })), 4);
  });
});

describe("-32001 task not found", () => {
  const cases: [string, unknown][] = [
    ["GetTask", { id: "no-such-task" }],
    ["CancelTask", { id: "no-such-task" }],
    ["SubscribeToTask", { id: "no-such-task" }],
    ["SendMessage", { message: userMessage("hi", { taskId: "no-such-task" }) }],
    ["SendStreamingMessage", { message: userMessage("hi", { taskId: "no-such-task" }) }],
  ];
  it.each(cases)("%s with an unknown task id", async (method, params) => {
    const a2a = makeAgent({ executor: echo });
    await completedTask(a2a);
    const response = await a2a.fetch(rpcRequest(method, params, { id: "nf" }));
    const body = await expectRpcError(response, {
      code: -32001,
      reason: "TASK_NOT_FOUND",
      id: "nf",
    });
    expect(errorInfo(body).metadata.taskId).toBe("no-such-task");
  });

  it("does not reveal another owner's task", async () => {
    const a2a = makeAgent({ executor: echo });
    const body = await (
      await a2a.fetch(rpcRequest("SendMessage", { message: userMessage("hi") }), {
        principal: { id: "alice" },
      })
    ).json();
    const id = body.result.task.id;
    const response = await a2a.fetch(rpcRequest("GetTask", { id }), { principal: { id: "bob" } });
    const error = await expectRpcError(response, { code: -32001, reason: "TASK_NOT_FOUND" });
    expect(errorInfo(error).metadata.taskId).toBe(id);
  });
});

describe("-32002 task not cancelable", () => {
  it("refuses to cancel a completed task", async () => {
    const a2a = makeAgent({ executor: echo });
    const task = await completedTask(a2a);
    const response = await a2a.fetch(rpcRequest("CancelTask", { id: task.id }, { id: 8 }));
    const body = await expectRpcError(response, {
      code: -32002,
      reason: "TASK_NOT_CANCELABLE",
      id: 8,
    });
    expect(errorInfo(body).metadata.taskId).toBe(task.id);
    expect(errorInfo(body).metadata.state).toBe("TASK_STATE_COMPLETED");
    const after = await rpc(a2a, "GetTask", { id: task.id });
    expect(after.result).toEqual(task);
  });

  it("refuses to cancel an already canceled task", async () => {
    const a2a = makeAgent({ executor: echo });
    const task = await waitingTask(a2a);
    const first = await rpc(a2a, "CancelTask", { id: task.id });
    expect(first.result.status.state).toBe("TASK_STATE_CANCELED");
    const response = await a2a.fetch(rpcRequest("CancelTask", { id: task.id }));
    const body = await expectRpcError(response, { code: -32002, reason: "TASK_NOT_CANCELABLE" });
    expect(errorInfo(body).metadata.state).toBe("TASK_STATE_CANCELED");
  });
});

describe("-32003 push notifications not supported", () => {
  const cases: [string, unknown][] = [
    ["CreateTaskPushNotificationConfig", { taskId: "t-1", url: "https://hooks.test/a2a" }],
    ["GetTaskPushNotificationConfig", { taskId: "t-1", id: "c-1" }],
    ["ListTaskPushNotificationConfigs", { taskId: "t-1" }],
    ["DeleteTaskPushNotificationConfig", { taskId: "t-1", id: "c-1" }],
  ];
  it.each(cases)("%s", async (method, params) => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(rpcRequest(method, params, { id: "push" }));
    await expectRpcError(response, {
      code: -32003,
      reason: "PUSH_NOTIFICATION_NOT_SUPPORTED",
      id: "push",
    });
  });

  it("SendMessage with configuration.taskPushNotificationConfig", async () => {
    let calls = 0;
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        calls++;
        await task.complete();
      },
    });
    const response = await a2a.fetch(
      rpcRequest("SendMessage", {
        message: userMessage("hi"),
        configuration: { taskPushNotificationConfig: { url: "https://hooks.test/a2a" } },
      }),
    );
    await expectRpcError(response, { code: -32003, reason: "PUSH_NOTIFICATION_NOT_SUPPORTED" });
    expect(calls).toBe(0);
    expect((await rpc(a2a, "ListTasks", {})).result.tasks).toEqual([]);
  });
});

describe("-32004 unsupported operation", () => {
  it("SendMessage to a terminal task", async () => {
    const a2a = makeAgent({ executor: echo });
    const task = await completedTask(a2a);
    const response = await a2a.fetch(
      rpcRequest("SendMessage", { message: userMessage("again", { taskId: task.id }) }),
    );
    const body = await expectRpcError(response, { code: -32004, reason: "UNSUPPORTED_OPERATION" });
    expect(errorInfo(body).metadata.taskId).toBe(task.id);
    expect((await rpc(a2a, "GetTask", { id: task.id })).result).toEqual(task);
  });

  it("SubscribeToTask on a terminal task", async () => {
    const a2a = makeAgent({ executor: echo });
    const task = await completedTask(a2a);
    const response = await a2a.fetch(rpcRequest("SubscribeToTask", { id: task.id }, { id: 5 }));
    const body = await expectRpcError(response, {
      code: -32004,
      reason: "UNSUPPORTED_OPERATION",
      id: 5,
    });
    expect(errorInfo(body).metadata.taskId).toBe(task.id);
  });

  it("GetExtendedAgentCard when the card does not declare one", async () => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(rpcRequest("GetExtendedAgentCard", undefined, { id: 6 }));
    await expectRpcError(response, { code: -32004, reason: "UNSUPPORTED_OPERATION", id: 6 });
  });

  it("GetExtendedAgentCard when the card sets extendedAgentCard false", async () => {
    const a2a = makeAgent({
      executor: echo,
      card: { ...testCard, capabilities: { extendedAgentCard: false } },
    });
    const response = await a2a.fetch(rpcRequest("GetExtendedAgentCard", {}, { id: 6 }));
    await expectRpcError(response, { code: -32004, reason: "UNSUPPORTED_OPERATION", id: 6 });
  });

  it("SendStreamingMessage when capabilities.streaming is false", async () => {
    let calls = 0;
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        calls++;
        await task.complete();
      },
      card: { ...testCard, capabilities: { streaming: false } },
    });
    const response = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("hi") }, { id: "st" }),
    );
    await expectRpcError(response, { code: -32004, reason: "UNSUPPORTED_OPERATION", id: "st" });
    expect(calls).toBe(0);
  });

  it("SubscribeToTask when capabilities.streaming is false", async () => {
    const a2a = makeAgent({
      executor: echo,
      card: { ...testCard, capabilities: { streaming: false } },
    });
    const task = await waitingTask(a2a);
    const response = await a2a.fetch(rpcRequest("SubscribeToTask", { id: task.id }, { id: "sub" }));
    await expectRpcError(response, { code: -32004, reason: "UNSUPPORTED_OPERATION", id: "sub" });
    expect(a2a.stats().subscribers).toBe(0);
  });
});

describe("-32005 content type not supported", () => {
  const contentTypes = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
  ];
  it.each(contentTypes)("answers Content-Type %s with HTTP 415", async (contentType) => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(
      post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ListTasks", params: {} }), {
        headers: { "content-type": contentType },
      }),
    );
    await expectRpcError(response, {
      code: -32005,
      reason: "CONTENT_TYPE_NOT_SUPPORTED",
      status: 415,
    });
  });

  it("accepts application/json with a charset", async () => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(
      post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ListTasks", params: {} }), {
        headers: { "content-type": "application/json; charset=utf-8" },
      }),
    );
    expect(response.status).toBe(200);
    expect((await response.json()).result.tasks).toEqual([]);
  });

  it("refuses a part whose mediaType is not in defaultInputModes", async () => {
    let calls = 0;
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        calls++;
        await task.complete();
      },
      card: { ...testCard, defaultInputModes: ["text/plain"] },
    });
    const response = await a2a.fetch(
      rpcRequest(
        "SendMessage",
        {
          message: userMessage("look", {
            parts: [{ url: "https://files.test/cat.png", mediaType: "image/png" }],
          }),
        },
        { id: "img" },
      ),
    );
    const body = await expectRpcError(response, {
      code: -32005,
      reason: "CONTENT_TYPE_NOT_SUPPORTED",
      status: 200,
      id: "img",
    });
    expect(errorInfo(body).metadata.mediaType).toBe("image/png");
    expect(calls).toBe(0);
  });

  it("accepts image/png when defaultInputModes has image/*", async () => {
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        await task.complete(`got ${ctx.userMessage.parts[0]!.mediaType}`);
      },
      card: { ...testCard, defaultInputModes: ["image/*"] },
    });
    const body = await rpc(a2a, "SendMessage", {
      message: userMessage("look", {
        parts: [{ url: "https://files.test/cat.png", mediaType: "image/png" }],
      }),
    });
    expect(body.error).toBeUndefined();
    expect(body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(body.result.task.status.message.parts).toEqual([{ text: "got image/png" }]);
  });
});

describe("-32006 invalid agent response", () => {
  it("answers an executor that returns a non-Message", async () => {
    const a2a = makeAgent({
      executor: (async () => ({ foo: 1 })) as unknown as AgentExecuteFn,
    });
    const response = await a2a.fetch(
      rpcRequest("SendMessage", { message: userMessage("hi") }, { id: "bad" }),
    );
    const body = await expectRpcError(response, {
      code: -32006,
      reason: "INVALID_AGENT_RESPONSE",
      id: "bad",
    });
    expect(body.error.message).not.toContain("foo");
    expect((await rpc(a2a, "ListTasks", {})).result.tasks).toEqual([]);
  });

  it("answers an executor that returns a message without parts", async () => {
    const a2a = makeAgent({
      executor: (async () => ({
        messageId: "a-1",
        role: "ROLE_AGENT",
        parts: [],
      })) as unknown as AgentExecuteFn,
    });
    const response = await a2a.fetch(rpcRequest("SendMessage", { message: userMessage("hi") }));
    await expectRpcError(response, { code: -32006, reason: "INVALID_AGENT_RESPONSE" });
  });

  it("ends a streaming send whose executor returns a non-Message with that error, after the task", async () => {
    const a2a = makeAgent({
      executor: (async () => ({ foo: 1 })) as unknown as AgentExecuteFn,
    });
    const response = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("hi") }, { id: "bad-s" }),
    );
    const events = parseSse(await response.text()).events;
    expect(events.map((event: Json) => Object.keys(event.result ?? event)[0])).toEqual([
      "task",
      "jsonrpc",
    ]);
    expect(events[1].id).toBe("bad-s");
    expect(events[1].error.code).toBe(-32006);
    expect(errorInfo(events[1]).reason).toBe("INVALID_AGENT_RESPONSE");
    await until(() => a2a.stats().subscribers === 0 && a2a.stats().activeExecutions === 0);
    // The task the server created for the stream failed.
    const task = await rpc(a2a, "GetTask", { id: events[0].result.task.id });
    expect(task.result.status.state).toBe("TASK_STATE_FAILED");
  });
});

describe("-32007 extended agent card not configured", () => {
  it("GetExtendedAgentCard with capabilities.extendedAgentCard true", async () => {
    const a2a = makeAgent({
      executor: echo,
      card: { ...testCard, capabilities: { extendedAgentCard: true } },
    });
    const response = await a2a.fetch(rpcRequest("GetExtendedAgentCard", {}, { id: "card" }));
    await expectRpcError(response, {
      code: -32007,
      reason: "EXTENDED_AGENT_CARD_NOT_CONFIGURED",
      id: "card",
    });
  });
});

describe("-32008 extension support required", () => {
  const card = { ...testCard, capabilities: { extensions: [{ uri: "urn:x", required: true }] } };

  it("refuses a request that does not declare a required extension", async () => {
    let calls = 0;
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        calls++;
        await task.complete();
      },
      card,
    });
    const response = await a2a.fetch(
      rpcRequest("SendMessage", { message: userMessage("hi") }, { id: "ext" }),
    );
    const body = await expectRpcError(response, {
      code: -32008,
      reason: "EXTENSION_SUPPORT_REQUIRED",
      id: "ext",
    });
    expect(errorInfo(body).metadata.extension).toBe("urn:x");
    expect(calls).toBe(0);
  });

  it("refuses a request that declares only other extensions", async () => {
    const a2a = makeAgent({ executor: echo, card });
    const response = await a2a.fetch(
      rpcRequest("ListTasks", {}, { headers: { "a2a-extensions": "urn:y, urn:xx" } }),
    );
    await expectRpcError(response, { code: -32008, reason: "EXTENSION_SUPPORT_REQUIRED" });
  });

  it("serves a request with A2A-Extensions: urn:x", async () => {
    const a2a = makeAgent({ executor: echo, card });
    const body = await rpc(
      a2a,
      "SendMessage",
      { message: userMessage("hi") },
      { headers: { "A2A-Extensions": "urn:x" } },
    );
    expect(body.error).toBeUndefined();
    expect(body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const listed = await rpc(
      a2a,
      "ListTasks",
      {},
      { headers: { "a2a-extensions": "urn:y,urn:x" } },
    );
    expect(listed.result.tasks).toHaveLength(1);
  });

  it("does not require an extension that is not marked required", async () => {
    const a2a = makeAgent({
      executor: echo,
      card: { ...testCard, capabilities: { extensions: [{ uri: "urn:opt" }] } },
    });
    const body = await rpc(a2a, "SendMessage", { message: userMessage("hi") });
    expect(body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
  });
});

describe("-32009 version not supported", () => {
  const versions = ["0.5", "2.0", "0.4", "1", "1.1", "one"];
  it.each(versions)("refuses A2A-Version %s, listing 1.0 and 0.3", async (version) => {
    let calls = 0;
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        calls++;
        await task.complete();
      },
    });
    const response = await a2a.fetch(
      rpcRequest(
        "SendMessage",
        { message: userMessage("hi") },
        {
          id: "v",
          headers: { "a2a-version": version },
        },
      ),
    );
    const body = await expectRpcError(response, {
      code: -32009,
      reason: "VERSION_NOT_SUPPORTED",
      id: "v",
    });
    expect(body.error.message).toContain(version);
    expect(body.error.message).toContain("1.0");
    expect(errorInfo(body).metadata.requestedVersion).toBe(version);
    expect(errorInfo(body).metadata.supportedVersions).toBe("1.0,0.3");
    expect(calls).toBe(0);
  });

  it("refuses ?A2A-Version=0.5 without a header", async () => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(
      postJson(
        { jsonrpc: "2.0", id: 12, method: "SendMessage", params: { message: userMessage("hi") } },
        { url: `${BASE}?A2A-Version=0.5`, headers: { "a2a-version": undefined } },
      ),
    );
    const body = await expectRpcError(response, {
      code: -32009,
      reason: "VERSION_NOT_SUPPORTED",
      id: 12,
    });
    expect(body.error.message).toContain("1.0");
    expect(errorInfo(body).metadata.requestedVersion).toBe("0.5");
  });

  it("serves ?A2A-Version=1.0 without a header", async () => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(
      postJson(
        { jsonrpc: "2.0", id: 13, method: "ListTasks", params: {} },
        { url: `${BASE}?A2A-Version=1.0`, headers: { "a2a-version": undefined } },
      ),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      jsonrpc: "2.0",
      id: 13,
      result: { tasks: [], nextPageToken: "", pageSize: 50, totalSize: 0 },
    });
  });

  it("serves a 0.3 method name sent without a version as 0.3", async () => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(
      postJson(
        {
          jsonrpc: "2.0",
          id: "old",
          method: "message/send",
          params: {
            message: { messageId: "m", role: "user", parts: [{ kind: "text", text: "hi" }] },
          },
        },
        { headers: { "a2a-version": undefined } },
      ),
    );
    const body = await response.json();
    expect(body.error).toBeUndefined();
    expect(body.result.kind).toBe("task");
    expect(body.result.status.state).toBe("completed");
  });

  it("accepts the patch version 1.0.1", async () => {
    const a2a = makeAgent({ executor: echo });
    const body = await rpc(
      a2a,
      "SendMessage",
      { message: userMessage("hi") },
      { headers: { "a2a-version": "1.0.1" } },
    );
    expect(body.error).toBeUndefined();
    expect(body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("serves a 1.0 method name without a version header as 1.0", async () => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(
      postJson(
        { jsonrpc: "2.0", id: 14, method: "SendMessage", params: { message: userMessage("hi") } },
        { headers: { "a2a-version": undefined } },
      ),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.id).toBe(14);
    expect(body.error).toBeUndefined();
    expect(body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("serves a streaming 1.0 method without a version header", async () => {
    const a2a = makeAgent({ executor: echo });
    const response = await a2a.fetch(
      postJson(
        {
          jsonrpc: "2.0",
          id: 15,
          method: "SendStreamingMessage",
          params: { message: userMessage("hi") },
        },
        { headers: { "a2a-version": undefined } },
      ),
    );
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = await readSse(response);
    expect(events.at(-1).result.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
  });
});

describe("HTTP-level errors", () => {
  const methods = ["GET", "PUT", "DELETE", "PATCH"];
  it.each(methods)(
    "answers %s on the JSON-RPC endpoint with 405 and Allow: POST",
    async (method) => {
      const a2a = makeAgent({ executor: echo });
      const response = await a2a.fetch(new Request(BASE, { method }));
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      const text = await response.text();
      expectNoInternals(text);
    },
  );

  it("answers an unknown path with 404", async () => {
    const a2a = makeAgent({ executor: echo });
    const post404 = await a2a.fetch(
      new Request("http://agent.test/elsewhere", {
        method: "POST",
        headers: { "content-type": "application/json", "a2a-version": "1.0" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ListTasks", params: {} }),
      }),
    );
    expect(post404.status).toBe(404);
    const get404 = await a2a.fetch(new Request(`${BASE}/tasks/t-1`));
    expect(get404.status).toBe(404);
    const prefix404 = await a2a.fetch(
      new Request("http://agent.test/a2a-other", { method: "POST", body: "{}" }),
    );
    expect(prefix404.status).toBe(404);
  });
});
