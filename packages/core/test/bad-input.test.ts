import { describe, expect, it } from "vitest";
import type { A2A, AgentExecuteFn, Task } from "../src/index.js";
import { BASE, type Json, makeAgent, rpc, rpcRequest, userMessage } from "./helpers.js";

const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
const BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";
const MAX_BODY_BYTES = 1024;

/** Completes every task; the text "ask" makes it wait for input instead. */
const executor: AgentExecuteFn = async (ctx, task) => {
  if (ctx.text === "ask") {
    await task.inputRequired("Need more input");
    return;
  }
  await task.working();
  await task.artifact(`echo: ${ctx.text}`);
  await task.complete("done");
};

/**
 * A POST to the JSON-RPC endpoint with a raw body. Headers default to a 1.0 JSON request;
 * a header given as `undefined` is left out.
 */
function post(
  body: BodyInit | null,
  headers: Record<string, string | undefined> = {},
  init: RequestInit = {},
): Request {
  const merged: Record<string, string | undefined> = {
    "content-type": "application/json",
    "a2a-version": "1.0",
    ...headers,
  };
  const h = new Headers();
  for (const [name, value] of Object.entries(merged)) {
    if (value !== undefined) h.set(name, value);
  }
  return new Request(BASE, { method: "POST", headers: h, body, ...init });
}

interface Fixture {
  a2a: A2A;
  /** A COMPLETED task. */
  completed: Task;
  /** An INPUT_REQUIRED task, waiting for the next message. */
  waiting: Task;
  snapshot(): Promise<Json>;
  before: Json;
  executions: () => number;
}

/** An agent with a completed and an input-required task, and a snapshot of what it stores. */
async function setup(): Promise<Fixture> {
  let calls = 0;
  const a2a = makeAgent({
    executor: (ctx, task) => {
      calls++;
      return executor(ctx, task);
    },
    maxBodyBytes: MAX_BODY_BYTES,
  });
  const done = await rpc(a2a, "SendMessage", { message: userMessage("hello") });
  const asked = await rpc(a2a, "SendMessage", { message: userMessage("ask") });
  const completed: Task = done.result.task;
  const waiting: Task = asked.result.task;
  expect(completed.status.state).toBe("TASK_STATE_COMPLETED");
  expect(waiting.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
  const snapshot = async () => ({
    completed: await rpc(a2a, "GetTask", { id: completed.id }),
    waiting: await rpc(a2a, "GetTask", { id: waiting.id }),
    list: await rpc(a2a, "ListTasks", {}),
    listWithArtifacts: await rpc(a2a, "ListTasks", { includeArtifacts: true }),
  });
  const before = await snapshot();
  expect(before.completed.result).toEqual(completed);
  expect(before.waiting.result).toEqual(waiting);
  expect(before.list.result.totalSize).toBe(2);
  expect(before.list.result.tasks.map((t: Task) => t.id).sort()).toEqual(
    [completed.id, waiting.id].sort(),
  );
  expect(calls).toBe(2);
  return { a2a, completed, waiting, snapshot, before, executions: () => calls };
}

interface BadInput {
  /** The request, given the fixture's task ids. */
  request: (f: { completedId: string; waitingId: string; contextId: string }) => Request;
  code: number;
  reason: string;
  /** HTTP status; 200 unless given. */
  status?: number;
  /** The only field the BadRequest detail must name (for -32602). */
  field?: string;
  /** The id the error must carry. */
  id: string | number | null;
}

const envelope = (method: string, params: unknown, id: unknown = "bad") =>
  JSON.stringify({ jsonrpc: "2.0", id, method, params });

const reply = (taskId: string, extra: Record<string, unknown> = {}) =>
  userMessage("more", { taskId, ...extra });

const BAD_INPUTS: Record<string, BadInput> = {
  "malformed JSON (truncated)": {
    request: ({ waitingId }) =>
      post(envelope("SendMessage", { message: reply(waitingId) }).slice(0, -10)),
    code: -32700,
    reason: "JSON_PARSE",
    id: null,
  },
  "malformed JSON (trailing garbage)": {
    request: ({ waitingId }) => post(`${envelope("CancelTask", { id: waitingId })}}`),
    code: -32700,
    reason: "JSON_PARSE",
    id: null,
  },
  "invalid UTF-8": {
    request: ({ waitingId }) => {
      const [head, tail] = envelope("SendMessage", { message: reply(waitingId) }).split("more");
      const encoder = new TextEncoder();
      return post(
        new Uint8Array([...encoder.encode(head), 0xc3, 0x28, 0xff, ...encoder.encode(tail)]),
      );
    },
    code: -32700,
    reason: "JSON_PARSE",
    id: null,
  },
  "parts as a string": {
    request: ({ waitingId }) =>
      post(envelope("SendMessage", { message: reply(waitingId, { parts: "more" }) })),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "message.parts",
    id: "bad",
  },
  "empty parts": {
    request: ({ waitingId }) =>
      post(envelope("SendMessage", { message: reply(waitingId, { parts: [] }) })),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "message.parts",
    id: "bad",
  },
  'role "USER"': {
    request: ({ waitingId }) =>
      post(envelope("SendMessage", { message: reply(waitingId, { role: "USER" }) })),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "message.role",
    id: "bad",
  },
  "messageId a number": {
    request: ({ waitingId }) =>
      post(envelope("SendMessage", { message: reply(waitingId, { messageId: 42 }) })),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "message.messageId",
    id: "bad",
  },
  "taskId a number": {
    request: () => post(envelope("SendMessage", { message: reply("x", { taskId: 7 }) })),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "message.taskId",
    id: "bad",
  },
  "a part with no content": {
    request: ({ waitingId }) =>
      post(envelope("SendMessage", { message: reply(waitingId, { parts: [{ text: "a" }, {}] }) })),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "message.parts[1]",
    id: "bad",
  },
  'GetTask historyLength "abc"': {
    request: ({ waitingId }) => post(envelope("GetTask", { id: waitingId, historyLength: "abc" })),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "historyLength",
    id: "bad",
  },
  'SendMessage configuration.historyLength "abc"': {
    request: ({ waitingId }) =>
      post(
        envelope("SendMessage", {
          message: reply(waitingId),
          configuration: { historyLength: "abc" },
        }),
      ),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "configuration.historyLength",
    id: "bad",
  },
  "ListTasks pageSize 0": {
    request: () => post(envelope("ListTasks", { pageSize: 0 })),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "pageSize",
    id: "bad",
  },
  "missing message": {
    request: () => post(envelope("SendMessage", {})),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "message",
    id: "bad",
  },
  "missing messageId": {
    request: ({ waitingId }) =>
      post(envelope("SendMessage", { message: reply(waitingId, { messageId: undefined }) })),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "message.messageId",
    id: "bad",
  },
  "missing role": {
    request: ({ waitingId }) =>
      post(envelope("SendMessage", { message: reply(waitingId, { role: undefined }) })),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "message.role",
    id: "bad",
  },
  "missing parts": {
    request: ({ waitingId }) =>
      post(envelope("SendMessage", { message: reply(waitingId, { parts: undefined }) })),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "message.parts",
    id: "bad",
  },
  "CancelTask without id": {
    request: () => post(envelope("CancelTask", {})),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "id",
    id: "bad",
  },
  "CancelTask with a numeric id": {
    request: () => post(envelope("CancelTask", { id: 1 })),
    code: -32602,
    reason: "INVALID_PARAMS",
    field: "id",
    id: "bad",
  },
  "CancelTask with params as an array": {
    request: ({ waitingId }) => post(envelope("CancelTask", [waitingId])),
    code: -32602,
    reason: "INVALID_PARAMS",
    id: "bad",
  },
  "CancelTask without jsonrpc": {
    request: ({ waitingId }) =>
      post(JSON.stringify({ id: "bad", method: "CancelTask", params: { id: waitingId } })),
    code: -32600,
    reason: "INVALID_REQUEST",
    id: "bad",
  },
  'CancelTask with jsonrpc "1.0"': {
    request: ({ waitingId }) =>
      post(
        JSON.stringify({
          jsonrpc: "1.0",
          id: "bad",
          method: "CancelTask",
          params: { id: waitingId },
        }),
      ),
    code: -32600,
    reason: "INVALID_REQUEST",
    id: "bad",
  },
  "CancelTask without an id (notification)": {
    request: ({ waitingId }) =>
      post(JSON.stringify({ jsonrpc: "2.0", method: "CancelTask", params: { id: waitingId } })),
    code: -32600,
    reason: "INVALID_REQUEST",
    id: null,
  },
  "CancelTask in a batch": {
    request: ({ waitingId }) => post(`[${envelope("CancelTask", { id: waitingId })}]`),
    code: -32600,
    reason: "INVALID_REQUEST",
    id: null,
  },
  "a body that is a JSON string": {
    request: ({ waitingId }) => post(JSON.stringify(envelope("CancelTask", { id: waitingId }))),
    code: -32600,
    reason: "INVALID_REQUEST",
    id: null,
  },
  "unknown method": {
    request: ({ waitingId }) => post(envelope("DeleteTask", { id: waitingId })),
    code: -32601,
    reason: "METHOD_NOT_FOUND",
    id: "bad",
  },
  "a 0.3 method with invalid 0.3 params": {
    request: ({ waitingId }) =>
      post(envelope("tasks/cancel", { taskId: waitingId }), { "a2a-version": undefined }),
    code: -32602,
    reason: "INVALID_PARAMS",
    id: "bad",
  },
  "an unsupported A2A-Version": {
    request: ({ waitingId }) =>
      post(envelope("CancelTask", { id: waitingId }), { "a2a-version": "0.5" }),
    code: -32009,
    reason: "VERSION_NOT_SUPPORTED",
    id: "bad",
  },
  "Content-Type text/plain": {
    request: ({ waitingId }) =>
      post(envelope("CancelTask", { id: waitingId }), { "content-type": "text/plain" }),
    code: -32005,
    reason: "CONTENT_TYPE_NOT_SUPPORTED",
    status: 415,
    id: null,
  },
  "Content-Type application/x-www-form-urlencoded": {
    request: ({ waitingId }) =>
      post(`id=${waitingId}`, { "content-type": "application/x-www-form-urlencoded" }),
    code: -32005,
    reason: "CONTENT_TYPE_NOT_SUPPORTED",
    status: 415,
    id: null,
  },
  "a part with an unaccepted mediaType": {
    request: ({ waitingId }) =>
      post(
        envelope("SendMessage", {
          message: reply(waitingId, {
            parts: [{ url: "https://files.test/a.png", mediaType: "image/png" }],
          }),
        }),
      ),
    code: -32005,
    reason: "CONTENT_TYPE_NOT_SUPPORTED",
    id: "bad",
  },
  "a push config in SendMessage": {
    request: ({ waitingId }) =>
      post(
        envelope("SendMessage", {
          message: reply(waitingId),
          configuration: { taskPushNotificationConfig: { url: "https://hooks.test/x" } },
        }),
      ),
    code: -32003,
    reason: "PUSH_NOTIFICATION_NOT_SUPPORTED",
    id: "bad",
  },
  "SendMessage to the completed task": {
    request: ({ completedId }) => post(envelope("SendMessage", { message: reply(completedId) })),
    code: -32004,
    reason: "UNSUPPORTED_OPERATION",
    id: "bad",
  },
  "CancelTask of the completed task": {
    request: ({ completedId }) => post(envelope("CancelTask", { id: completedId })),
    code: -32002,
    reason: "TASK_NOT_CANCELABLE",
    id: "bad",
  },
  "a body over maxBodyBytes with Content-Length": {
    request: ({ waitingId }) => {
      const body = envelope("SendMessage", {
        message: reply(waitingId, { parts: [{ text: "x".repeat(MAX_BODY_BYTES * 2) }] }),
      });
      return post(body, { "content-length": String(new TextEncoder().encode(body).byteLength) });
    },
    code: -32600,
    reason: "INVALID_REQUEST",
    status: 413,
    id: null,
  },
  "a body just over maxBodyBytes with Content-Length": {
    request: ({ waitingId }) => {
      const base = envelope("SendMessage", {
        message: reply(waitingId, { parts: [{ text: "" }] }),
      });
      const pad = "y".repeat(MAX_BODY_BYTES + 1 - new TextEncoder().encode(base).byteLength);
      const body = envelope("SendMessage", {
        message: reply(waitingId, { parts: [{ text: pad }] }),
      });
      expect(new TextEncoder().encode(body).byteLength).toBe(MAX_BODY_BYTES + 1);
      return post(body, { "content-length": String(MAX_BODY_BYTES + 1) });
    },
    code: -32600,
    reason: "INVALID_REQUEST",
    status: 413,
    id: null,
  },
};

async function expectBadInputError(response: Response, bad: BadInput): Promise<Json> {
  expect(response.status).toBe(bad.status ?? 200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body: Json = await response.json();
  expect(body.jsonrpc).toBe("2.0");
  expect(body).not.toHaveProperty("result");
  expect(body.id).toBe(bad.id);
  expect(body.error.code).toBe(bad.code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  const info = body.error.data.find((d: Json) => d["@type"] === ERROR_INFO);
  expect(info.reason).toBe(bad.reason);
  expect(info.domain).toBe("a2a-protocol.org");
  if (bad.field !== undefined) {
    const badRequest = body.error.data.find((d: Json) => d["@type"] === BAD_REQUEST);
    expect(badRequest.fieldViolations.map((v: Json) => v.field)).toEqual([bad.field]);
  }
  return body;
}

describe("bad inputs never change stored data", () => {
  it.each(Object.entries(BAD_INPUTS))("%s", async (_name, bad) => {
    const f = await setup();
    const response = await f.a2a.fetch(
      bad.request({
        completedId: f.completed.id,
        waitingId: f.waiting.id,
        contextId: f.waiting.contextId!,
      }),
    );
    await expectBadInputError(response, bad);
    expect(await f.snapshot()).toEqual(f.before);
    expect(f.executions()).toBe(2);
    expect(f.a2a.stats()).toEqual({ activeExecutions: 0, subscribers: 0 });
  });

  it("a streamed body over maxBodyBytes without Content-Length -> 413, stream cancelled", async () => {
    const f = await setup();
    const encoder = new TextEncoder();
    const head = encoder.encode(
      `{"jsonrpc":"2.0","id":"big","method":"SendMessage","params":{"message":{"messageId":"m-big","role":"ROLE_USER","taskId":"${f.waiting.id}","parts":[{"text":"`,
    );
    const chunk = encoder.encode("z".repeat(256));
    const maxChunks = 1000;
    let pulled = 0;
    let canceled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === 0) controller.enqueue(head);
        else if (pulled < maxChunks) controller.enqueue(chunk);
        else {
          controller.enqueue(encoder.encode('"}]}}}'));
          controller.close();
        }
        pulled++;
      },
      cancel() {
        canceled = true;
      },
    });
    const request = post(body, {}, { duplex: "half" } as RequestInit);
    expect(request.headers.get("content-length")).toBeNull();
    const response = await f.a2a.fetch(request);
    await expectBadInputError(response, {
      request: () => request,
      code: -32600,
      reason: "INVALID_REQUEST",
      status: 413,
      id: null,
    });
    // The server stopped reading at the limit instead of buffering the whole body.
    expect(canceled).toBe(true);
    expect(pulled).toBeLessThan(maxChunks);
    expect(await f.snapshot()).toEqual(f.before);
    expect(f.executions()).toBe(2);
  });

  it("a body at exactly maxBodyBytes is accepted", async () => {
    const f = await setup();
    const base = envelope("GetTask", { id: f.waiting.id, pad: "" });
    const pad = "p".repeat(MAX_BODY_BYTES - new TextEncoder().encode(base).byteLength);
    const body = envelope("GetTask", { id: f.waiting.id, pad });
    expect(new TextEncoder().encode(body).byteLength).toBe(MAX_BODY_BYTES);
    const response = await f.a2a.fetch(post(body, { "content-length": String(MAX_BODY_BYTES) }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ...f.before.waiting, id: "bad" });
    expect(await f.snapshot()).toEqual(f.before);
  });

  it("a mismatching contextId on the input-required task -> -32602 message.contextId", async () => {
    const f = await setup();
    const response = await f.a2a.fetch(
      rpcRequest(
        "SendMessage",
        { message: reply(f.waiting.id, { contextId: "some-other-context" }) },
        { id: "ctx" },
      ),
    );
    const body = await expectBadInputError(response, {
      request: () => rpcRequest("x"),
      code: -32602,
      reason: "INVALID_PARAMS",
      field: "message.contextId",
      id: "ctx",
    });
    expect(body.error.message).toContain("message.contextId");
    expect(await f.snapshot()).toEqual(f.before);
    expect(f.executions()).toBe(2);
    expect(f.a2a.stats()).toEqual({ activeExecutions: 0, subscribers: 0 });
    // The same message with the task's own contextId is accepted.
    const ok = await rpc(f.a2a, "SendMessage", {
      message: reply(f.waiting.id, { contextId: f.waiting.contextId }),
    });
    expect(ok.result.task.id).toBe(f.waiting.id);
    expect(ok.result.task.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("a bad streaming request changes nothing and opens no stream", async () => {
    const f = await setup();
    const response = await f.a2a.fetch(
      rpcRequest(
        "SendStreamingMessage",
        { message: reply(f.waiting.id, { role: "USER" }) },
        { id: "s" },
      ),
    );
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    await expectBadInputError(response, {
      request: () => rpcRequest("x"),
      code: -32602,
      reason: "INVALID_PARAMS",
      field: "message.role",
      id: "s",
    });
    expect(await f.snapshot()).toEqual(f.before);
    expect(f.a2a.stats()).toEqual({ activeExecutions: 0, subscribers: 0 });
  });
});

describe("unknown fields are accepted and ignored", () => {
  it("in a new message: success, nothing unknown stored", async () => {
    const f = await setup();
    const message = {
      messageId: "m-extra",
      role: "ROLE_USER",
      parts: [{ text: "hi", zzzPartField: "zzz-part" }],
      zzzMessageField: { nested: "zzz-message" },
    };
    const response = await f.a2a.fetch(
      post(
        JSON.stringify({
          jsonrpc: "2.0",
          id: "extra",
          method: "SendMessage",
          params: {
            message,
            configuration: { zzzConfigField: true },
            zzzParamsField: 1,
          },
          zzzEnvelopeField: "zzz-envelope",
        }),
      ),
    );
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain("zzz");
    const body = JSON.parse(text);
    expect(body.error).toBeUndefined();
    expect(body.id).toBe("extra");
    const task: Task = body.result.task;
    expect(task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(task.artifacts![0]!.parts).toEqual([{ text: "echo: hi" }]);

    const stored = await rpc(f.a2a, "GetTask", { id: task.id });
    expect(JSON.stringify(stored)).not.toContain("zzz");
    expect(stored.result.history[0]).toEqual({
      messageId: "m-extra",
      role: "ROLE_USER",
      parts: [{ text: "hi" }],
      contextId: task.contextId,
      taskId: task.id,
    });
    const listed = await rpc(f.a2a, "ListTasks", { includeArtifacts: true });
    expect(JSON.stringify(listed)).not.toContain("zzz");
    expect(listed.result.totalSize).toBe(3);

    // The tasks that were there before are untouched.
    const after = await f.snapshot();
    expect(after.completed).toEqual(f.before.completed);
    expect(after.waiting).toEqual(f.before.waiting);
    const byId = (list: Json) => Object.fromEntries(list.result.tasks.map((t: Task) => [t.id, t]));
    for (const id of [f.completed.id, f.waiting.id]) {
      expect(byId(after.list)[id]).toEqual(byId(f.before.list)[id]);
      expect(byId(after.listWithArtifacts)[id]).toEqual(byId(f.before.listWithArtifacts)[id]);
    }
  });

  it("in a reply to the input-required task: success, nothing unknown stored", async () => {
    const f = await setup();
    const body = await rpc(f.a2a, "SendMessage", {
      message: {
        ...reply(f.waiting.id),
        parts: [{ text: "more", zzzPart: 1 }],
        zzzMessage: "zzz",
      },
      zzzParams: "zzz",
    });
    expect(body.error).toBeUndefined();
    expect(body.result.task.id).toBe(f.waiting.id);
    expect(body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const stored = await rpc(f.a2a, "GetTask", { id: f.waiting.id });
    expect(JSON.stringify(stored)).not.toContain("zzz");
    const history = stored.result.history;
    expect(history.slice(0, f.waiting.history!.length)).toEqual(f.waiting.history);
    expect(history[f.waiting.history!.length].parts).toEqual([{ text: "more" }]);
    // The completed task is untouched.
    expect((await f.snapshot()).completed).toEqual(f.before.completed);
  });

  it("in read-only calls: same results as without them", async () => {
    const f = await setup();
    const got = await rpc(f.a2a, "GetTask", { id: f.waiting.id, zzzField: { a: 1 } });
    expect(got).toEqual(f.before.waiting);
    const listed = await rpc(f.a2a, "ListTasks", { zzzField: "x" });
    expect(listed).toEqual(f.before.list);
    expect(await f.snapshot()).toEqual(f.before);
  });
});
