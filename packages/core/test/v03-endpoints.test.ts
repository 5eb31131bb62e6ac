import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  type A2A,
  A2AError,
  type A2AOptions,
  type RequestContext,
  type RequestExtras,
} from "../src/index.js";
import * as v1 from "../src/wire/v1/index.js";
import * as v03 from "../src/wire/v03/index.js";
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
 * A2A 0.3 served on the 1.0 endpoints, end to end through `a2a.fetch`: the 0.3 JSON-RPC
 * methods on the same POST endpoint, the 0.3 HTTP+JSON routes under `/v1`, version
 * negotiation (spec 1.0 §3.6), the agent card shaped by version, and one task store seen
 * through both versions.
 */

const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
const BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";
const T0 = Date.parse("2025-03-01T12:00:00.000Z");
const CARD_URL = "http://agent.test/.well-known/agent-card.json";

const STATE_03: Readonly<Record<string, string>> = {
  TASK_STATE_SUBMITTED: "submitted",
  TASK_STATE_WORKING: "working",
  TASK_STATE_COMPLETED: "completed",
  TASK_STATE_FAILED: "failed",
  TASK_STATE_CANCELED: "canceled",
  TASK_STATE_INPUT_REQUIRED: "input-required",
  TASK_STATE_REJECTED: "rejected",
  TASK_STATE_AUTH_REQUIRED: "auth-required",
};
const ROLE_03: Readonly<Record<string, string>> = { ROLE_USER: "user", ROLE_AGENT: "agent" };

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

let nextId = 1;

/** A 0.3 user message with one text part (`kind` discriminators included). */
function msg03(text: string, extra: Record<string, unknown> = {}): Json {
  return {
    kind: "message",
    messageId: `m03-${nextId++}`,
    role: "user",
    parts: [{ kind: "text", text }],
    ...extra,
  };
}

interface RpcOptions {
  headers?: Record<string, string>;
  id?: unknown;
  /** Appended to the endpoint URL, e.g. `?A2A-Version=0.3`. */
  query?: string;
  context?: RequestExtras;
}

/** A JSON-RPC request as a 0.3 client sends it: no `A2A-Version` header unless given. */
function rpc03Request(method: string, params?: unknown, options: RpcOptions = {}): Request {
  const body: Record<string, unknown> = { jsonrpc: "2.0", id: options.id ?? 1, method };
  if (params !== undefined) body.params = params;
  return new Request(`${BASE}${options.query ?? ""}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...options.headers },
    body: JSON.stringify(body),
  });
}

/** A unary JSON-RPC call without version header: HTTP 200, JSON, the parsed body. */
async function rpc03(
  a2a: A2A,
  method: string,
  params?: unknown,
  options: RpcOptions = {},
): Promise<Json> {
  const response = await a2a.fetch(rpc03Request(method, params, options), options.context);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/json");
  const body = JSON.parse(text) as Json;
  expect(body.jsonrpc).toBe("2.0");
  return body;
}

/** A JSON-RPC error with its `ErrorInfo` detail. */
function expectRpcError(body: Json, code: number, reason: string, id: unknown = 1): void {
  expect(body.jsonrpc).toBe("2.0");
  expect(body.id).toEqual(id);
  expect(body.result, JSON.stringify(body)).toBeUndefined();
  expect(body.error.code, JSON.stringify(body.error)).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.data[0]["@type"]).toBe(ERROR_INFO);
  expect(body.error.data[0].reason).toBe(reason);
  expect(body.error.data[0].domain).toBe("a2a-protocol.org");
  expect(typeof body.error.data[0].metadata.timestamp).toBe("string");
}

/** -32602 whose `BadRequest` names exactly `fields`. */
function expectRpcInvalidParams(body: Json, fields: string[], id: unknown = 1): void {
  expectRpcError(body, -32602, "INVALID_PARAMS", id);
  expect(body.error.data).toHaveLength(2);
  expect(body.error.data[1]["@type"]).toBe(BAD_REQUEST);
  expect(body.error.data[1].fieldViolations.map((v: Json) => v.field)).toEqual(fields);
  for (const violation of body.error.data[1].fieldViolations) {
    expect(typeof violation.description).toBe("string");
    expect(violation.description.length).toBeGreaterThan(0);
  }
}

interface RestOptions {
  /** A JSON body, sent as `application/json` (the 0.3 content type). */
  body?: unknown;
  /** A body sent as is, as `application/json`. */
  raw?: string;
  headers?: Record<string, string>;
  context?: RequestExtras;
}

/** An HTTP+JSON request below the mount point; no `A2A-Version` header unless given. */
function restRequest(method: string, path: string, options: RestOptions = {}): Request {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  return new Request(`${BASE}${path}`, { method, headers, body });
}

function call(a2a: A2A, method: string, path: string, options: RestOptions = {}) {
  return a2a.fetch(restRequest(method, path, options), options.context);
}

/** A successful unary HTTP+JSON call: HTTP 200 and the parsed body. */
async function ok(a2a: A2A, method: string, path: string, options: RestOptions = {}) {
  const response = await call(a2a, method, path, options);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as Json;
}

/** JSON-RPC codes of the error reasons, for the 0.3 HTTP+JSON error bodies. */
const CODE_OF: Readonly<Record<string, number>> = {
  JSON_PARSE: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  TASK_NOT_FOUND: -32001,
  TASK_NOT_CANCELABLE: -32002,
  PUSH_NOTIFICATION_NOT_SUPPORTED: -32003,
  UNSUPPORTED_OPERATION: -32004,
  CONTENT_TYPE_NOT_SUPPORTED: -32005,
  EXTENDED_AGENT_CARD_NOT_CONFIGURED: -32007,
  VERSION_NOT_SUPPORTED: -32009,
};

/**
 * An error body with its `ErrorInfo` detail: a `google.rpc.Status` (1.0), or on 0.3 routes
 * the JSON-RPC error object `{code, message, data}` the 0.3 REST clients read, normalised
 * to the Status form for the caller's further checks.
 */
async function expectStatusError(
  response: Response,
  httpStatus: number,
  grpcStatus: string,
  reason: string,
): Promise<Json> {
  const text = await response.text();
  expect(response.status, text).toBe(httpStatus);
  expect(response.headers.get("content-type")).not.toBe("text/event-stream");
  const raw = JSON.parse(text) as Json;
  if (!("error" in raw)) {
    expect(Object.keys(raw).sort()).toEqual(["code", "data", "message"]);
    expect(raw.code).toBe(CODE_OF[reason]);
    expect(raw.message.length).toBeGreaterThan(0);
    expect(raw.data[0]["@type"]).toBe(ERROR_INFO);
    expect(raw.data[0].reason).toBe(reason);
    return { error: { details: raw.data, message: raw.message } };
  }
  const body = raw;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "details", "message", "status"]);
  expect(body.error.code).toBe(httpStatus);
  expect(body.error.status).toBe(grpcStatus);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.details[0]["@type"]).toBe(ERROR_INFO);
  expect(body.error.details[0].reason).toBe(reason);
  expect(body.error.details[0].domain).toBe("a2a-protocol.org");
  expect(typeof body.error.details[0].metadata.timestamp).toBe("string");
  return body;
}

/** 400 INVALID_PARAMS whose `BadRequest` names exactly `fields`. */
async function expectRestInvalidParams(response: Response, fields: string[]): Promise<Json> {
  const body = await expectStatusError(response, 400, "INVALID_ARGUMENT", "INVALID_PARAMS");
  expect(body.error.details).toHaveLength(2);
  expect(body.error.details[1]["@type"]).toBe(BAD_REQUEST);
  expect(body.error.details[1].fieldViolations.map((v: Json) => v.field)).toEqual(fields);
  return body;
}

/** A stream of exactly one event, a JSON-RPC error response: returns it. */
async function readStreamError(response: Response): Promise<Json> {
  expectSse(response);
  const { events } = parseSse(await response.text());
  expect(events).toHaveLength(1);
  expect(events[0].result).toBeUndefined();
  return events[0];
}

function expectSse(response: Response): void {
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/event-stream");
}

/** `value` is valid for the 0.3 schema and carries no field the schema does not know. */
function expectWire(schema: z.ZodType, value: unknown): void {
  const parsed = schema.safeParse(value);
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  expect(parsed.data).toEqual(value);
}

// ---------------------------------------------------------------------------------------
// Version-neutral views of a task, to compare what both versions say about it
// ---------------------------------------------------------------------------------------

function messageView1(message: Json) {
  return {
    messageId: message.messageId,
    role: ROLE_03[message.role],
    taskId: message.taskId,
    contextId: message.contextId,
    texts: message.parts.map((p: Json) => p.text),
  };
}

function messageView03(message: Json) {
  expect(message.kind).toBe("message");
  return {
    messageId: message.messageId,
    role: message.role,
    taskId: message.taskId,
    contextId: message.contextId,
    texts: message.parts.map((p: Json) => {
      expect(p.kind).toBe("text");
      return p.text;
    }),
  };
}

function taskView1(task: Json) {
  expect(task.kind).toBeUndefined();
  return {
    id: task.id,
    contextId: task.contextId,
    state: STATE_03[task.status.state],
    timestamp: task.status.timestamp,
    statusMessage: task.status.message && messageView1(task.status.message),
    artifacts: (task.artifacts ?? []).map((a: Json) => ({
      artifactId: a.artifactId,
      texts: a.parts.map((p: Json) => p.text),
    })),
    history: (task.history ?? []).map(messageView1),
  };
}

function taskView03(task: Json) {
  expect(task.kind).toBe("task");
  expectWire(v03.Task, task);
  return {
    id: task.id,
    contextId: task.contextId,
    state: task.status.state,
    timestamp: task.status.timestamp,
    statusMessage: task.status.message && messageView03(task.status.message),
    artifacts: (task.artifacts ?? []).map((a: Json) => ({
      artifactId: a.artifactId,
      texts: a.parts.map((p: Json) => {
        expect(p.kind).toBe("text");
        return p.text;
      }),
    })),
    history: (task.history ?? []).map(messageView03),
  };
}

// ---------------------------------------------------------------------------------------
// 0.3 HTTP+JSON answers in ProtoJSON, read back as the 0.3 JSON-RPC shapes, so both bindings
// can be compared (the ProtoJSON itself is checked against the official client elsewhere)
// ---------------------------------------------------------------------------------------

const STATE_FROM_PROTO: Readonly<Record<string, string>> = {
  TASK_STATE_SUBMITTED: "submitted",
  TASK_STATE_WORKING: "working",
  TASK_STATE_COMPLETED: "completed",
  TASK_STATE_FAILED: "failed",
  TASK_STATE_CANCELLED: "canceled",
  TASK_STATE_INPUT_REQUIRED: "input-required",
  TASK_STATE_REJECTED: "rejected",
  TASK_STATE_AUTH_REQUIRED: "auth-required",
};

function part03FromProto(part: Json): Json {
  if ("text" in part) return { kind: "text", text: part.text };
  if ("file" in part) {
    const { fileWithUri, fileWithBytes, mimeType } = part.file;
    const file = fileWithUri !== undefined ? { uri: fileWithUri } : { bytes: fileWithBytes };
    return { kind: "file", file: mimeType === undefined ? file : { ...file, mimeType } };
  }
  return { kind: "data", data: part.data.data };
}

function message03FromProto(message: Json): Json {
  expect(message.kind).toBeUndefined();
  expect(message.parts).toBeUndefined();
  const { content, role, ...rest } = message;
  return {
    kind: "message",
    ...rest,
    role: { ROLE_USER: "user", ROLE_AGENT: "agent" }[role as string],
    parts: content.map(part03FromProto),
  };
}

function status03FromProto(status: Json): Json {
  const { state, message, ...rest } = status;
  expect(STATE_FROM_PROTO[state]).toBeDefined();
  return {
    ...rest,
    state: STATE_FROM_PROTO[state],
    ...(message && { message: message03FromProto(message) }),
  };
}

function artifact03FromProto(artifact: Json): Json {
  return { ...artifact, parts: artifact.parts.map(part03FromProto) };
}

/** A ProtoJSON `Task` of a /v1 route as the 0.3 task JSON-RPC answers with. */
function task03FromProto(task: Json): Json {
  expect(task.kind).toBeUndefined();
  const { status, artifacts, history, ...rest } = task;
  return {
    kind: "task",
    ...rest,
    contextId: task.contextId ?? "",
    status: status03FromProto(status),
    ...(artifacts && { artifacts: artifacts.map(artifact03FromProto) }),
    ...(history && { history: history.map(message03FromProto) }),
  };
}

/** A ProtoJSON `StreamResponse` (one /v1 SSE event) as the bare 0.3 event. */
function event03FromProto(event: Json): Json {
  const [kind, ...others] = Object.keys(event);
  expect(others).toEqual([]);
  const value = event[kind!];
  if (kind === "task") return task03FromProto(value);
  if (kind === "message") return message03FromProto(value);
  if (kind === "statusUpdate") {
    return {
      kind: "status-update",
      ...value,
      status: status03FromProto(value.status),
      final: value.final ?? false,
    };
  }
  expect(kind).toBe("artifactUpdate");
  return { kind: "artifact-update", ...value, artifact: artifact03FromProto(value.artifact) };
}

/** GET /v1/tasks/{id}: the task, read back as the 0.3 JSON shape. */
async function getTask03(env: Env, id: string, query = ""): Promise<Json> {
  return task03FromProto(await ok(env.a2a, "GET", `/v1/tasks/${id}${query}`));
}

// ---------------------------------------------------------------------------------------
// The agent
// ---------------------------------------------------------------------------------------

interface Run {
  ctx: RequestContext;
  signal: AbortSignal;
  artifact: () => void;
  finish: () => void;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true }),
  );
}

/**
 * An agent whose behaviour depends on the text:
 * - a message continuing a task: WORKING, then COMPLETED ("thanks for <text>");
 * - "hello": answers with a Message, no task;
 * - "hold ...": WORKING, waits for `run.artifact()`, publishes artifact "result", waits for
 *   `run.finish()`, then COMPLETED ("done"), or INPUT_REQUIRED ("need more") for "hold ask";
 * - "input ...": WORKING ("thinking"), then INPUT_REQUIRED ("need more");
 * - "chunks ...": WORKING, artifact "doc" in two chunks (the second appended, last), COMPLETED;
 * - "parts ...": WORKING, an artifact with text, file (url and raw) and data parts, COMPLETED;
 * - anything else: WORKING ("thinking"), artifact "result", COMPLETED ("done").
 * The clock only moves when the test moves it.
 */
function setup(overrides: Partial<A2AOptions> = {}) {
  const clock = { t: T0, now: () => clock.t };
  const runs: Run[] = [];
  const calls: RequestContext[] = [];
  const a2a = makeAgent({
    clock,
    executor: async (ctx, task) => {
      calls.push(ctx);
      const text = ctx.text;
      if (ctx.task) {
        await task.working();
        await task.complete(`thanks for ${text}`);
        return;
      }
      if (text === "hello") {
        return { messageId: `reply-${calls.length}`, role: "ROLE_AGENT", parts: [{ text: "hi" }] };
      }
      if (text.startsWith("hold")) {
        const signal = ctx.signal;
        const artifactGate = gate();
        const finishGate = gate();
        await task.working();
        runs.push({
          ctx,
          signal,
          artifact: () => artifactGate.open(),
          finish: () => finishGate.open(),
        });
        await Promise.race([artifactGate.promise, untilAborted(signal)]);
        if (signal.aborted) return;
        await task.artifact({ artifactId: "result", parts: [{ text: `result: ${text}` }] });
        await Promise.race([finishGate.promise, untilAborted(signal)]);
        if (signal.aborted) return;
        if (text.startsWith("hold ask")) await task.inputRequired("need more");
        else await task.complete("done");
        return;
      }
      if (text.startsWith("chunks")) {
        await task.working();
        await task.artifact({ artifactId: "doc", parts: [{ text: "part one" }] });
        await task.artifact(
          { artifactId: "doc", parts: [{ text: "part two" }] },
          { append: true, lastChunk: true },
        );
        await task.complete("done");
        return;
      }
      if (text.startsWith("parts")) {
        await task.working();
        await task.artifact({
          artifactId: "mixed",
          name: "mixed",
          parts: [
            { text: "caption" },
            {
              url: "https://files.example.com/cat.png",
              mediaType: "image/png",
              filename: "cat.png",
            },
            { raw: "aGVsbG8=", mediaType: "application/octet-stream" },
            { data: { answer: 42, nested: { ok: true } } },
          ],
        });
        await task.complete("done");
        return;
      }
      await task.working("thinking");
      if (text.startsWith("input")) return task.inputRequired("need more");
      await task.artifact({ artifactId: "result", parts: [{ text: `result: ${text}` }] });
      await task.complete("done");
    },
    ...overrides,
  });
  return { a2a, clock, runs, calls };
}

type Env = ReturnType<typeof setup>;

/** 0.3 `message/send` that must answer with a task; moves the clock one second first. */
async function send03(env: Env, text: string, params: Record<string, unknown> = {}) {
  env.clock.t += 1000;
  const body = await rpc03(env.a2a, "message/send", { message: msg03(text), ...params });
  expect(body.error, JSON.stringify(body.error)).toBeUndefined();
  expect(body.result.kind).toBe("task");
  return body.result as Json;
}

/** 1.0 `SendMessage` that must answer with a task. */
async function send10(env: Env, text: string, params: Record<string, unknown> = {}) {
  env.clock.t += 1000;
  const body = await rpc(env.a2a, "SendMessage", { message: userMessage(text), ...params });
  expect(body.error, JSON.stringify(body.error)).toBeUndefined();
  return body.result.task as Json;
}

/** A "hold" task started through 0.3 with `blocking: false`; waits until the agent runs. */
async function hold03(env: Env, text = "hold on"): Promise<{ task: Json; run: Run }> {
  const before = env.runs.length;
  const task = await send03(env, text, { configuration: { blocking: false } });
  await until(() => env.runs.length === before + 1);
  return { task, run: env.runs[before]! };
}

/** A "hold" task started through 1.0 with `returnImmediately`; waits until the agent runs. */
async function hold10(env: Env, text = "hold on"): Promise<{ task: Json; run: Run }> {
  const before = env.runs.length;
  const task = await send10(env, text, { configuration: { returnImmediately: true } });
  await until(() => env.runs.length === before + 1);
  return { task, run: env.runs[before]! };
}

/** Every stored task of the default tenant, in full, via 1.0 ListTasks. */
async function snapshot(a2a: A2A): Promise<Json> {
  const body = await rpc(a2a, "ListTasks", { includeArtifacts: true, pageSize: 100 });
  expect(body.error).toBeUndefined();
  return body.result;
}

/** Reads a whole JSON-RPC SSE stream and checks every frame is a 0.3 stream result. */
async function readRpcStream(response: Response, id: unknown = 1): Promise<Json[]> {
  expectSse(response);
  const { events } = parseSse(await response.text());
  for (const event of events) {
    expect(event.jsonrpc).toBe("2.0");
    expect(event.id).toEqual(id);
    expect(event.error, JSON.stringify(event.error)).toBeUndefined();
    expectWire(v03.StreamResult, event.result);
  }
  return events.map((e) => e.result);
}

const summary = (e: Json) =>
  e.kind === "status-update"
    ? `status-update ${e.status.state} final=${e.final}`
    : e.kind === "artifact-update"
      ? `artifact-update ${e.artifact.artifactId} append=${e.append} lastChunk=${e.lastChunk}`
      : e.kind === "task"
        ? `task ${e.status.state}`
        : e.kind;

// ---------------------------------------------------------------------------------------
// 0.3 JSON-RPC methods
// ---------------------------------------------------------------------------------------

describe("0.3 JSON-RPC: message/send", () => {
  it("blocks until completion by default and answers with a bare 0.3 Task", async () => {
    const env = setup();
    const message = msg03("ok one");
    env.clock.t += 1000;
    const body = await rpc03(env.a2a, "message/send", { message }, { id: "req-7" });
    expect(body.id).toBe("req-7");
    const task = body.result;
    expectWire(v03.SendMessageResult, task);
    expect(Object.keys(body)).toEqual(["jsonrpc", "id", "result"]);
    expect(task.task).toBeUndefined();
    const ctx = env.calls[0]!;
    expect(task).toEqual({
      kind: "task",
      id: ctx.taskId,
      contextId: ctx.contextId,
      status: {
        state: "completed",
        timestamp: new Date(T0 + 1000).toISOString(),
        message: {
          kind: "message",
          messageId: task.status.message.messageId,
          role: "agent",
          parts: [{ kind: "text", text: "done" }],
          taskId: ctx.taskId,
          contextId: ctx.contextId,
        },
      },
      artifacts: [{ artifactId: "result", parts: [{ kind: "text", text: "result: ok one" }] }],
      history: [
        { ...message, taskId: ctx.taskId, contextId: ctx.contextId },
        {
          kind: "message",
          messageId: task.history[1].messageId,
          role: "agent",
          parts: [{ kind: "text", text: "thinking" }],
          taskId: ctx.taskId,
          contextId: ctx.contextId,
        },
        task.status.message,
      ],
    });
    // The agent saw a 1.0 message.
    expect(ctx.userMessage).toEqual({
      messageId: message.messageId,
      role: "ROLE_USER",
      parts: [{ text: "ok one" }],
      contextId: ctx.contextId,
    });
    expect(ctx.call.version).toBe("0.3");
  });

  it("blocks with configuration.blocking true too", async () => {
    const env = setup();
    const task = await send03(env, "ok two", { configuration: { blocking: true } });
    expect(task.status.state).toBe("completed");
    expect(task.artifacts[0].parts).toEqual([{ kind: "text", text: "result: ok two" }]);
  });

  it("blocking false answers at once with the submitted task while the agent runs", async () => {
    const env = setup();
    const { task, run } = await hold03(env);
    expectWire(v03.Task, task);
    expect(task.status.state).toBe("submitted");
    expect(task.history).toHaveLength(1);
    expect(env.a2a.stats().activeExecutions).toBe(1);
    const working = await rpc03(env.a2a, "tasks/get", { id: task.id });
    expect(working.result.status.state).toBe("working");
    run.artifact();
    run.finish();
    await until(() => env.a2a.stats().activeExecutions === 0);
    const done = await rpc03(env.a2a, "tasks/get", { id: task.id });
    expect(done.result.status.state).toBe("completed");
    expect(done.result.artifacts).toEqual([
      { artifactId: "result", parts: [{ kind: "text", text: "result: hold on" }] },
    ]);
  });

  it("configuration.historyLength limits the history of the answer", async () => {
    const env = setup();
    const task = await send03(env, "ok", { configuration: { historyLength: 1 } });
    expect(task.history.map((m: Json) => m.parts[0].text)).toEqual(["done"]);
    const full = await rpc03(env.a2a, "tasks/get", { id: task.id });
    expect(full.result.history).toHaveLength(3);
  });

  it("answers with a bare 0.3 Message when the agent answers without a task", async () => {
    const env = setup();
    const body = await rpc03(env.a2a, "message/send", { message: msg03("hello") });
    expectWire(v03.SendMessageResult, body.result);
    expect(body.result).toEqual({
      kind: "message",
      messageId: "reply-1",
      role: "agent",
      parts: [{ kind: "text", text: "hi" }],
      contextId: env.calls[0]!.contextId,
    });
    expect((await snapshot(env.a2a)).tasks).toEqual([]);
  });

  it("reads text, file and data parts, and writes them back in 0.3 shape", async () => {
    const env = setup({ card: { ...testCard, defaultInputModes: ["*/*"] } });
    const parts = [
      { kind: "text", text: "look" },
      {
        kind: "file",
        file: { uri: "https://files.example.com/a.png", mimeType: "image/png", name: "a.png" },
      },
      { kind: "file", file: { bytes: "aGk=", mimeType: "application/octet-stream" } },
      { kind: "data", data: { city: "Paris", days: [1, 2] } },
    ];
    const message = { ...msg03("x"), parts };
    const sent = await rpc03(env.a2a, "message/send", { message });
    expect(sent.result.history[0].parts).toEqual(parts);
    // Stored as 1.0 parts.
    const v1 = await rpc(env.a2a, "GetTask", { id: sent.result.id });
    expect(v1.result.history[0].parts).toEqual([
      { text: "look" },
      { url: "https://files.example.com/a.png", mediaType: "image/png", filename: "a.png" },
      { raw: "aGk=", mediaType: "application/octet-stream" },
      { data: { city: "Paris", days: [1, 2] } },
    ]);
    expect(env.calls[0]!.text).toBe("look");

    // Artifact parts written by the agent in 1.0 reach the 0.3 client as kind-tagged parts.
    const mixed = await send03(env, "parts please");
    expectWire(v03.Task, mixed);
    expect(mixed.artifacts).toEqual([
      {
        artifactId: "mixed",
        name: "mixed",
        parts: [
          { kind: "text", text: "caption" },
          {
            kind: "file",
            file: {
              uri: "https://files.example.com/cat.png",
              mimeType: "image/png",
              name: "cat.png",
            },
          },
          { kind: "file", file: { bytes: "aGVsbG8=", mimeType: "application/octet-stream" } },
          { kind: "data", data: { answer: 42, nested: { ok: true } } },
        ],
      },
    ]);
  });

  it("continues a task and answers -32001 for an unknown task id", async () => {
    const env = setup();
    const asked = await send03(env, "input please");
    expect(asked.status.state).toBe("input-required");
    expect(asked.status.message.parts).toEqual([{ kind: "text", text: "need more" }]);
    const done = await send03(env, "", {
      message: msg03("Paris", { taskId: asked.id, contextId: asked.contextId }),
    });
    expect(done.id).toBe(asked.id);
    expect(done.status.state).toBe("completed");
    expect(done.status.message.parts).toEqual([{ kind: "text", text: "thanks for Paris" }]);
    const unknown = await rpc03(env.a2a, "message/send", {
      message: msg03("hi", { taskId: "nope" }),
    });
    expectRpcError(unknown, -32001, "TASK_NOT_FOUND");
    expect(unknown.error.data[0].metadata.taskId).toBe("nope");
  });
});

describe("0.3 JSON-RPC: message/stream", () => {
  it("streams Task, working, artifact-update, completed (final only there), then closes", async () => {
    const env = setup();
    env.clock.t += 1000;
    const response = await env.a2a.fetch(
      rpc03Request("message/stream", { message: msg03("ok") }, { id: 42 }),
    );
    const events = await readRpcStream(response, 42);
    expect(events.map(summary)).toEqual([
      "task submitted",
      "status-update working final=false",
      "artifact-update result append=undefined lastChunk=undefined",
      "status-update completed final=true",
    ]);
    const ctx = env.calls[0]!;
    const [task, working, artifact, completed] = events;
    expect(task.id).toBe(ctx.taskId);
    expect(task.contextId).toBe(ctx.contextId);
    expect(task.history.map((m: Json) => [m.role, m.parts[0].text])).toEqual([["user", "ok"]]);
    for (const event of [working, artifact, completed]) {
      expect(event.taskId).toBe(ctx.taskId);
      expect(event.contextId).toBe(ctx.contextId);
    }
    expect(working.status.message.parts).toEqual([{ kind: "text", text: "thinking" }]);
    expect(artifact.artifact).toEqual({
      artifactId: "result",
      parts: [{ kind: "text", text: "result: ok" }],
    });
    expect(completed.status.message.parts).toEqual([{ kind: "text", text: "done" }]);
    await until(() => env.a2a.stats().subscribers === 0);
    expect(env.a2a.stats()).toEqual({ activeExecutions: 0, subscribers: 0 });
  });

  it("relays append and lastChunk as the agent published them", async () => {
    const env = setup();
    const response = await env.a2a.fetch(
      rpc03Request("message/stream", { message: msg03("chunks") }),
    );
    const events = await readRpcStream(response);
    expect(events.map(summary)).toEqual([
      "task submitted",
      "status-update working final=false",
      "artifact-update doc append=undefined lastChunk=undefined",
      "artifact-update doc append=true lastChunk=true",
      "status-update completed final=true",
    ]);
    expect(events[2].artifact.parts).toEqual([{ kind: "text", text: "part one" }]);
    expect(events[3].artifact.parts).toEqual([{ kind: "text", text: "part two" }]);
    const stored = await rpc03(env.a2a, "tasks/get", { id: events[0].id });
    expect(stored.result.artifacts).toEqual([
      {
        artifactId: "doc",
        parts: [
          { kind: "text", text: "part one" },
          { kind: "text", text: "part two" },
        ],
      },
    ]);
  });

  it("ends at input-required with final true", async () => {
    const env = setup();
    const response = await env.a2a.fetch(
      rpc03Request("message/stream", { message: msg03("input please") }),
    );
    const events = await readRpcStream(response);
    expect(events.map(summary)).toEqual([
      "task submitted",
      "status-update working final=false",
      "status-update input-required final=true",
    ]);
    expect(events[2].status.message.parts).toEqual([{ kind: "text", text: "need more" }]);
    await until(() => env.a2a.stats().subscribers === 0);
  });

  it("streams the task, then a final status-update carrying the agent's Message", async () => {
    const env = setup();
    const response = await env.a2a.fetch(
      rpc03Request("message/stream", { message: msg03("hello") }),
    );
    const events = await readRpcStream(response);
    expect(events.map((event: Json) => event.kind)).toEqual(["task", "status-update"]);
    expect(events[1]).toMatchObject({ final: true, status: { state: "completed" } });
    expect(events[1].status.message).toEqual({
      kind: "message",
      messageId: "reply-1",
      role: "agent",
      parts: [{ kind: "text", text: "hi" }],
      contextId: env.calls[0]!.contextId,
      taskId: events[0].id,
    });
  });

  it("answers early errors as a stream of one error event (0.3 §3.3.1)", async () => {
    const env = setup();
    const unknown = await env.a2a.fetch(
      rpc03Request("message/stream", { message: msg03("hi", { taskId: "nope" }) }),
    );
    expectRpcError(await readStreamError(unknown), -32001, "TASK_NOT_FOUND");
    const noStreaming = setup({ card: { ...testCard, capabilities: { streaming: false } } });
    const refused = await noStreaming.a2a.fetch(
      rpc03Request("message/stream", { message: msg03("ok") }),
    );
    expectRpcError(await readStreamError(refused), -32004, "UNSUPPORTED_OPERATION");
    expect(noStreaming.calls).toEqual([]);
    expect(env.calls).toEqual([]);
  });
});

describe("0.3 JSON-RPC: tasks/get, tasks/cancel", () => {
  it("tasks/get returns the bare 0.3 task; historyLength trims the history", async () => {
    const env = setup();
    const sent = await send03(env, "ok");
    const got = await rpc03(env.a2a, "tasks/get", { id: sent.id });
    expect(got.result).toEqual(sent);
    const none = await rpc03(env.a2a, "tasks/get", { id: sent.id, historyLength: 0 });
    expect(none.result.history).toBeUndefined();
    expect(none.result.artifacts).toEqual(sent.artifacts);
    const one = await rpc03(env.a2a, "tasks/get", { id: sent.id, historyLength: 1 });
    expect(one.result.history).toEqual([sent.history[2]]);
    const unknown = await rpc03(env.a2a, "tasks/get", { id: "nope" });
    expectRpcError(unknown, -32001, "TASK_NOT_FOUND");
  });

  it("tasks/cancel cancels a running task; -32002 when finished, -32001 when unknown", async () => {
    const env = setup();
    const { task, run } = await hold03(env);
    const canceled = await rpc03(env.a2a, "tasks/cancel", { id: task.id });
    expectWire(v03.Task, canceled.result);
    expect(canceled.result.kind).toBe("task");
    expect(canceled.result.id).toBe(task.id);
    expect(canceled.result.status.state).toBe("canceled");
    expect(run.signal.aborted).toBe(true);
    const again = await rpc03(env.a2a, "tasks/cancel", { id: task.id });
    expectRpcError(again, -32002, "TASK_NOT_CANCELABLE");
    const unknown = await rpc03(env.a2a, "tasks/cancel", { id: "nope" });
    expectRpcError(unknown, -32001, "TASK_NOT_FOUND");
    await until(() => env.a2a.stats().activeExecutions === 0);
  });
});

describe("0.3 JSON-RPC: tasks/resubscribe", () => {
  it("starts with the current Task, relays events and closes after final:true", async () => {
    const env = setup();
    const { task, run } = await hold03(env);
    const response = await env.a2a.fetch(rpc03Request("tasks/resubscribe", { id: task.id }));
    expectSse(response);
    const events = sseEvents(response);
    const first = (await events.next()).value;
    expectWire(v03.StreamResult, first.result);
    expect(first.result.kind).toBe("task");
    expect(first.result.id).toBe(task.id);
    expect(first.result.status.state).toBe("working");
    run.artifact();
    const second = (await events.next()).value;
    expect(summary(second.result)).toBe(
      "artifact-update result append=undefined lastChunk=undefined",
    );
    run.finish();
    const third = (await events.next()).value;
    expectWire(v03.StreamResult, third.result);
    expect(summary(third.result)).toBe("status-update completed final=true");
    expect((await events.next()).done).toBe(true);
    await until(() => env.a2a.stats().subscribers === 0);
  });

  it("answers -32001 for an unknown task and -32004 for a finished one, as one SSE error event", async () => {
    const env = setup();
    const unknown = await env.a2a.fetch(rpc03Request("tasks/resubscribe", { id: "nope" }));
    expectRpcError(await readStreamError(unknown), -32001, "TASK_NOT_FOUND");
    const done = await send03(env, "ok");
    const finished = await env.a2a.fetch(rpc03Request("tasks/resubscribe", { id: done.id }));
    expectRpcError(await readStreamError(finished), -32004, "UNSUPPORTED_OPERATION");
    expect(env.a2a.stats().subscribers).toBe(0);
  });

  it("marks final:true only on the last event, also when the task stops for input", async () => {
    const env = setup();
    const { task, run } = await hold03(env, "hold ask");
    const response = await env.a2a.fetch(rpc03Request("tasks/resubscribe", { id: task.id }));
    expectSse(response);
    const stream = sseEvents(response);
    const events: Json[] = [];
    const take = async () => {
      const next = await stream.next();
      if (!next.done) events.push(next.value.result);
      return next;
    };
    await take();
    run.artifact();
    await take();
    run.finish();
    await take();
    expect(events.map(summary)).toEqual([
      "task working",
      "artifact-update result append=undefined lastChunk=undefined",
      "status-update input-required final=true",
    ]);
    // The task is continued; a 0.3 stream that said final:true must not go on after it.
    const done = await send03(env, "", {
      message: msg03("more", { taskId: task.id, contextId: task.contextId }),
    });
    expect(done.status.state).toBe("completed");
    while (!(await take()).done) {
      // drain whatever the stream still sends
    }
    const finals = events.map((e) => e.kind === "status-update" && e.final === true);
    expect(events.map(summary), "final:true must be the last event").toEqual(
      events.map(summary).slice(0, finals.indexOf(true) + 1),
    );
    await until(() => env.a2a.stats().subscribers === 0);
  });
});

describe("0.3 JSON-RPC: push notification configs and the extended card", () => {
  it.each([
    [
      "tasks/pushNotificationConfig/set",
      { taskId: "t-1", pushNotificationConfig: { url: "https://example.com/hook" } },
    ],
    ["tasks/pushNotificationConfig/get", { id: "t-1" }],
    ["tasks/pushNotificationConfig/get", { id: "t-1", pushNotificationConfigId: "c-1" }],
    ["tasks/pushNotificationConfig/list", { id: "t-1" }],
    ["tasks/pushNotificationConfig/delete", { id: "t-1", pushNotificationConfigId: "c-1" }],
  ])("%s %j answers -32003", async (method, params) => {
    const env = setup();
    expectRpcError(await rpc03(env.a2a, method, params), -32003, "PUSH_NOTIFICATION_NOT_SUPPORTED");
  });

  it("message/send asking for push notifications answers -32003 without running the agent", async () => {
    const env = setup();
    const body = await rpc03(env.a2a, "message/send", {
      message: msg03("ok"),
      configuration: { pushNotificationConfig: { url: "https://example.com/hook" } },
    });
    expectRpcError(body, -32003, "PUSH_NOTIFICATION_NOT_SUPPORTED");
    expect(env.calls).toEqual([]);
  });

  it("agent/getAuthenticatedExtendedCard answers -32004, or -32007 when the card declares one", async () => {
    const env = setup();
    expectRpcError(
      await rpc03(env.a2a, "agent/getAuthenticatedExtendedCard"),
      -32004,
      "UNSUPPORTED_OPERATION",
    );
    const declared = setup({
      card: { ...testCard, capabilities: { extendedAgentCard: true } },
    });
    expectRpcError(
      await rpc03(declared.a2a, "agent/getAuthenticatedExtendedCard", {}),
      -32007,
      "EXTENDED_AGENT_CARD_NOT_CONFIGURED",
    );
  });

  it("tasks/list is not a JSON-RPC method (0.3 has it for gRPC and REST only)", async () => {
    const env = setup();
    expectRpcError(await rpc03(env.a2a, "tasks/list", {}), -32601, "METHOD_NOT_FOUND");
    expectRpcError(
      await rpc03(env.a2a, "tasks/list", {}, { headers: { "a2a-version": "0.3" } }),
      -32601,
      "METHOD_NOT_FOUND",
    );
  });
});

// ---------------------------------------------------------------------------------------
// 0.3 HTTP+JSON routes under /v1
// ---------------------------------------------------------------------------------------

describe("0.3 HTTP+JSON routes under /v1", () => {
  it("POST /v1/message:send answers with a bare 0.3 Task, blocking by default", async () => {
    const env = setup();
    const message = msg03("ok rest");
    const task = await ok(env.a2a, "POST", "/v1/message:send", { body: { message } });
    expectWire(v03.SendMessageResult, task);
    expect(task.kind).toBe("task");
    expect(task.status.state).toBe("completed");
    expect(task.artifacts).toEqual([
      { artifactId: "result", parts: [{ kind: "text", text: "result: ok rest" }] },
    ]);
    expect(task.history.map((m: Json) => [m.role, m.parts[0].text])).toEqual([
      ["user", "ok rest"],
      ["agent", "thinking"],
      ["agent", "done"],
    ]);
    expect(task.history[0].messageId).toBe(message.messageId);
    expect(env.calls[0]!.call.version).toBe("0.3");
    expect(env.calls[0]!.tenant).toBe("");
  });

  it("POST /v1/message:send with blocking false answers at once; a Message answer is bare", async () => {
    const env = setup();
    const before = env.runs.length;
    const task = await ok(env.a2a, "POST", "/v1/message:send", {
      body: { message: msg03("hold on"), configuration: { blocking: false } },
    });
    expect(task.kind).toBe("task");
    expect(task.status.state).toBe("submitted");
    await until(() => env.runs.length === before + 1);
    env.runs[0]!.artifact();
    env.runs[0]!.finish();
    await until(() => env.a2a.stats().activeExecutions === 0);
    expect((await getTask03(env, task.id)).status.state).toBe("completed");
    const message = await ok(env.a2a, "POST", "/v1/message:send", {
      body: { message: msg03("hello") },
    });
    expectWire(v03.SendMessageResult, message);
    expect(message.kind).toBe("message");
    expect(message.parts).toEqual([{ kind: "text", text: "hi" }]);
  });

  it("POST /v1/message:stream streams bare 0.3 objects in order", async () => {
    const env = setup();
    const response = await call(env.a2a, "POST", "/v1/message:stream", {
      body: { message: msg03("chunks") },
    });
    expectSse(response);
    const { events } = parseSse(await response.text());
    for (const event of events) {
      expect(event.jsonrpc).toBeUndefined();
      expectWire(v03.StreamResult, event);
    }
    expect(events.map(summary)).toEqual([
      "task submitted",
      "status-update working final=false",
      "artifact-update doc append=undefined lastChunk=undefined",
      "artifact-update doc append=true lastChunk=true",
      "status-update completed final=true",
    ]);
    const unknown = await call(env.a2a, "POST", "/v1/message:stream", {
      body: { message: msg03("hi", { taskId: "nope" }) },
    });
    await expectStatusError(unknown, 404, "NOT_FOUND", "TASK_NOT_FOUND");
  });

  it("GET /v1/tasks/{id} returns the 0.3 task, with historyLength from the query", async () => {
    const env = setup();
    const sent = await send03(env, "ok");
    const got = await ok(env.a2a, "GET", `/v1/tasks/${sent.id}`);
    expect(got.status.state).toBe("TASK_STATE_COMPLETED");
    expect(got.history[0]).toMatchObject({ role: "ROLE_USER", content: [{ text: "ok" }] });
    expect(task03FromProto(got)).toEqual(sent);
    const one = await getTask03(env, sent.id, "?historyLength=1");
    expect(one.history).toEqual([sent.history[2]]);
    expect((await getTask03(env, sent.id, "?history_length=1")).history).toEqual(one.history);
    const none = await getTask03(env, sent.id, "?historyLength=0");
    expect(none.history).toBeUndefined();
    await expectStatusError(
      await call(env.a2a, "GET", "/v1/tasks/nope"),
      404,
      "NOT_FOUND",
      "TASK_NOT_FOUND",
    );
  });

  it("GET /v1/tasks lists the tasks as 0.3 tasks", async () => {
    const env = setup();
    const first = await send03(env, "ok one");
    const second = await send03(env, "input two");
    const listed = await ok(env.a2a, "GET", "/v1/tasks");
    expect(listed.tasks.map((t: Json) => t.id)).toEqual([second.id, first.id]);
    const tasks = listed.tasks.map(task03FromProto);
    for (const task of tasks) expectWire(v03.Task, task);
    expect(tasks.map((t: Json) => t.status.state)).toEqual(["input-required", "completed"]);
    expect(tasks[1].history).toEqual(first.history);
  });

  it("POST /v1/tasks/{id}:cancel cancels; 400 when finished, 404 when unknown", async () => {
    const env = setup();
    const { task, run } = await hold03(env);
    const canceled = await ok(env.a2a, "POST", `/v1/tasks/${task.id}:cancel`);
    expect(canceled.status.state).toBe("TASK_STATE_CANCELLED");
    expectWire(v03.Task, task03FromProto(canceled));
    expect(run.signal.aborted).toBe(true);
    await expectStatusError(
      await call(env.a2a, "POST", `/v1/tasks/${task.id}:cancel`),
      400,
      "FAILED_PRECONDITION",
      "TASK_NOT_CANCELABLE",
    );
    await expectStatusError(
      await call(env.a2a, "POST", "/v1/tasks/nope:cancel"),
      404,
      "NOT_FOUND",
      "TASK_NOT_FOUND",
    );
  });

  it.each([
    ["GET", {}],
    ["POST", {}],
    ["POST", { body: {} }],
  ] as Array<[string, RestOptions]>)(
    "%s /v1/tasks/{id}:subscribe %j streams the Task then 0.3 events until final",
    async (method, options) => {
      const env = setup();
      const { task, run } = await hold03(env);
      const response = await call(env.a2a, method, `/v1/tasks/${task.id}:subscribe`, options);
      expectSse(response);
      const events = sseEvents(response);
      const firstProto = (await events.next()).value;
      expect(Object.keys(firstProto)).toEqual(["task"]);
      const first = event03FromProto(firstProto);
      expectWire(v03.StreamResult, first);
      expect(summary(first)).toBe("task working");
      expect(first.id).toBe(task.id);
      run.artifact();
      expect(summary(event03FromProto((await events.next()).value))).toBe(
        "artifact-update result append=undefined lastChunk=undefined",
      );
      run.finish();
      const last = (await events.next()).value;
      expect(last.statusUpdate).toMatchObject({
        status: { state: "TASK_STATE_COMPLETED" },
        final: true,
      });
      expect(summary(event03FromProto(last))).toBe("status-update completed final=true");
      expect((await events.next()).done).toBe(true);
      await until(() => env.a2a.stats().subscribers === 0);
    },
  );

  it.each([
    [
      "POST",
      "/v1/tasks/t-1/pushNotificationConfigs",
      { taskId: "t-1", pushNotificationConfig: { url: "https://example.com/hook" } },
    ],
    ["GET", "/v1/tasks/t-1/pushNotificationConfigs", undefined],
    ["GET", "/v1/tasks/t-1/pushNotificationConfigs/c-1", undefined],
    ["DELETE", "/v1/tasks/t-1/pushNotificationConfigs/c-1", undefined],
  ])("%s %s answers 400 PUSH_NOTIFICATION_NOT_SUPPORTED", async (method, path, body) => {
    const env = setup();
    await expectStatusError(
      await call(env.a2a, method, path, { body }),
      400,
      "FAILED_PRECONDITION",
      "PUSH_NOTIFICATION_NOT_SUPPORTED",
    );
  });

  it("GET /v1/card answers 400 UNSUPPORTED_OPERATION, or EXTENDED_AGENT_CARD_NOT_CONFIGURED", async () => {
    const env = setup();
    await expectStatusError(
      await call(env.a2a, "GET", "/v1/card"),
      400,
      "FAILED_PRECONDITION",
      "UNSUPPORTED_OPERATION",
    );
    const declared = setup({ card: { ...testCard, capabilities: { extendedAgentCard: true } } });
    await expectStatusError(
      await call(declared.a2a, "GET", "/v1/card"),
      400,
      "FAILED_PRECONDITION",
      "EXTENDED_AGENT_CARD_NOT_CONFIGURED",
    );
    // The 1.0 name of that route is no 0.3 route.
    const response = await call(env.a2a, "GET", "/v1/extendedAgentCard");
    expect(response.status).toBe(404);
  });

  it("answers a wrong HTTP method with 405 and Allow", async () => {
    const env = setup();
    const response = await call(env.a2a, "GET", "/v1/message:send");
    expect(response.headers.get("allow")).toBe("POST");
    await expectStatusError(response, 405, "UNIMPLEMENTED", "INVALID_REQUEST");
  });

  it("answers with application/json, the 0.3 HTTP+JSON content type (0.3 §3.2.3)", async () => {
    const env = setup();
    const sent = await call(env.a2a, "POST", "/v1/message:send", {
      body: { message: msg03("ok") },
    });
    expect(sent.status).toBe(200);
    expect(sent.headers.get("content-type")).toBe("application/json");
    const error = await call(env.a2a, "GET", "/v1/tasks/nope");
    expect(error.status).toBe(404);
    expect(error.headers.get("content-type")).toBe("application/json");
  });
});

describe("0.3 HTTP+JSON speaks the ProtoJSON of the 0.3 gRPC messages", () => {
  /** A message as the official 0.3 REST clients send it. */
  const protoMessage = (text: string, extra: Record<string, unknown> = {}) => ({
    message_id: `pm-${text}`,
    role: "ROLE_USER",
    content: [{ text }],
    ...extra,
  });

  it("POST /v1/message:send reads the ProtoJSON request and answers {task} in ProtoJSON", async () => {
    const env = setup();
    const sent = await ok(env.a2a, "POST", "/v1/message:send", {
      body: { message: protoMessage("ok proto"), configuration: { blocking: true } },
    });
    expect(Object.keys(sent)).toEqual(["task"]);
    const { task } = sent;
    expect(task.kind).toBeUndefined();
    expect(task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(task.status.message).toMatchObject({ role: "ROLE_AGENT", content: [{ text: "done" }] });
    expect(task.artifacts).toEqual([
      { artifactId: "result", parts: [{ text: "result: ok proto" }] },
    ]);
    expect(task.history[0]).toMatchObject({
      messageId: "pm-ok proto",
      role: "ROLE_USER",
      content: [{ text: "ok proto" }],
    });
    expect(env.calls[0]!.call.version).toBe("0.3");
    expect(env.calls[0]!.userMessage.parts).toEqual([{ text: "ok proto" }]);
  });

  it("answers a Message as {message}, and reads the proto field name request too", async () => {
    const env = setup();
    const answer = await ok(env.a2a, "POST", "/v1/message:send", {
      body: { request: protoMessage("hello") },
    });
    expect(answer).toEqual({
      message: expect.objectContaining({ role: "ROLE_AGENT", content: [{ text: "hi" }] }),
    });
  });

  it("reads a present configuration without blocking as non-blocking (proto3 default false)", async () => {
    const env = setup();
    const sent = await ok(env.a2a, "POST", "/v1/message:send", {
      body: { message: protoMessage("hold on"), configuration: {} },
    });
    expect(sent.task.status.state).toBe("TASK_STATE_SUBMITTED");
    await until(() => env.runs.length === 1);
    env.runs[0]!.artifact();
    env.runs[0]!.finish();
    await until(() => env.a2a.stats().activeExecutions === 0);
  });

  it("POST /v1/message:stream streams StreamResponse ProtoJSON events", async () => {
    const env = setup();
    const response = await call(env.a2a, "POST", "/v1/message:stream", {
      body: { message: protoMessage("chunks") },
    });
    expectSse(response);
    const { events } = parseSse(await response.text());
    expect(events.map((e: Json) => Object.keys(e))).toEqual([
      ["task"],
      ["statusUpdate"],
      ["artifactUpdate"],
      ["artifactUpdate"],
      ["statusUpdate"],
    ]);
    expect(events[4].statusUpdate).toMatchObject({
      status: { state: "TASK_STATE_COMPLETED" },
      final: true,
    });
    expect(events[3].artifactUpdate).toMatchObject({ append: true, lastChunk: true });
  });

  it("refuses a ProtoJSON message without content, naming the proto field", async () => {
    const env = setup();
    const response = await call(env.a2a, "POST", "/v1/message:send", {
      body: { message: { messageId: "m", role: "ROLE_USER" } },
    });
    const body = await expectStatusError(response, 400, "INVALID_ARGUMENT", "INVALID_PARAMS");
    const violations = body.error.details[1].fieldViolations.map((v: Json) => v.field);
    expect(violations).toEqual(["message.content"]);
    expect(env.calls).toEqual([]);
  });

  it("sends an error inside an open stream as an `event: error` frame, on both versions", async () => {
    // Refuses only after the stream has opened (the first event is awaited 100 ms).
    const late = makeAgent({
      executor: async () => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        throw new A2AError("UNSUPPORTED_OPERATION", "Refused late");
      },
    });
    const cases: { path: string; body: unknown; headers: Record<string, string> }[] = [
      { path: "/v1/message:stream", body: { message: protoMessage("x") }, headers: {} },
      {
        path: "/message:stream",
        body: { message: { messageId: "m", role: "ROLE_USER", parts: [{ text: "x" }] } },
        headers: { "a2a-version": "1.0" },
      },
    ];
    const frames: Json[] = [];
    for (const { path, body, headers } of cases) {
      const response = await call(late, "POST", path, { body, headers });
      expectSse(response);
      const blocks = (await response.text()).split("\n\n").filter((b) => b.startsWith("event:"));
      expect(blocks).toHaveLength(1);
      const [eventLine, dataLine] = blocks[0]!.split("\n");
      expect(eventLine).toBe("event: error");
      frames.push(JSON.parse(dataLine!.slice("data: ".length)));
    }
    // 0.3: the JSON-RPC error object; 1.0: a google.rpc.Status.
    expect(frames[0]).toMatchObject({ code: -32004, message: "Refused late" });
    expect(frames[1].error).toMatchObject({
      status: "FAILED_PRECONDITION",
      message: "Refused late",
    });
  });
});

// ---------------------------------------------------------------------------------------
// Version negotiation
// ---------------------------------------------------------------------------------------

describe("version negotiation: JSON-RPC", () => {
  it("no header: 0.3 method names are 0.3, a 1.0-only name is served as 1.0", async () => {
    const env = setup();
    const v03Body = await rpc03(env.a2a, "message/send", { message: msg03("ok") });
    expect(v03Body.result.kind).toBe("task");
    expect(env.calls[0]!.call.version).toBe("0.3");
    const v1Body = await rpc03(env.a2a, "SendMessage", { message: userMessage("ok") });
    expect(Object.keys(v1Body.result)).toEqual(["task"]);
    expect(v1Body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(env.calls[1]!.call.version).toBe("1.0");
  });

  it.each([
    ["header 0.3", { headers: { "a2a-version": "0.3" } }],
    ["header 0.3.0", { headers: { "a2a-version": "0.3.0" } }],
    ["header ' 0.3 '", { headers: { "a2a-version": " 0.3 " } }],
    ["query 0.3", { query: "?A2A-Version=0.3" }],
  ] as Array<[string, RpcOptions]>)("%s is served as 0.3", async (_label, options) => {
    const env = setup();
    const body = await rpc03(env.a2a, "message/send", { message: msg03("ok") }, options);
    expect(body.result.kind).toBe("task");
    expect(body.result.status.state).toBe("completed");
    expect(env.calls[0]!.call.version).toBe("0.3");
    const wrong = await rpc03(env.a2a, "SendMessage", { message: userMessage("ok") }, options);
    expectRpcError(wrong, -32601, "METHOD_NOT_FOUND");
    expect(env.calls).toHaveLength(1);
  });

  it.each([
    ["header 1.0", { headers: { "a2a-version": "1.0" } }],
    ["query 1.0", { query: "?A2A-Version=1.0" }],
  ] as Array<[string, RpcOptions]>)(
    "%s refuses 0.3 method names with -32601",
    async (_label, options) => {
      const env = setup();
      for (const method of ["message/send", "tasks/get", "tasks/resubscribe"]) {
        const body = await rpc03(env.a2a, method, { message: msg03("ok"), id: "x" }, options);
        expectRpcError(body, -32601, "METHOD_NOT_FOUND");
      }
      expect(env.calls).toEqual([]);
    },
  );

  it.each([
    ["header 0.2", { headers: { "a2a-version": "0.2" } }, "0.2"],
    ["header 0.5", { headers: { "a2a-version": "0.5" } }, "0.5"],
    ["query 0.5", { query: "?A2A-Version=0.5" }, "0.5"],
  ] as Array<[string, RpcOptions, string]>)(
    "%s answers -32009 listing the supported versions",
    async (_label, options, requested) => {
      const env = setup();
      for (const [method, params] of [
        ["message/send", { message: msg03("ok") }],
        ["SendMessage", { message: userMessage("ok") }],
      ] as const) {
        const body = await rpc03(env.a2a, method, params, options);
        expectRpcError(body, -32009, "VERSION_NOT_SUPPORTED");
        expect(body.error.data[0].metadata.supportedVersions).toBe("1.0,0.3");
        expect(body.error.data[0].metadata.requestedVersion).toBe(requested);
      }
      expect(env.calls).toEqual([]);
      expect((await snapshot(env.a2a)).tasks).toEqual([]);
    },
  );
});

describe("version negotiation: HTTP+JSON", () => {
  it("/v1 without a header is 0.3; ?A2A-Version=0.3 and the 0.3 header too", async () => {
    const env = setup();
    for (const options of [{}, { headers: { "a2a-version": "0.3" } }]) {
      const task = await ok(env.a2a, "POST", "/v1/message:send", {
        body: { message: msg03("ok") },
        ...options,
      });
      expect(task.kind).toBe("task");
    }
    const viaQuery = await ok(env.a2a, "POST", "/v1/message:send?A2A-Version=0.3", {
      body: { message: msg03("ok") },
    });
    expect(viaQuery.kind).toBe("task");
    expect(env.calls.map((c) => [c.call.version, c.tenant])).toEqual([
      ["0.3", ""],
      ["0.3", ""],
      ["0.3", ""],
    ]);
  });

  it("with A2A-Version 1.0, /v1 is a 1.0 tenant named v1", async () => {
    const env = setup();
    const sent = await ok(env.a2a, "POST", "/v1/message:send", {
      body: { message: userMessage("ok") },
      headers: { "a2a-version": "1.0" },
    });
    expect(Object.keys(sent)).toEqual(["task"]);
    expect(sent.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(env.calls[0]!.tenant).toBe("v1");
    expect(env.calls[0]!.call.version).toBe("1.0");
    const inTenant = await rpc(env.a2a, "GetTask", { id: sent.task.id, tenant: "v1" });
    expect(inTenant.result).toEqual(sent.task);
    expectRpcError(await rpc(env.a2a, "GetTask", { id: sent.task.id }), -32001, "TASK_NOT_FOUND");
    expectRpcError(
      await rpc03(env.a2a, "tasks/get", { id: sent.task.id }),
      -32001,
      "TASK_NOT_FOUND",
    );
    const read = await ok(env.a2a, "GET", `/v1/tasks/${sent.task.id}`, {
      headers: { "a2a-version": "1.0" },
    });
    expect(read).toEqual(sent.task);
    // Without the header the same path is the 0.3 route, which has no tenant.
    await expectStatusError(
      await call(env.a2a, "GET", `/v1/tasks/${sent.task.id}`),
      404,
      "NOT_FOUND",
      "TASK_NOT_FOUND",
    );
    // A 0.3 body is no 1.0 request.
    await expectStatusError(
      await call(env.a2a, "POST", "/v1/message:send", {
        body: { message: msg03("ok") },
        headers: { "a2a-version": "1.0" },
      }),
      400,
      "INVALID_ARGUMENT",
      "INVALID_PARAMS",
    );
  });

  it.each([
    ["POST", "/message:send", { message: msg03("ok") }],
    ["POST", "/message:stream", { message: msg03("ok") }],
    ["GET", "/tasks", undefined],
    ["GET", "/tasks/t-1", undefined],
    ["POST", "/tasks/t-1:cancel", undefined],
    ["GET", "/extendedAgentCard", undefined],
    ["GET", "/acme/tasks", undefined],
  ])("A2A-Version 0.3 on the 1.0 route %s %s answers 404", async (method, path, body) => {
    const env = setup();
    const response = await call(env.a2a, method, path, {
      body,
      headers: { "a2a-version": "0.3" },
    });
    await expectStatusError(response, 404, "NOT_FOUND", "METHOD_NOT_FOUND");
    expect(env.calls).toEqual([]);
  });

  it.each([
    ["header 0.5", { headers: { "a2a-version": "0.5" } }, ""],
    ["header 0.2", { headers: { "a2a-version": "0.2" } }, ""],
    ["query 0.5", {}, "?A2A-Version=0.5"],
  ] as Array<[string, RestOptions, string]>)(
    "%s on a /v1 route answers 400 VERSION_NOT_SUPPORTED",
    async (_label, options, query) => {
      const env = setup();
      for (const [method, path, body] of [
        ["POST", "/v1/message:send", { message: msg03("ok") }],
        ["GET", "/v1/tasks/t-1", undefined],
        ["GET", "/v1/tasks", undefined],
      ] as const) {
        const response = await call(env.a2a, method, `${path}${query}`, { ...options, body });
        const error = await expectStatusError(
          response,
          400,
          "FAILED_PRECONDITION",
          "VERSION_NOT_SUPPORTED",
        );
        expect(error.error.details[0].metadata.supportedVersions).toBe("1.0,0.3");
      }
      expect(env.calls).toEqual([]);
    },
  );
});

// ---------------------------------------------------------------------------------------
// The agent card by version
// ---------------------------------------------------------------------------------------

describe("agent card by version", () => {
  const expected03 = {
    protocolVersion: "0.3.0",
    name: "Test agent",
    description: "An agent for tests",
    url: "http://agent.test/a2a",
    preferredTransport: "JSONRPC",
    additionalInterfaces: [
      { url: "http://agent.test/a2a", transport: "JSONRPC" },
      { url: "http://agent.test/a2a", transport: "HTTP+JSON" },
    ],
    version: "1.0.0",
    capabilities: { streaming: true, pushNotifications: false },
    defaultInputModes: ["text/plain"],
    defaultOutputModes: ["text/plain"],
    skills: testCard.skills,
  };

  const v03Request = (url = CARD_URL) => new Request(url, { headers: { "a2a-version": "0.3" } });

  it("A2A-Version 0.3 gets the pure 0.3 card, valid for the 0.3 schema", async () => {
    const env = setup();
    for (const url of [CARD_URL, `${BASE}/.well-known/agent-card.json`]) {
      const response = await env.a2a.fetch(v03Request(url));
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(response.headers.get("vary")).toBe("A2A-Version");
      const card = await response.json();
      expect(card).toEqual(expected03);
      expectWire(v03.AgentCard, card);
    }
  });

  it("a client without A2A-Version gets the hybrid card: the 1.0 card plus the 0.3 fields", async () => {
    const env = setup();
    const pure1 = await (await env.a2a.fetch(cardRequest(CARD_URL))).json();
    const response = await env.a2a.fetch(new Request(CARD_URL));
    expect(response.status).toBe(200);
    expect(response.headers.get("vary")).toBe("A2A-Version");
    const hybrid = await response.json();
    expect(hybrid).toEqual({
      ...pure1,
      protocolVersion: expected03.protocolVersion,
      url: expected03.url,
      preferredTransport: expected03.preferredTransport,
      additionalInterfaces: expected03.additionalInterfaces,
    });
    // Each version's reader finds its own fields.
    expect(v1.AgentCard.safeParse(hybrid).success).toBe(true);
    expect(v03.AgentCard.safeParse(hybrid).success).toBe(true);
  });

  it("A2A-Version 0.3, 0.3.0 and ?A2A-Version=0.3 get the same 0.3 card", async () => {
    const env = setup();
    const plain = await env.a2a.fetch(v03Request());
    const plainText = await plain.text();
    for (const request of [
      new Request(CARD_URL, { headers: { "a2a-version": "0.3.0" } }),
      new Request(`${CARD_URL}?A2A-Version=0.3`),
    ]) {
      const response = await env.a2a.fetch(request);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(plainText);
      expect(response.headers.get("etag")).toBe(plain.headers.get("etag"));
    }
  });

  it("A2A-Version 1.0 gets the 1.0 card; each shape has its own ETag and 304", async () => {
    const env = setup();
    const v1Response = await env.a2a.fetch(cardRequest(CARD_URL));
    const card1 = await v1Response.json();
    expect(card1.supportedInterfaces).toEqual([
      { url: "http://agent.test/a2a", protocolBinding: "JSONRPC", protocolVersion: "1.0" },
      { url: "http://agent.test/a2a", protocolBinding: "HTTP+JSON", protocolVersion: "1.0" },
    ]);
    expect(card1.url).toBeUndefined();
    expect(card1.protocolVersion).toBeUndefined();
    const v0 = await env.a2a.fetch(v03Request());
    expect(await v0.json()).toEqual(expected03);
    const hybrid = await env.a2a.fetch(new Request(CARD_URL));
    const etag1 = v1Response.headers.get("etag")!;
    const etag03 = v0.headers.get("etag")!;
    const etagHybrid = hybrid.headers.get("etag")!;
    for (const etag of [etag1, etag03, etagHybrid]) expect(etag).toMatch(/^".+"$/);
    expect(new Set([etag1, etag03, etagHybrid]).size).toBe(3);

    const same03 = await env.a2a.fetch(
      new Request(CARD_URL, { headers: { "a2a-version": "0.3", "if-none-match": etag03 } }),
    );
    expect(same03.status).toBe(304);
    expect(same03.headers.get("etag")).toBe(etag03);
    expect(await same03.text()).toBe("");
    const sameHybrid = await env.a2a.fetch(
      new Request(CARD_URL, { headers: { "if-none-match": etagHybrid } }),
    );
    expect(sameHybrid.status).toBe(304);
    const same1 = await env.a2a.fetch(
      cardRequest(CARD_URL, { headers: { "if-none-match": etag1 } }),
    );
    expect(same1.status).toBe(304);
    expect(same1.headers.get("etag")).toBe(etag1);
    const crossed03 = await env.a2a.fetch(
      new Request(CARD_URL, { headers: { "a2a-version": "0.3", "if-none-match": etag1 } }),
    );
    expect(crossed03.status).toBe(200);
    expect(await crossed03.json()).toEqual(expected03);
    const crossed1 = await env.a2a.fetch(
      cardRequest(CARD_URL, { headers: { "if-none-match": etag03 } }),
    );
    expect(crossed1.status).toBe(200);
    expect(await crossed1.json()).toEqual(card1);
  });

  it("declares the extended card and follows the configured binding order", async () => {
    const env = setup({
      card: { ...testCard, capabilities: { extendedAgentCard: true } },
      bindings: ["HTTP+JSON", "JSONRPC"],
    });
    const card = await (await env.a2a.fetch(v03Request())).json();
    expectWire(v03.AgentCard, card);
    expect(card.supportsAuthenticatedExtendedCard).toBe(true);
    expect(card.capabilities).toEqual({ streaming: true, pushNotifications: false });
    expect(card.preferredTransport).toBe("HTTP+JSON");
    expect(card.additionalInterfaces).toEqual([
      { url: "http://agent.test/a2a", transport: "HTTP+JSON" },
      { url: "http://agent.test/a2a", transport: "JSONRPC" },
    ]);
  });

  it.each([
    [new Request(CARD_URL, { headers: { "a2a-version": "0.5" } }), "0.5"],
    [new Request(CARD_URL, { headers: { "a2a-version": "0.2" } }), "0.2"],
    [new Request(`${CARD_URL}?A2A-Version=2.0`), "2.0"],
  ])("an unsupported version answers 400 (%#)", async (request, requested) => {
    const env = setup();
    const error = await expectStatusError(
      await env.a2a.fetch(request),
      400,
      "FAILED_PRECONDITION",
      "VERSION_NOT_SUPPORTED",
    );
    expect(error.error.details[0].metadata.requestedVersion).toBe(requested);
    expect(error.error.details[0].metadata.supportedVersions).toBe("1.0,0.3");
  });
});

// ---------------------------------------------------------------------------------------
// One task store under both versions
// ---------------------------------------------------------------------------------------

describe("one task store under both versions", () => {
  it("a task created through 0.3 JSON-RPC is read and listed through 1.0, with the same content", async () => {
    const env = setup();
    const task03 = await send03(env, "ok shared");
    const got = await rpc(env.a2a, "GetTask", { id: task03.id });
    expect(taskView1(got.result)).toEqual(taskView03(task03));
    const rest = await ok(env.a2a, "GET", `/tasks/${task03.id}`, {
      headers: { "a2a-version": "1.0" },
    });
    expect(rest).toEqual(got.result);
    const listed = await rpc(env.a2a, "ListTasks", { includeArtifacts: true });
    expect(listed.result.tasks).toEqual([got.result]);
    const listedRest = await ok(env.a2a, "GET", "/tasks?includeArtifacts=true", {
      headers: { "a2a-version": "1.0" },
    });
    expect(listedRest.tasks).toEqual([got.result]);
    expect(taskView1(got.result).history.map((m: Json) => [m.role, m.texts])).toEqual([
      ["user", ["ok shared"]],
      ["agent", ["thinking"]],
      ["agent", ["done"]],
    ]);
  });

  it("a task created through 0.3 REST is read through 1.0 JSON-RPC and REST", async () => {
    const env = setup();
    env.clock.t += 1000;
    const task03 = await ok(env.a2a, "POST", "/v1/message:send", {
      body: { message: msg03("ok rest") },
    });
    const got = await rpc(env.a2a, "GetTask", { id: task03.id });
    expect(taskView1(got.result)).toEqual(taskView03(task03));
    expect(
      await ok(env.a2a, "GET", `/tasks/${task03.id}`, { headers: { "a2a-version": "1.0" } }),
    ).toEqual(got.result);
  });

  it("a task created through 1.0 is read and listed through 0.3, with the same content", async () => {
    const env = setup();
    const task1 = await send10(env, "ok one");
    env.clock.t += 1000;
    const restSent = await ok(env.a2a, "POST", "/message:send", {
      body: { message: userMessage("input two") },
      headers: { "a2a-version": "1.0" },
    });
    const task1b = restSent.task;
    for (const task of [task1, task1b]) {
      const viaRpc = await rpc03(env.a2a, "tasks/get", { id: task.id });
      expect(taskView03(viaRpc.result)).toEqual(taskView1(task));
      expect(await getTask03(env, task.id)).toEqual(viaRpc.result);
    }
    const listed = await ok(env.a2a, "GET", "/v1/tasks?includeArtifacts=true");
    expect(listed.tasks.map(task03FromProto).map(taskView03)).toEqual([
      taskView1(task1b),
      taskView1(task1),
    ]);
  });

  it("a task created through 0.3 is canceled through 1.0 JSON-RPC and REST", async () => {
    const env = setup();
    const a = await hold03(env);
    const canceled = await rpc(env.a2a, "CancelTask", { id: a.task.id });
    expect(canceled.result.status.state).toBe("TASK_STATE_CANCELED");
    expect(a.run.signal.aborted).toBe(true);
    expect((await rpc03(env.a2a, "tasks/get", { id: a.task.id })).result.status.state).toBe(
      "canceled",
    );
    const b = await hold03(env);
    const viaRest = await ok(env.a2a, "POST", `/tasks/${b.task.id}:cancel`, {
      headers: { "a2a-version": "1.0" },
    });
    expect(viaRest.status.state).toBe("TASK_STATE_CANCELED");
    expect(b.run.signal.aborted).toBe(true);
    expect((await getTask03(env, b.task.id)).status.state).toBe("canceled");
    await until(() => env.a2a.stats().activeExecutions === 0);
  });

  it("a task created through 1.0 is canceled through 0.3 JSON-RPC and REST", async () => {
    const env = setup();
    const a = await hold10(env);
    const canceled = await rpc03(env.a2a, "tasks/cancel", { id: a.task.id });
    expect(canceled.result.kind).toBe("task");
    expect(canceled.result.status.state).toBe("canceled");
    expect(a.run.signal.aborted).toBe(true);
    expect((await rpc(env.a2a, "GetTask", { id: a.task.id })).result.status.state).toBe(
      "TASK_STATE_CANCELED",
    );
    const b = await hold10(env);
    const viaRest = task03FromProto(await ok(env.a2a, "POST", `/v1/tasks/${b.task.id}:cancel`));
    expect(viaRest.status.state).toBe("canceled");
    expect(b.run.signal.aborted).toBe(true);
    expect((await rpc(env.a2a, "GetTask", { id: b.task.id })).result.status.state).toBe(
      "TASK_STATE_CANCELED",
    );
    await until(() => env.a2a.stats().activeExecutions === 0);
  });

  it("a task created through 0.3 is followed through 1.0 SubscribeToTask", async () => {
    const env = setup();
    const { task, run } = await hold03(env);
    const response = await env.a2a.fetch(
      new Request(BASE, {
        method: "POST",
        headers: { "content-type": "application/json", "a2a-version": "1.0" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "SubscribeToTask",
          params: { id: task.id },
        }),
      }),
    );
    expectSse(response);
    const events = sseEvents(response);
    const first = (await events.next()).value.result;
    expect(first.task.id).toBe(task.id);
    expect(first.task.status.state).toBe("TASK_STATE_WORKING");
    run.artifact();
    expect((await events.next()).value.result.artifactUpdate.artifact.artifactId).toBe("result");
    run.finish();
    const last = (await events.next()).value.result;
    expect(last.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
    expect(last.statusUpdate.final).toBeUndefined();
    expect((await events.next()).done).toBe(true);
  });

  it("a task created through 1.0 is followed through 0.3 tasks/resubscribe and /v1 subscribe", async () => {
    const env = setup();
    const { task, run } = await hold10(env);
    const rpcStream = sseEvents(
      await env.a2a.fetch(rpc03Request("tasks/resubscribe", { id: task.id })),
    );
    const restStream = sseEvents(await call(env.a2a, "POST", `/v1/tasks/${task.id}:subscribe`));
    const firstRpc = (await rpcStream.next()).value.result;
    const firstRest = event03FromProto((await restStream.next()).value);
    expect(firstRpc).toEqual(firstRest);
    expect(summary(firstRpc)).toBe("task working");
    expect(firstRpc.history.map((m: Json) => [m.role, m.parts[0].text])).toEqual([
      ["user", "hold on"],
    ]);
    run.artifact();
    run.finish();
    const rest: Json[] = [];
    for (let next = await rpcStream.next(); !next.done; next = await rpcStream.next()) {
      rest.push(next.value.result);
    }
    expect(rest.map(summary)).toEqual([
      "artifact-update result append=undefined lastChunk=undefined",
      "status-update completed final=true",
    ]);
    const restEvents: Json[] = [];
    for (let next = await restStream.next(); !next.done; next = await restStream.next()) {
      restEvents.push(event03FromProto(next.value));
    }
    expect(restEvents).toEqual(rest);
    await until(() => env.a2a.stats().subscribers === 0);
  });

  it("multi-turn: a 1.0 task asking for input is continued with 0.3 message/send", async () => {
    const env = setup();
    const asked = await send10(env, "input please");
    expect(asked.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    const reply = msg03("Paris", { taskId: asked.id, contextId: asked.contextId });
    env.clock.t += 1000;
    const done = await rpc03(env.a2a, "message/send", { message: reply });
    expect(done.result.kind).toBe("task");
    expect(done.result.id).toBe(asked.id);
    expect(done.result.status.state).toBe("completed");
    expect(env.calls[1]!.task?.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    expect(env.calls[1]!.call.version).toBe("0.3");
    const v1 = await rpc(env.a2a, "GetTask", { id: asked.id });
    const view = taskView1(v1.result);
    expect(taskView03(done.result)).toEqual(view);
    expect(view.history.map((m: Json) => [m.role, m.texts])).toEqual([
      ["user", ["input please"]],
      ["agent", ["thinking"]],
      ["agent", ["need more"]],
      ["user", ["Paris"]],
      ["agent", ["thanks for Paris"]],
    ]);
    expect(view.history[3].messageId).toBe(reply.messageId);
  });

  it("multi-turn: a 0.3 streamed task asking for input is continued through 1.0", async () => {
    const env = setup();
    const events = await readRpcStream(
      await env.a2a.fetch(rpc03Request("message/stream", { message: msg03("input please") })),
    );
    const task = events[0];
    expect(events.at(-1).final).toBe(true);
    const done = await rpc(env.a2a, "SendMessage", {
      message: userMessage("Rome", { taskId: task.id, contextId: task.contextId }),
    });
    expect(done.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const v03Task = await rpc03(env.a2a, "tasks/get", { id: task.id });
    expect(taskView03(v03Task.result)).toEqual(taskView1(done.result.task));
    expect(v03Task.result.history.map((m: Json) => m.role)).toEqual([
      "user",
      "agent",
      "agent",
      "user",
      "agent",
    ]);
  });

  it("keeps tasks scoped to their principal across versions", async () => {
    const env = setup();
    const alice = { principal: { id: "alice" } };
    const bob = { principal: { id: "bob" } };
    const body = await rpc03(env.a2a, "message/send", { message: msg03("ok") }, { context: alice });
    const id = body.result.id;
    expect((await rpc03(env.a2a, "tasks/get", { id }, { context: alice })).result.id).toBe(id);
    expectRpcError(
      await rpc03(env.a2a, "tasks/get", { id }, { context: bob }),
      -32001,
      "TASK_NOT_FOUND",
    );
    const v1 = await env.a2a.fetch(
      new Request(BASE, {
        method: "POST",
        headers: { "content-type": "application/json", "a2a-version": "1.0" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id } }),
      }),
      alice,
    );
    expect((await v1.json()).result.id).toBe(id);
    await expectStatusError(
      await call(env.a2a, "GET", `/v1/tasks/${id}`, { context: bob }),
      404,
      "NOT_FOUND",
      "TASK_NOT_FOUND",
    );
  });
});

// ---------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------

const V03_METHODS = [
  "message/send",
  "message/stream",
  "tasks/get",
  "tasks/cancel",
  "tasks/resubscribe",
  "tasks/pushNotificationConfig/set",
  "tasks/pushNotificationConfig/get",
  "tasks/pushNotificationConfig/list",
  "tasks/pushNotificationConfig/delete",
  "agent/getAuthenticatedExtendedCard",
];

describe("bad input on 0.3 JSON-RPC", () => {
  it.each(V03_METHODS)("%s with bad JSON answers -32700", async (method) => {
    const env = setup();
    await send03(env, "input please");
    const before = await snapshot(env.a2a);
    const response = await env.a2a.fetch(
      new Request(BASE, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: `{"jsonrpc":"2.0","id":1,"method":"${method}","params":{`,
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expectRpcError(await response.json(), -32700, "JSON_PARSE", null);
    expect(await snapshot(env.a2a)).toEqual(before);
    expect(env.calls).toHaveLength(1);
  });

  const message = () => msg03("x");
  const BAD: Array<[string, string, (taskId: string) => unknown, string[]]> = [
    [
      "an unknown part kind",
      "message/send",
      () => ({ message: { ...message(), parts: [{ kind: "image", text: "x" }] } }),
      ["message.parts[0].kind"],
    ],
    [
      "a 1.0-shaped message",
      "message/send",
      () => ({ message: userMessage("x") }),
      ["message.role", "message.parts[0].kind"],
    ],
    [
      "a 1.0 role",
      "message/send",
      () => ({ message: { ...message(), role: "ROLE_USER" } }),
      ["message.role"],
    ],
    [
      "a role of the wrong type",
      "message/send",
      () => ({ message: { ...message(), role: 1 } }),
      ["message.role"],
    ],
    [
      "a text that is not a string",
      "message/send",
      () => ({ message: { ...message(), parts: [{ kind: "text", text: 5 }] } }),
      ["message.parts[0].text"],
    ],
    [
      "data that is not an object",
      "message/send",
      () => ({ message: { ...message(), parts: [{ kind: "data", data: [1, 2] }] } }),
      ["message.parts[0].data"],
    ],
    [
      "a wrong message kind",
      "message/send",
      () => ({ message: { ...message(), kind: "task" } }),
      ["message.kind"],
    ],
    [
      "blocking that is not a boolean",
      "message/send",
      () => ({ message: message(), configuration: { blocking: "no" } }),
      ["configuration.blocking"],
    ],
    ["no message", "message/send", () => ({}), ["message"]],
    [
      "a continued task with a wrong part",
      "message/send",
      (taskId) => ({ message: { ...message(), taskId, parts: [{ kind: "text" }] } }),
      ["message.parts[0].text"],
    ],
    [
      "an unknown part kind",
      "message/stream",
      () => ({ message: { ...message(), parts: [{ kind: "image", text: "x" }] } }),
      ["message.parts[0].kind"],
    ],
    [
      "a 1.0-shaped message",
      "message/stream",
      () => ({ message: userMessage("x") }),
      ["message.role", "message.parts[0].kind"],
    ],
    ["an id of the wrong type", "tasks/get", () => ({ id: 5 }), ["id"]],
    [
      "a negative historyLength",
      "tasks/get",
      (id) => ({ id, historyLength: -1 }),
      ["historyLength"],
    ],
    ["no id", "tasks/cancel", () => ({}), ["id"]],
    [
      "metadata that is not an object",
      "tasks/cancel",
      (id) => ({ id, metadata: "m" }),
      ["metadata"],
    ],
    ["a null id", "tasks/resubscribe", () => ({ id: null }), ["id"]],
    [
      "no config",
      "tasks/pushNotificationConfig/set",
      (taskId) => ({ taskId }),
      ["pushNotificationConfig"],
    ],
    [
      "a url of the wrong type",
      "tasks/pushNotificationConfig/set",
      (taskId) => ({ taskId, pushNotificationConfig: { url: 5 } }),
      ["pushNotificationConfig.url"],
    ],
    ["no id", "tasks/pushNotificationConfig/get", () => ({}), ["id"]],
    ["an id of the wrong type", "tasks/pushNotificationConfig/list", () => ({ id: 1 }), ["id"]],
    [
      "no config id",
      "tasks/pushNotificationConfig/delete",
      (id) => ({ id }),
      ["pushNotificationConfigId"],
    ],
  ];

  it.each(BAD)(
    "%s on %s answers -32602 naming the 0.3 field",
    async (_label, method, params, fields) => {
      const env = setup();
      const task = await send03(env, "input please");
      const before = await snapshot(env.a2a);
      const response = await env.a2a.fetch(rpc03Request(method, params(task.id), { id: "bad" }));
      expect(response.status).toBe(200);
      // A client that asked for a stream reads the error from one (0.3 §3.3.1).
      const streamed = method === "message/stream" || method === "tasks/resubscribe";
      const body = streamed ? await readStreamError(response) : await response.json();
      if (!streamed) expect(response.headers.get("content-type")).toBe("application/json");
      expectRpcInvalidParams(body, fields, "bad");
      expect(await snapshot(env.a2a)).toEqual(before);
      expect(env.calls).toHaveLength(1);
      expect(env.a2a.stats()).toEqual({ activeExecutions: 0, subscribers: 0 });
    },
  );

  it("ignores unknown fields and stores none of them", async () => {
    const env = setup();
    const message = {
      ...msg03("ok"),
      extra: "m",
      parts: [{ kind: "text", text: "ok", extra: "p" }],
    };
    const body = await rpc03(env.a2a, "message/send", {
      message,
      configuration: { blocking: true, extra: "c" },
      tenant: "acme",
      extra: "params",
    });
    const task = body.result;
    expect(task.history[0]).toEqual({
      kind: "message",
      messageId: message.messageId,
      role: "user",
      parts: [{ kind: "text", text: "ok" }],
      taskId: task.id,
      contextId: task.contextId,
    });
    expect(env.calls[0]!.tenant).toBe("");
    const v1 = await rpc(env.a2a, "GetTask", { id: task.id });
    expect(v1.result.history[0]).toEqual({
      messageId: message.messageId,
      role: "ROLE_USER",
      parts: [{ text: "ok" }],
      taskId: task.id,
      contextId: task.contextId,
    });
    const got = await rpc03(env.a2a, "tasks/get", { id: task.id, extra: true, tenant: "acme" });
    expect(got.result).toEqual(task);
  });
});

describe("bad input on 0.3 HTTP+JSON routes", () => {
  it.each([
    ["POST", "/v1/message:send"],
    ["POST", "/v1/message:stream"],
    ["POST", "/v1/tasks/TASK:cancel"],
    ["POST", "/v1/tasks/TASK:subscribe"],
    ["POST", "/v1/tasks/TASK/pushNotificationConfigs"],
  ])("%s %s with bad JSON answers 400 JSON_PARSE", async (method, path) => {
    const env = setup();
    const task = await send03(env, "input please");
    const before = await snapshot(env.a2a);
    const response = await call(env.a2a, method, path.replace("TASK", task.id), { raw: "{oops" });
    await expectStatusError(response, 400, "INVALID_ARGUMENT", "JSON_PARSE");
    expect(await snapshot(env.a2a)).toEqual(before);
    expect(env.a2a.stats()).toEqual({ activeExecutions: 0, subscribers: 0 });
  });

  it.each([
    [
      "POST",
      "/v1/message:send",
      { message: userMessage("x") },
      ["message.role", "message.parts[0].kind"],
    ],
    [
      "POST",
      "/v1/message:send",
      { message: { ...msg03("x"), parts: [{ kind: "image", text: "x" }] } },
      ["message.parts[0].kind"],
    ],
    [
      "POST",
      "/v1/message:send",
      { message: msg03("x"), configuration: { blocking: 1 } },
      ["configuration.blocking"],
    ],
    [
      "POST",
      "/v1/message:stream",
      { message: { ...msg03("x"), role: "ROLE_USER" } },
      ["message.role"],
    ],
    ["POST", "/v1/message:send", [1], [""]],
    ["GET", "/v1/tasks/TASK?historyLength=abc", undefined, ["historyLength"]],
    ["GET", "/v1/tasks/TASK?historyLength=-2", undefined, ["historyLength"]],
    ["GET", "/v1/tasks?pageSize=0", undefined, ["pageSize"]],
    ["POST", "/v1/tasks/TASK:cancel", { metadata: "m" }, ["metadata"]],
    ["POST", "/v1/tasks/TASK:subscribe", { metadata: 5 }, ["metadata"]],
    [
      "POST",
      "/v1/tasks/TASK/pushNotificationConfigs",
      { pushNotificationConfig: { url: 5 } },
      ["pushNotificationConfig.url"],
    ],
  ] as Array<[string, string, unknown, string[]]>)(
    "%s %s %j answers 400 INVALID_PARAMS naming the 0.3 field",
    async (method, path, body, fields) => {
      const env = setup();
      const task = await send03(env, "input please");
      const before = await snapshot(env.a2a);
      const response = await call(env.a2a, method, path.replace("TASK", task.id), { body });
      await expectRestInvalidParams(response, fields);
      expect(await snapshot(env.a2a)).toEqual(before);
      expect(env.calls).toHaveLength(1);
      expect(env.a2a.stats()).toEqual({ activeExecutions: 0, subscribers: 0 });
    },
  );

  it("POST /v1/message:send ignores unknown fields and stores none of them", async () => {
    const env = setup();
    const message = { ...msg03("ok"), extra: 1, parts: [{ kind: "text", text: "ok", extra: 2 }] };
    const task = await ok(env.a2a, "POST", "/v1/message:send", {
      body: { message, tenant: "acme", extra: 3, configuration: { extra: 4 } },
    });
    expect(env.calls[0]!.tenant).toBe("");
    const v1 = await rpc(env.a2a, "GetTask", { id: task.id });
    expect(v1.result.history[0]).toEqual({
      messageId: message.messageId,
      role: "ROLE_USER",
      parts: [{ text: "ok" }],
      taskId: task.id,
      contextId: task.contextId,
    });
    expect(await getTask03(env, task.id, "?extra=1&tenant=acme")).toEqual(task);
  });

  it("GET /v1/tasks ignores a tenant query parameter: 0.3 has no tenants", async () => {
    const env = setup();
    const own = await ok(env.a2a, "POST", "/v1/message:send", { body: { message: msg03("ok") } });
    const other = await ok(env.a2a, "POST", "/acme/message:send", {
      body: { message: userMessage("ok acme") },
      headers: { "a2a-version": "1.0" },
    });
    expect(env.calls.map((c) => c.tenant)).toEqual(["", "acme"]);
    const plain = await ok(env.a2a, "GET", "/v1/tasks");
    expect(plain.tasks.map((t: Json) => t.id)).toEqual([own.id]);
    await expectStatusError(
      await call(env.a2a, "GET", `/v1/tasks/${other.task.id}?tenant=acme`),
      404,
      "NOT_FOUND",
      "TASK_NOT_FOUND",
    );
    const withTenant = await ok(env.a2a, "GET", "/v1/tasks?tenant=acme");
    expect(withTenant.tasks.map((t: Json) => t.id)).toEqual([own.id]);
  });
});

describe("wrong content type on 0.3 methods and routes", () => {
  it.each(["message/send", "message/stream", "tasks/get", "tasks/cancel", "tasks/resubscribe"])(
    "JSON-RPC %s with text/plain answers 415 with -32005 and changes nothing",
    async (method) => {
      const env = setup();
      await send03(env, "ok");
      const before = await snapshot(env.a2a);
      const response = await env.a2a.fetch(
        rpc03Request(
          method,
          { message: msg03("hi"), id: "x" },
          { headers: { "content-type": "text/plain" } },
        ),
      );
      expect(response.status).toBe(415);
      expectRpcError(await response.json(), -32005, "CONTENT_TYPE_NOT_SUPPORTED", null);
      expect(await snapshot(env.a2a)).toEqual(before);
    },
  );

  it.each([
    ["POST", "/v1/message:send"],
    ["POST", "/v1/message:stream"],
    ["POST", "/v1/tasks/t-1:cancel"],
    ["POST", "/v1/tasks/t-1:subscribe"],
    ["POST", "/v1/tasks/t-1/pushNotificationConfigs"],
  ])(
    "%s %s with text/plain answers 415 as application/json and changes nothing",
    async (method, path) => {
      const env = setup();
      await send03(env, "ok");
      const before = await snapshot(env.a2a);
      const response = await call(env.a2a, method, path, {
        raw: JSON.stringify({ message: msg03("hi") }),
        headers: { "content-type": "text/plain" },
      });
      expect(response.headers.get("content-type")).toBe("application/json");
      await expectStatusError(response, 415, "INVALID_ARGUMENT", "CONTENT_TYPE_NOT_SUPPORTED");
      expect(await snapshot(env.a2a)).toEqual(before);
    },
  );

  it("answers a wrong method on a /v1 route with 405 as application/json", async () => {
    const env = setup();
    const response = await call(env.a2a, "DELETE", "/v1/message:send");
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("allow")).toBe("POST");
    await expectStatusError(response, 405, "UNIMPLEMENTED", "INVALID_REQUEST");
  });
});
