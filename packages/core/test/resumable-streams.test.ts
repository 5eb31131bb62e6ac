import { describe, expect, it } from "vitest";
import type { RequestContext, RequestExtras } from "../src/index.js";
import { BASE, gate, type Json, makeAgent, rpc, until, userMessage } from "./helpers.js";

/**
 * Resumable streams: every SSE frame of a task event carries `id: <taskId>:<seq>`, and a
 * client that comes back with `Last-Event-ID` gets exactly the events after that one, then
 * the live ones, on every binding and version (1.0 JSON-RPC and HTTP+JSON, 0.3 JSON-RPC and
 * HTTP+JSON), for subscriptions and streaming sends alike.
 */

/** How long one frame (or the end of a stream) may take before a test fails. */
const WAIT_MS = 2000;
const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
const BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";

// ---------------------------------------------------------------------------------------
// Reading SSE with the frames' ids
// ---------------------------------------------------------------------------------------

/** One SSE frame with data: its `id:` and `event:` lines (if any) and its data, parsed. */
interface Frame {
  id: string | undefined;
  event: string | undefined;
  data: Json;
}

/** A frame of an SSE block, or `undefined` for a block of comments only. */
function parseFrame(block: string): Frame | undefined {
  let id: string | undefined;
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("id: ")) id = line.slice(4);
    else if (line.startsWith("event: ")) event = line.slice(7);
    else if (line.startsWith("data: ")) data.push(line.slice(6));
  }
  if (data.length === 0) {
    expect(id, `an id without data: ${block}`).toBeUndefined();
    return undefined;
  }
  return { id, event, data: JSON.parse(data.join("\n")) };
}

/** Reads an SSE body frame by frame, each read bounded; `close()` drops the connection. */
class SseReader {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";
  readonly #frames: Frame[] = [];
  #done = false;

  constructor(response: Response) {
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    this.#reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next data frame, or `undefined` once the stream has ended. */
  async next(ms = WAIT_MS): Promise<Frame | undefined> {
    const deadline = Date.now() + ms;
    while (this.#frames.length === 0) {
      if (this.#done) return undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no SSE frame nor end within ${ms} ms`)),
          Math.max(0, deadline - Date.now()),
        );
      });
      let read: ReadableStreamReadResult<string>;
      try {
        read = await Promise.race([this.#reader.read(), timeout]);
      } catch (error) {
        await this.close();
        throw error;
      } finally {
        clearTimeout(timer);
      }
      if (read.done) {
        this.#done = true;
        expect(this.#buffer.trim(), "a partial frame at the end of the stream").toBe("");
        continue;
      }
      this.#buffer += read.value;
      let end = this.#buffer.indexOf("\n\n");
      while (end >= 0) {
        const frame = parseFrame(this.#buffer.slice(0, end));
        this.#buffer = this.#buffer.slice(end + 2);
        if (frame) this.#frames.push(frame);
        end = this.#buffer.indexOf("\n\n");
      }
    }
    return this.#frames.shift();
  }

  /** The next frame, which must be there. */
  async take(ms = WAIT_MS): Promise<Frame> {
    const frame = await this.next(ms);
    expect(frame, "the stream ended early").toBeDefined();
    return frame!;
  }

  /** Every frame up to the end of the stream. */
  async rest(ms = WAIT_MS): Promise<Frame[]> {
    const out: Frame[] = [];
    for (let frame = await this.next(ms); frame; frame = await this.next(ms)) out.push(frame);
    return out;
  }

  /** The client goes away. */
  async close(): Promise<void> {
    this.#done = true;
    await this.#reader.cancel().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// The bindings
// ---------------------------------------------------------------------------------------

/** A stream event, whatever the binding: what it is and says, in 1.0 terms. */
interface View {
  kind: "task" | "status" | "artifact" | "message";
  taskId: string;
  /** A snapshot's context. */
  contextId?: string;
  state?: string;
  /** Artifact texts: an artifact update's, or all of a snapshot's. */
  texts?: string[];
}

interface StreamCall {
  lastEventId?: string;
  principal?: { id: string };
}

interface SendCall extends StreamCall {
  /** Continues this task. */
  taskId?: string;
  contextId?: string;
}

interface Binding {
  name: string;
  /** Whether a subscription ends at the first pause (INPUT_REQUIRED), as 0.3's does. */
  subscriptionEndsAtPause: boolean;
  /** A streaming send of a message with this text; `messageId` is the message's. */
  send(text: string, call?: SendCall): { request: Request; messageId: string };
  subscribe(taskId: string, call?: StreamCall): Request;
  /** The stream event a data frame carries (and checks that it is no error). */
  view(data: Json): View;
  /** Checks the binding's InvalidParams answer naming `Last-Event-ID`, before any event. */
  expectInvalidParams(response: Response): Promise<void>;
  /** Checks the binding's TaskNotFound answer. */
  expectTaskNotFound(response: Response): Promise<void>;
}

const headersOf = (call: StreamCall | undefined, base: Record<string, string>) =>
  call?.lastEventId === undefined ? base : { ...base, "last-event-id": call.lastEventId };

/** The 1.0 names of the states (0.3 ProtoJSON spells one with two Ls). */
const STATE_1: Readonly<Record<string, string>> = {
  submitted: "TASK_STATE_SUBMITTED",
  working: "TASK_STATE_WORKING",
  completed: "TASK_STATE_COMPLETED",
  failed: "TASK_STATE_FAILED",
  canceled: "TASK_STATE_CANCELED",
  "input-required": "TASK_STATE_INPUT_REQUIRED",
  rejected: "TASK_STATE_REJECTED",
  "auth-required": "TASK_STATE_AUTH_REQUIRED",
  TASK_STATE_CANCELLED: "TASK_STATE_CANCELED",
};
const state1 = (state: string): string => STATE_1[state] ?? state;
const textsOf = (parts: Json[]): string[] => parts.map((part) => part.text);

/** A `StreamResponse` with one field (1.0, or 0.3 ProtoJSON). */
function viewOneOf(payload: Json): View {
  const keys = Object.keys(payload);
  expect(keys, JSON.stringify(payload)).toHaveLength(1);
  if ("task" in payload) {
    const { task } = payload;
    return {
      kind: "task",
      taskId: task.id,
      contextId: task.contextId,
      state: state1(task.status.state),
      texts: (task.artifacts ?? []).flatMap((a: Json) => textsOf(a.parts)),
    };
  }
  if ("statusUpdate" in payload) {
    const update = payload.statusUpdate;
    return { kind: "status", taskId: update.taskId, state: state1(update.status.state) };
  }
  if ("artifactUpdate" in payload) {
    const update = payload.artifactUpdate;
    return { kind: "artifact", taskId: update.taskId, texts: textsOf(update.artifact.parts) };
  }
  expect(keys).toEqual(["message"]);
  return { kind: "message", taskId: payload.message.taskId };
}

/** A 0.3 JSON-RPC stream result (`kind` discriminated). */
function viewKinded(result: Json): View {
  switch (result.kind) {
    case "task":
      return {
        kind: "task",
        taskId: result.id,
        contextId: result.contextId,
        state: state1(result.status.state),
        texts: (result.artifacts ?? []).flatMap((a: Json) => textsOf(a.parts)),
      };
    case "status-update":
      return { kind: "status", taskId: result.taskId, state: state1(result.status.state) };
    case "artifact-update":
      return { kind: "artifact", taskId: result.taskId, texts: textsOf(result.artifact.parts) };
    default:
      expect(result.kind).toBe("message");
      return { kind: "message", taskId: result.taskId };
  }
}

function expectJsonRpcEnvelope(data: Json): void {
  expect(data.jsonrpc).toBe("2.0");
  expect(data.id).toBe(1);
  expect(data.error, JSON.stringify(data.error)).toBeUndefined();
}

/** A JSON-RPC error object with its ErrorInfo (and, for -32602, a BadRequest on Last-Event-ID). */
function expectRpcErrorObject(error: Json, code: number, reason: string): void {
  expect(error.code, JSON.stringify(error)).toBe(code);
  expect(typeof error.message).toBe("string");
  expect(error.message.length).toBeGreaterThan(0);
  expect(error.data[0]["@type"]).toBe(ERROR_INFO);
  expect(error.data[0].reason).toBe(reason);
  expect(error.data[0].domain).toBe("a2a-protocol.org");
  if (reason === "INVALID_PARAMS") expectLastEventIdViolation(error.data);
}

function expectLastEventIdViolation(details: Json[]): void {
  expect(details).toHaveLength(2);
  expect(details[1]["@type"]).toBe(BAD_REQUEST);
  expect(details[1].fieldViolations.map((v: Json) => v.field)).toEqual(["Last-Event-ID"]);
  expect(details[1].fieldViolations[0].description.length).toBeGreaterThan(0);
}

/** 1.0 JSON-RPC: a plain JSON-RPC error response, before any event. */
async function expectPlainRpcError(response: Response, code: number, reason: string) {
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/json");
  const body = JSON.parse(text);
  expect(body.jsonrpc).toBe("2.0");
  expect(body.id).toBe(1);
  expect(body.result).toBeUndefined();
  expectRpcErrorObject(body.error, code, reason);
}

/** 0.3 JSON-RPC stream methods: an SSE stream of exactly one JSON-RPC error response. */
async function expectRpcStreamError(response: Response, code: number, reason: string) {
  const frames = await new SseReader(response).rest();
  expect(frames).toHaveLength(1);
  const [frame] = frames;
  expect(frame!.id).toBeUndefined();
  expect(frame!.data.jsonrpc).toBe("2.0");
  expect(frame!.data.id).toBe(1);
  expect(frame!.data.result).toBeUndefined();
  expectRpcErrorObject(frame!.data.error, code, reason);
}

/** 1.0 HTTP+JSON: a `google.rpc.Status`. */
async function expectStatus(response: Response, http: number, status: string, reason: string) {
  const text = await response.text();
  expect(response.status, text).toBe(http);
  expect(response.headers.get("content-type")).toBe("application/a2a+json");
  const body = JSON.parse(text);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(http);
  expect(body.error.status).toBe(status);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.details[0]["@type"]).toBe(ERROR_INFO);
  expect(body.error.details[0].reason).toBe(reason);
  if (reason === "INVALID_PARAMS") expectLastEventIdViolation(body.error.details);
}

/** 0.3 HTTP+JSON: the JSON-RPC error object `{code, message, data}` as the body. */
async function expectV03RestError(response: Response, http: number, code: number, reason: string) {
  const text = await response.text();
  expect(response.status, text).toBe(http);
  expect(response.headers.get("content-type")).toBe("application/json");
  const body = JSON.parse(text);
  expect(Object.keys(body).sort()).toEqual(["code", "data", "message"]);
  expectRpcErrorObject(body, code, reason);
}

let nextMessage = 1;

const jsonRpc10: Binding = {
  name: "1.0 JSON-RPC",
  subscriptionEndsAtPause: false,
  send(text, call) {
    const message = userMessage(text, continuing(call));
    const request = new Request(BASE, {
      method: "POST",
      headers: headersOf(call, { "content-type": "application/json", "a2a-version": "1.0" }),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "SendStreamingMessage",
        params: { message },
      }),
    });
    return { request, messageId: message.messageId };
  },
  subscribe(taskId, call) {
    return new Request(BASE, {
      method: "POST",
      headers: headersOf(call, { "content-type": "application/json", "a2a-version": "1.0" }),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "SubscribeToTask",
        params: { id: taskId },
      }),
    });
  },
  view(data) {
    expectJsonRpcEnvelope(data);
    return viewOneOf(data.result);
  },
  expectInvalidParams: (response) => expectPlainRpcError(response, -32602, "INVALID_PARAMS"),
  expectTaskNotFound: (response) => expectPlainRpcError(response, -32001, "TASK_NOT_FOUND"),
};

const rest10: Binding = {
  name: "1.0 HTTP+JSON",
  subscriptionEndsAtPause: false,
  send(text, call) {
    const message = userMessage(text, continuing(call));
    const request = new Request(`${BASE}/message:stream`, {
      method: "POST",
      headers: headersOf(call, { "content-type": "application/a2a+json", "a2a-version": "1.0" }),
      body: JSON.stringify({ message }),
    });
    return { request, messageId: message.messageId };
  },
  subscribe(taskId, call) {
    return new Request(`${BASE}/tasks/${taskId}:subscribe`, {
      method: "GET",
      headers: headersOf(call, { "a2a-version": "1.0" }),
    });
  },
  view(data) {
    expect(data.jsonrpc).toBeUndefined();
    return viewOneOf(data);
  },
  expectInvalidParams: (response) =>
    expectStatus(response, 400, "INVALID_ARGUMENT", "INVALID_PARAMS"),
  expectTaskNotFound: (response) => expectStatus(response, 404, "NOT_FOUND", "TASK_NOT_FOUND"),
};

const jsonRpc03: Binding = {
  name: "0.3 JSON-RPC",
  subscriptionEndsAtPause: true,
  send(text, call) {
    const message = {
      kind: "message",
      messageId: `m03-${nextMessage++}`,
      role: "user",
      parts: [{ kind: "text", text }],
      ...continuing(call),
    };
    const request = new Request(BASE, {
      method: "POST",
      headers: headersOf(call, { "content-type": "application/json" }),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "message/stream",
        params: { message },
      }),
    });
    return { request, messageId: message.messageId };
  },
  subscribe(taskId, call) {
    return new Request(BASE, {
      method: "POST",
      headers: headersOf(call, { "content-type": "application/json" }),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tasks/resubscribe",
        params: { id: taskId },
      }),
    });
  },
  view(data) {
    expectJsonRpcEnvelope(data);
    return viewKinded(data.result);
  },
  expectInvalidParams: (response) => expectRpcStreamError(response, -32602, "INVALID_PARAMS"),
  expectTaskNotFound: (response) => expectRpcStreamError(response, -32001, "TASK_NOT_FOUND"),
};

const rest03: Binding = {
  name: "0.3 HTTP+JSON",
  subscriptionEndsAtPause: true,
  send(text, call) {
    // ProtoJSON, as the official 0.3 REST clients send it.
    const message = {
      messageId: `pm-${nextMessage++}`,
      role: "ROLE_USER",
      content: [{ text }],
      ...continuing(call),
    };
    const request = new Request(`${BASE}/v1/message:stream`, {
      method: "POST",
      headers: headersOf(call, { "content-type": "application/json" }),
      body: JSON.stringify({ message }),
    });
    return { request, messageId: message.messageId };
  },
  subscribe(taskId, call) {
    return new Request(`${BASE}/v1/tasks/${taskId}:subscribe`, {
      method: "GET",
      headers: headersOf(call, {}),
    });
  },
  view(data) {
    expect(data.jsonrpc).toBeUndefined();
    expect(data.kind).toBeUndefined();
    return viewOneOf(data);
  },
  expectInvalidParams: (response) => expectV03RestError(response, 400, -32602, "INVALID_PARAMS"),
  expectTaskNotFound: (response) => expectV03RestError(response, 404, -32001, "TASK_NOT_FOUND"),
};

function continuing(call: SendCall | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (call?.taskId !== undefined) out.taskId = call.taskId;
  if (call?.contextId !== undefined) out.contextId = call.contextId;
  return out;
}

const BINDINGS: Binding[] = [jsonRpc10, rest10, jsonRpc03, rest03];

// ---------------------------------------------------------------------------------------
// The agent
// ---------------------------------------------------------------------------------------

/**
 * An agent whose behaviour depends on the text:
 * - "steps": waits for `step(0)`, WORKING, artifact "a1", waits for `step(1)`, artifacts
 *   "a2" and "a3", waits for `step(2)`, artifact "a4", COMPLETED: 7 events in all;
 * - "ask": WORKING, INPUT_REQUIRED (3 events); continued: WORKING, artifact "got <text>",
 *   COMPLETED (the message joining the history is the 4th event);
 * - anything else: WORKING, artifact "quick", COMPLETED (4 events).
 */
function setup() {
  const calls: RequestContext[] = [];
  const steps = [gate(), gate(), gate()];
  let waitingAt = -1;
  const a2a = makeAgent({
    executor: async (ctx, task) => {
      calls.push(ctx);
      if (ctx.task) {
        await task.working();
        await task.artifact({ artifactId: "got", parts: [{ text: `got ${ctx.text}` }] });
        await task.complete("done");
        return;
      }
      if (ctx.text === "steps") {
        const step = async (n: number) => {
          waitingAt = n;
          await steps[n]!.promise;
        };
        await step(0);
        await task.working();
        await task.artifact({ artifactId: "a1", parts: [{ text: "a1" }] });
        await step(1);
        await task.artifact({ artifactId: "a2", parts: [{ text: "a2" }] });
        await task.artifact({ artifactId: "a3", parts: [{ text: "a3" }] });
        await step(2);
        await task.artifact({ artifactId: "a4", parts: [{ text: "a4" }] });
        await task.complete("done");
        return;
      }
      if (ctx.text === "ask") {
        await task.working();
        await task.inputRequired("which?");
        return;
      }
      await task.working();
      await task.artifact({ artifactId: "q", parts: [{ text: "quick" }] });
      await task.complete("done");
    },
  });
  return {
    a2a,
    calls,
    /** Lets the "steps" agent go on past its `n`th wait. */
    step: (n: number) => steps[n]!.open(),
    /** The wait the "steps" agent is at (-1 before the first). */
    waitingAt: () => waitingAt,
  };
}

type Env = ReturnType<typeof setup>;

const fetchAs = (env: Env, request: Request, principal?: { id: string }) => {
  const context: RequestExtras | undefined = principal ? { principal } : undefined;
  return env.a2a.fetch(request, context);
};

/** Opens a stream, which must be an SSE response. */
async function open(env: Env, request: Request, principal?: { id: string }): Promise<SseReader> {
  return new SseReader(await fetchAs(env, request, principal));
}

const seqOf = (frame: Frame, taskId: string): number => {
  expect(frame.id, JSON.stringify(frame.data)).toBeDefined();
  const match = /^(.*):(\d+)$/.exec(frame.id!);
  expect(match, frame.id).not.toBeNull();
  expect(match![1]).toBe(taskId);
  return Number(match![2]);
};

const ids = (taskId: string, from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `${taskId}:${from + i}`);

/** The whole of a task that ran to an end: its id and the frames of the send that ran it. */
async function runToEnd(
  binding: Binding,
  env: Env,
  text: string,
  principal?: { id: string },
): Promise<{ taskId: string; contextId: string; frames: Frame[] }> {
  const reader = await open(env, binding.send(text).request, principal);
  const frames = await reader.rest();
  const first = binding.view(frames[0]!.data);
  expect(first.kind).toBe("task");
  const { taskId } = first;
  expect(frames.map((f) => f.id)).toEqual(ids(taskId, 1, frames.length));
  const contextId = first.contextId!;
  expect(typeof contextId).toBe("string");
  return { taskId, contextId, frames };
}

/** The "steps" task, sent and read up to its snapshot (the agent waits at its first step). */
async function startSteps(binding: Binding, env: Env) {
  const send = await open(env, binding.send("steps").request);
  const snapshot = await send.take();
  const view = binding.view(snapshot.data);
  expect(view.kind).toBe("task");
  expect(view.state).toBe("TASK_STATE_SUBMITTED");
  expect(snapshot.id).toBe(`${view.taskId}:1`);
  await until(() => env.waitingAt() === 0);
  return { send, snapshot, taskId: view.taskId };
}

async function settled(env: Env): Promise<void> {
  await until(() => env.a2a.stats().subscribers === 0 && env.a2a.stats().activeExecutions === 0);
}

// ---------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------

describe.each(BINDINGS)("$name", (binding) => {
  describe("event ids", () => {
    it("gives every frame of a send and of a subscription the id <taskId>:<seq>", async () => {
      const env = setup();
      const { send, snapshot, taskId } = await startSteps(binding, env);
      env.step(0);
      const working = await send.take();
      const a1 = await send.take();
      expect(binding.view(working.data)).toMatchObject({ kind: "status", taskId });
      expect(binding.view(working.data).state).toBe("TASK_STATE_WORKING");
      expect(binding.view(a1.data)).toEqual({ kind: "artifact", taskId, texts: ["a1"] });
      expect([working.id, a1.id]).toEqual(ids(taskId, 2, 3));
      await until(() => env.waitingAt() === 1);

      // A subscriber joining now: its snapshot is the task as of its 3 events.
      const sub = await open(env, binding.subscribe(taskId));
      const subSnapshot = await sub.take();
      expect(subSnapshot.id).toBe(`${taskId}:3`);
      expect(binding.view(subSnapshot.data)).toMatchObject({
        kind: "task",
        taskId,
        state: "TASK_STATE_WORKING",
        texts: ["a1"],
      });

      env.step(1);
      env.step(2);
      const sendRest = await send.rest();
      const subRest = await sub.rest();
      const sent = [snapshot, working, a1, ...sendRest];
      expect(sent.map((f) => f.id)).toEqual(ids(taskId, 1, 7));
      expect(sent.map((f) => seqOf(f, taskId))).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(sent.map((f) => binding.view(f.data).kind)).toEqual([
        "task",
        "status",
        "artifact",
        "artifact",
        "artifact",
        "artifact",
        "status",
      ]);
      expect(binding.view(sent[6]!.data).state).toBe("TASK_STATE_COMPLETED");
      // After its snapshot, the subscriber sees the same frames: same ids, same data.
      expect(subRest.map((f) => f.id)).toEqual(ids(taskId, 4, 7));
      expect(subRest).toEqual(sent.slice(3));
      expect(env.calls).toHaveLength(1);
      await settled(env);
    });

    it("numbers a continuing send's snapshot after the event of its message", async () => {
      const env = setup();
      const asked = await runToEnd(binding, env, "ask");
      expect(asked.frames.map((f) => binding.view(f.data).state)).toEqual([
        "TASK_STATE_SUBMITTED",
        "TASK_STATE_WORKING",
        "TASK_STATE_INPUT_REQUIRED",
      ]);
      const { taskId, contextId } = asked;

      // A subscription to the paused task: its snapshot is at the 3rd event.
      const sub = await open(env, binding.subscribe(taskId));
      const subSnapshot = await sub.take();
      expect(subSnapshot.id).toBe(`${taskId}:3`);
      expect(binding.view(subSnapshot.data).state).toBe("TASK_STATE_INPUT_REQUIRED");

      const { request } = binding.send("blue", { taskId, contextId });
      const continued = await (await open(env, request)).rest();
      expect(continued.map((f) => f.id)).toEqual(ids(taskId, 4, 7));
      expect(continued.map((f) => binding.view(f.data))).toEqual([
        { kind: "task", taskId, contextId, state: "TASK_STATE_INPUT_REQUIRED", texts: [] },
        { kind: "status", taskId, state: "TASK_STATE_WORKING" },
        { kind: "artifact", taskId, texts: ["got blue"] },
        { kind: "status", taskId, state: "TASK_STATE_COMPLETED" },
      ]);

      // The subscription follows the task past its pause (a 0.3 one too: its snapshot is
      // no pause event) to its end.
      const subRest = await sub.rest();
      expect(subRest.map((f) => f.id)).toEqual(ids(taskId, 4, 7));
      // The 4th event is the user's message joining the history.
      expect(binding.view(subRest[0]!.data)).toMatchObject({ kind: "message", taskId });
      expect(subRest.slice(1)).toEqual(continued.slice(1));
      expect(env.calls).toHaveLength(2);
      await settled(env);
    });
  });

  describe("resuming a send stream", () => {
    it("after a dropped connection, gets the missed events then the live ones: what a steady subscriber saw", async () => {
      const env = setup();
      const { send, snapshot, taskId } = await startSteps(binding, env);
      // A subscriber that never disconnects, from the task's first event on.
      const steady = await open(env, binding.subscribe(taskId));
      const seen: Frame[] = [await steady.take()];
      expect(seen[0]!.id).toBe(`${taskId}:1`);
      const steadyDone = (async () => {
        for (let frame = await steady.next(); frame; frame = await steady.next()) seen.push(frame);
      })();

      env.step(0);
      const read = [snapshot, await send.take(), await send.take()];
      expect(read.map((f) => f.id)).toEqual(ids(taskId, 1, 3));
      await until(() => env.waitingAt() === 1);
      // The client drops the connection; the agent goes on without it.
      await send.close();
      await until(() => env.a2a.stats().subscribers === 1);
      env.step(1);
      await until(() => env.waitingAt() === 2 && seen.length === 5);

      const lastEventId = read.at(-1)!.id!;
      const resumed = await open(env, binding.send("go on", { lastEventId }).request);
      const missed = [await resumed.take(), await resumed.take()];
      expect(missed.map((f) => f.id)).toEqual(ids(taskId, 4, 5));
      expect(missed.map((f) => binding.view(f.data))).toEqual([
        { kind: "artifact", taskId, texts: ["a2"] },
        { kind: "artifact", taskId, texts: ["a3"] },
      ]);
      env.step(2);
      const live = await resumed.rest();
      expect(live.map((f) => f.id)).toEqual(ids(taskId, 6, 7));
      expect(binding.view(live[1]!.data).state).toBe("TASK_STATE_COMPLETED");
      await steadyDone;

      const union = [...read, ...missed, ...live];
      expect(union.map((f) => f.id)).toEqual(ids(taskId, 1, 7));
      expect(seen.map((f) => f.id)).toEqual(ids(taskId, 1, 7));
      expect(union).toEqual(seen);
      // Resuming sent nothing again.
      expect(env.calls).toHaveLength(1);
      await settled(env);
    });

    it("does not send the message again nor run the agent, with or without the message's taskId", async () => {
      const env = setup();
      const { taskId, contextId, frames } = await runToEnd(binding, env, "ask");
      expect(frames).toHaveLength(3);
      const before = await rpc(env.a2a, "GetTask", { id: taskId });
      for (const call of [{}, { taskId }, { taskId, contextId }]) {
        const { request, messageId } = binding.send("blue", {
          ...call,
          lastEventId: `${taskId}:1`,
        });
        const resumed = await (await open(env, request)).rest();
        // The events after the first, ending at the pause, as the send stream did.
        expect(resumed).toEqual(frames.slice(1));
        const after = await rpc(env.a2a, "GetTask", { id: taskId });
        expect(after.result).toEqual(before.result);
        expect(after.result.history.map((m: Json) => m.messageId)).not.toContain(messageId);
      }
      expect(env.calls).toHaveLength(1);
      await settled(env);
    });

    it("of a finished task from an earlier id, gives the missed events through the terminal one", async () => {
      const env = setup();
      const { taskId, frames } = await runToEnd(binding, env, "quick");
      expect(frames).toHaveLength(4);
      for (const seq of [0, 1, 2, 3]) {
        const { request } = binding.send("again", { lastEventId: `${taskId}:${seq}` });
        const resumed = await (await open(env, request)).rest();
        expect(resumed.map((f) => f.id)).toEqual(ids(taskId, seq + 1, 4));
        if (seq > 0) expect(resumed).toEqual(frames.slice(seq));
        expect(binding.view(resumed.at(-1)!.data).state).toBe("TASK_STATE_COMPLETED");
      }
      expect(env.calls).toHaveLength(1);
      await settled(env);
    });

    it("from the last event of a paused task, ends at once with no events", async () => {
      const env = setup();
      const { taskId } = await runToEnd(binding, env, "ask");
      const { request } = binding.send("again", { lastEventId: `${taskId}:3` });
      const resumed = await open(env, request);
      expect(await resumed.rest()).toEqual([]);
      expect(env.calls).toHaveLength(1);
      await settled(env);
    });
  });

  describe("resuming a subscription", () => {
    it("from the snapshot's id gives the events after it, and no snapshot", async () => {
      const env = setup();
      const { send, taskId } = await startSteps(binding, env);
      env.step(0);
      await until(() => env.waitingAt() === 1);
      const first = await open(env, binding.subscribe(taskId));
      const snapshot = await first.take();
      expect(snapshot.id).toBe(`${taskId}:3`);
      await first.close();
      await until(() => env.a2a.stats().subscribers === 1);

      const resumed = await open(env, binding.subscribe(taskId, { lastEventId: snapshot.id! }));
      env.step(1);
      const missed = [await resumed.take(), await resumed.take()];
      env.step(2);
      const events = [...missed, ...(await resumed.rest())];
      expect(events.map((f) => f.id)).toEqual(ids(taskId, 4, 7));
      expect(events.map((f) => binding.view(f.data).kind)).not.toContain("task");
      const sent = await send.rest();
      expect(events).toEqual(sent.slice(-4));
      await settled(env);
    });

    it("of a finished task from an earlier id, gives the missed events through the terminal one", async () => {
      const env = setup();
      const { taskId, frames } = await runToEnd(binding, env, "quick");
      for (const seq of [0, 1, 3]) {
        const resumed = await open(
          env,
          binding.subscribe(taskId, { lastEventId: `${taskId}:${seq}` }),
        );
        const events = await resumed.rest();
        expect(events.map((f) => f.id)).toEqual(ids(taskId, seq + 1, 4));
        if (seq > 0) expect(events).toEqual(frames.slice(seq));
        expect(binding.view(events.at(-1)!.data).state).toBe("TASK_STATE_COMPLETED");
      }
      await settled(env);
    });

    it("from the last event of a finished task, ends at once with no events", async () => {
      const env = setup();
      const { taskId } = await runToEnd(binding, env, "quick");
      const resumed = await open(env, binding.subscribe(taskId, { lastEventId: `${taskId}:4` }));
      expect(await resumed.rest()).toEqual([]);
      await settled(env);
    });

    it("from the last event of a paused task, ends where this binding's subscription ends", async () => {
      const env = setup();
      const { taskId, contextId } = await runToEnd(binding, env, "ask");
      const resumed = await open(env, binding.subscribe(taskId, { lastEventId: `${taskId}:3` }));
      if (binding.subscriptionEndsAtPause) {
        // 0.3 ends a subscription at the first pause: the task is at one, nothing was missed.
        expect(await resumed.rest()).toEqual([]);
        await settled(env);
        return;
      }
      // 1.0 subscriptions go on through a pause, to the end of the task.
      const { request } = binding.send("red", { taskId, contextId });
      const continued = await (await open(env, request)).rest();
      const events = await resumed.rest();
      expect(events.map((f) => f.id)).toEqual(ids(taskId, 4, 7));
      expect(binding.view(events[0]!.data).kind).toBe("message");
      expect(events.slice(1)).toEqual(continued.slice(1));
      await settled(env);
    });
  });

  describe("refused resumes", () => {
    it("answers InvalidParams for an id of another task, past the task's log, or malformed", async () => {
      const env = setup();
      const { taskId } = await runToEnd(binding, env, "ask");
      const other = await runToEnd(binding, env, "ask");
      const refused = [
        `${other.taskId}:1`,
        `${other.taskId}:3`,
        `${taskId}:4`,
        `${taskId}:999999`,
        "garbage",
        "x:",
        "task:-1",
        "task:1.5",
        `${taskId}:`,
        `${taskId}:-1`,
        `${taskId}:1.5`,
        `${taskId}:1x`,
        taskId,
      ];
      for (const lastEventId of refused) {
        await binding.expectInvalidParams(
          await fetchAs(env, binding.subscribe(taskId, { lastEventId })),
        );
        await binding.expectInvalidParams(
          await fetchAs(env, binding.send("again", { taskId, lastEventId }).request),
        );
        if (!lastEventId.startsWith(other.taskId)) {
          await binding.expectInvalidParams(
            await fetchAs(env, binding.send("again", { lastEventId }).request),
          );
        }
        expect(env.a2a.stats().subscribers).toBe(0);
      }
      // A send naming one task, resuming from an event of another.
      await binding.expectInvalidParams(
        await fetchAs(
          env,
          binding.send("again", { taskId: other.taskId, lastEventId: `${taskId}:1` }).request,
        ),
      );
      expect(env.calls).toHaveLength(2);
      await settled(env);
    });

    it("answers TaskNotFound for an unknown task", async () => {
      const env = setup();
      await binding.expectTaskNotFound(
        await fetchAs(env, binding.subscribe("nope", { lastEventId: "nope:1" })),
      );
      await binding.expectTaskNotFound(
        await fetchAs(env, binding.send("again", { lastEventId: "nope:1" }).request),
      );
      await binding.expectTaskNotFound(
        await fetchAs(
          env,
          binding.send("again", { taskId: "nope", lastEventId: "nope:0" }).request,
        ),
      );
      expect(env.calls).toHaveLength(0);
      await settled(env);
    });

    it("lets no other principal resume a task: it is not found for them", async () => {
      const env = setup();
      const alice = { id: "alice" };
      const { taskId, frames } = await runToEnd(binding, env, "quick", alice);
      for (const principal of [{ id: "bob" }, undefined]) {
        for (const seq of [0, 1, 3, 4, 5]) {
          const lastEventId = `${taskId}:${seq}`;
          await binding.expectTaskNotFound(
            await fetchAs(env, binding.subscribe(taskId, { lastEventId }), principal),
          );
          await binding.expectTaskNotFound(
            await fetchAs(env, binding.send("again", { lastEventId }).request, principal),
          );
          await binding.expectTaskNotFound(
            await fetchAs(env, binding.send("again", { taskId, lastEventId }).request, principal),
          );
        }
      }
      // Alice herself resumes it.
      const resumed = await open(
        env,
        binding.subscribe(taskId, { lastEventId: `${taskId}:1` }),
        alice,
      );
      expect(await resumed.rest()).toEqual(frames.slice(1));
      expect(env.calls).toHaveLength(1);
      await settled(env);
    });
  });
});
