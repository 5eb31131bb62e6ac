import { fileURLToPath } from "node:url";
import { type A2A, createA2A, silentLogger } from "@a2a-mount/core";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { oneSkillCard } from "../harness/card.js";
import type { Json } from "../harness/client.js";
import { express5Target } from "../harness/targets/express-target.js";
import type { Running } from "../harness/targets/index.js";

/**
 * Thousands of mutated valid requests, over both bindings and both protocol versions: none
 * may get a 5xx, leak a stack trace or a file path, stall the process or change a stored
 * task. The seed of a failing run is printed by fast-check, to replay it.
 */

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const STACK_FRAME = /\n\s+at \S/;
const FUZZ_RUNS = 2500;

/** An agent that never hangs: completes, waits for input, fails or answers with a message. */
function fuzzAgent(): A2A {
  return createA2A({
    card: oneSkillCard("Fuzz target", "Answers anything quickly"),
    basePath: "/a2a",
    logger: silentLogger,
    executor: async (ctx, task) => {
      if (ctx.text.includes("message")) {
        return { messageId: "reply", role: "ROLE_AGENT", parts: [{ text: "hello" }] };
      }
      if (ctx.text.includes("input")) return void (await task.inputRequired("more?"));
      if (ctx.text.includes("fail")) return void (await task.fail("failed"));
      await task.working("working");
      await task.artifact({ name: "echo", parts: [{ text: ctx.text.slice(0, 200) }] });
      await task.complete("done");
    },
  });
}

interface Call {
  method: string;
  /** Below the mount point, or absolute from the root when it starts with `//`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const JSON_1_0 = { "content-type": "application/json", "a2a-version": "1.0" };
const JSON_0_3 = { "content-type": "application/json" };
const A2A_JSON = { "content-type": "application/a2a+json", "a2a-version": "1.0" };

const message10 = (text: string, extra: Json = {}) => ({
  messageId: "m-1",
  role: "ROLE_USER",
  parts: [{ text }, { data: { k: [1] } }],
  metadata: { tag: "t" },
  ...extra,
});
const message03 = (text: string, extra: Json = {}) => ({
  kind: "message",
  messageId: "m-1",
  role: "user",
  parts: [
    { kind: "text", text },
    { kind: "data", data: { k: [1] } },
  ],
  metadata: { tag: "t" },
  ...extra,
});

const rpcCall = (headers: Record<string, string>, method: string, params: Json): Call => ({
  method: "POST",
  path: "",
  headers,
  body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
});

/** Valid requests of every kind, aimed at the seeded tasks. */
function templates(ids: { done: string; failed: string; canceled: string }): Call[] {
  const { done, failed, canceled } = ids;
  const hook = { url: "https://client.example/hook", token: "t" };
  return [
    // JSON-RPC, A2A 1.0
    rpcCall(JSON_1_0, "SendMessage", { message: message10("hello") }),
    rpcCall(JSON_1_0, "SendMessage", {
      message: message10("input please"),
      configuration: { historyLength: 1, returnImmediately: true },
    }),
    rpcCall(JSON_1_0, "SendMessage", { message: message10("again", { taskId: done }) }),
    rpcCall(JSON_1_0, "SendStreamingMessage", { message: message10("stream me") }),
    rpcCall(JSON_1_0, "GetTask", { id: done, historyLength: 2 }),
    rpcCall(JSON_1_0, "ListTasks", { pageSize: 5, status: "TASK_STATE_COMPLETED" }),
    rpcCall(JSON_1_0, "CancelTask", { id: failed }),
    rpcCall(JSON_1_0, "SubscribeToTask", { id: canceled }),
    rpcCall(JSON_1_0, "CreateTaskPushNotificationConfig", { taskId: done, url: hook.url }),
    rpcCall(JSON_1_0, "GetExtendedAgentCard", {}),
    // JSON-RPC, A2A 0.3
    rpcCall(JSON_0_3, "message/send", { message: message03("hello") }),
    rpcCall(JSON_0_3, "message/send", { message: message03("more", { taskId: failed }) }),
    rpcCall(JSON_0_3, "message/stream", { message: message03("stream me") }),
    rpcCall(JSON_0_3, "tasks/get", { id: done, historyLength: 1 }),
    rpcCall(JSON_0_3, "tasks/cancel", { id: canceled }),
    rpcCall(JSON_0_3, "tasks/resubscribe", { id: done }),
    rpcCall(JSON_0_3, "tasks/pushNotificationConfig/set", {
      taskId: done,
      pushNotificationConfig: hook,
    }),
    // HTTP+JSON, A2A 1.0
    {
      method: "POST",
      path: "/message:send",
      headers: A2A_JSON,
      body: JSON.stringify({ message: message10("rest") }),
    },
    {
      method: "POST",
      path: "/message:stream",
      headers: A2A_JSON,
      body: JSON.stringify({ message: message10("rest stream") }),
    },
    { method: "GET", path: `/tasks/${done}?historyLength=1`, headers: A2A_JSON },
    { method: "GET", path: "/tasks?pageSize=3&includeArtifacts=true", headers: A2A_JSON },
    { method: "POST", path: `/tasks/${failed}:cancel`, headers: A2A_JSON, body: "{}" },
    { method: "GET", path: `/tasks/${canceled}:subscribe`, headers: A2A_JSON },
    { method: "GET", path: "/extendedAgentCard", headers: A2A_JSON },
    {
      method: "POST",
      path: `/t1/tasks/${done}/pushNotificationConfigs`,
      headers: A2A_JSON,
      body: JSON.stringify({ url: hook.url }),
    },
    // HTTP+JSON, A2A 0.3
    {
      method: "POST",
      path: "/v1/message:send",
      headers: JSON_0_3,
      body: JSON.stringify({ message: message03("rest 0.3") }),
    },
    { method: "GET", path: `/v1/tasks/${done}`, headers: JSON_0_3 },
    { method: "POST", path: `/v1/tasks/${canceled}:cancel`, headers: JSON_0_3, body: "{}" },
    { method: "GET", path: "/v1/card", headers: JSON_0_3 },
    // The card
    { method: "GET", path: "//.well-known/agent-card.json", headers: { "a2a-version": "1.0" } },
    { method: "GET", path: "/.well-known/agent-card.json", headers: {} },
  ];
}

type JsonPath = (string | number)[];

/** Every path into a JSON value, the root included. */
function pathsOf(value: unknown, at: JsonPath = []): JsonPath[] {
  const out: JsonPath[] = [at];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) out.push(...pathsOf(item, [...at, i]));
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) out.push(...pathsOf(item, [...at, key]));
  }
  return out;
}

/** `root` with the value at `path` replaced by `make(old)`, or deleted when it returns `undefined`. */
function update(root: unknown, path: JsonPath, make: (old: unknown) => unknown): unknown {
  if (path.length === 0) return make(root);
  const [head, ...rest] = path;
  const copy: Json = Array.isArray(root) ? [...root] : { ...(root as object) };
  const next = update(copy[head!], rest, make);
  if (next === undefined) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head!];
  } else copy[head!] = next;
  return copy;
}

const printable = fc.string({
  unit: fc.constantFrom(...'abc-_:./%?#&=~ 09AZé€\\"{}[]'),
  maxLength: 40,
});

/** What can replace a JSON value: other JSON, edge numbers, long or odd strings, deep nesting. */
const replacement: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    null,
    true,
    0,
    -0,
    1e308,
    -1,
    2 ** 53 + 1,
    1.5,
    "",
    "TASK_STATE_WORKING",
    "ROLE_AGENT",
    "x".repeat(70_000),
    [],
    {},
  ),
  printable,
  fc.integer({ min: 40, max: 10_000 }).map((depth) => new Deep(depth)),
);

/** Arrays nested `depth` deep: written into the body as text (stringify would overflow). */
class Deep {
  constructor(readonly depth: number) {}
}

/** JSON text of a value that may hold `Deep` markers. */
function jsonText(value: unknown): string {
  const text = JSON.stringify(value, (_key, item) =>
    item instanceof Deep ? `@@deep:${item.depth}@@` : item,
  );
  return (text ?? "null").replace(
    /"@@deep:(\d+)@@"/g,
    (_match, depth) => `${"[".repeat(Number(depth))}1${"]".repeat(Number(depth))}`,
  );
}

type Mutation = (call: Call) => Call;

/** Keys a mutation may add to an object of the body. */
const addedKey = fc.constantFrom(
  "metadata",
  "extensions",
  "referenceTaskIds",
  "data",
  "history",
  "taskId",
  "contextId",
  "tenant",
  "__proto__",
  "x",
);

const bodyMutation: fc.Arbitrary<Mutation> = fc
  .tuple(fc.nat(), fc.oneof(replacement, fc.constant(undefined)), fc.option(addedKey))
  .map(([pick, value, key]) => (call: Call) => {
    let parsed: unknown;
    if (/\[{200}/.test(call.body ?? "")) return call; // deep already: leave it as it is
    try {
      parsed = JSON.parse(call.body ?? "");
    } catch {
      return { ...call, body: jsonText(value ?? {}) }; // no JSON left to mutate
    }
    const paths = pathsOf(parsed);
    const path = paths[pick % paths.length]!;
    // Replace (or delete) the value there, or give the object there one more key.
    const edit = (old: unknown) =>
      key !== null && old && typeof old === "object" && !Array.isArray(old)
        ? { ...old, [key]: value ?? null }
        : value;
    return { ...call, body: jsonText(update(parsed, path, edit)) };
  });

const textMutation: fc.Arbitrary<Mutation> = fc
  .tuple(fc.nat(), fc.oneof(fc.constant("truncate"), fc.constant("delete"), printable))
  .map(([at, edit]) => (call: Call) => {
    const body = call.body ?? "";
    const i = body.length === 0 ? 0 : at % body.length;
    if (edit === "truncate") return { ...call, body: body.slice(0, i) };
    if (edit === "delete") return { ...call, body: body.slice(0, i) + body.slice(i + 1) };
    return { ...call, body: body.slice(0, i) + edit + body.slice(i) };
  });

const headerMutation: fc.Arbitrary<Mutation> = fc
  .tuple(
    fc.constantFrom("content-type", "a2a-version", "a2a-extensions", "authorization", "accept"),
    fc.oneof(
      fc.constantFrom(
        "application/json",
        "application/a2a+json",
        "text/plain",
        "application/json; charset=utf-16",
        "1.0",
        "0.3",
        "0.3.0",
        "1.0.7",
        "2.0",
        "garbage",
        "",
        "Bearer x",
        "text/event-stream",
      ),
      printable.map((s) => s.replace(/[^\x20-\x7e]/g, "")),
    ),
  )
  .map(([name, value]) => (call: Call) => ({
    ...call,
    headers: { ...call.headers, [name]: value },
  }));

const pathMutation: fc.Arbitrary<Mutation> = fc
  .constantFrom(
    "/tasks",
    "/x",
    "/%zz",
    "/%2e%2e",
    "/..",
    ":cancel",
    ":subscribe",
    "/v1",
    "/tasks/",
    "//",
    "?pageSize=0",
    "?historyLength=-1&pageSize=1000",
    "?A2A-Version=9.9",
    "/pushNotificationConfigs/a",
    "/%00",
  )
  .map((suffix) => (call: Call) => ({ ...call, path: call.path + suffix }));

const methodMutation: fc.Arbitrary<Mutation> = fc
  .constantFrom("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS")
  .map((method) => (call: Call) => ({ ...call, method }));

const mutation = fc.oneof(
  { weight: 5, arbitrary: bodyMutation },
  { weight: 2, arbitrary: textMutation },
  { weight: 2, arbitrary: headerMutation },
  { weight: 1, arbitrary: pathMutation },
  { weight: 1, arbitrary: methodMutation },
);

/** A request for `url` (the mount point) from a call; `undefined` when Fetch refuses it. */
function requestOf(url: string, call: Call): Request | undefined {
  const target = call.path.startsWith("//")
    ? new URL(url).origin + call.path.slice(1)
    : url + call.path;
  const hasBody = call.method !== "GET" && call.method !== "HEAD";
  try {
    return new Request(target, {
      method: call.method,
      headers: call.headers,
      body: hasBody ? (call.body ?? null) : null,
    });
  } catch {
    return undefined;
  }
}

/** The whole body, or as much as arrives in `ms` for a stream that does not end. */
async function readBody(response: Response, ms: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + ms;
  try {
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return text;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<"timeout">((resolve) => {
          timer = setTimeout(resolve, left, "timeout");
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk === "timeout" || chunk.done) return text;
      text += chunk.value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function expectSafe(status: number, text: string, call: Call): void {
  const what = `${call.method} ${call.path} ${JSON.stringify(call.headers)} ${call.body?.slice(0, 300)}`;
  expect(status, `${what}\n-> ${text.slice(0, 500)}`).toBeLessThan(500);
  expect(STACK_FRAME.test(text), `stack trace for ${what}`).toBe(false);
  expect(text.includes(REPO), `file path for ${what}\n-> ${text.slice(0, 2000)}`).toBe(false);
  expect(text.includes("node:internal"), `node internals for ${what}`).toBe(false);
}

/** Seeds finished tasks (which no request may change) and snapshots them. */
async function seed(send: (call: Call) => Promise<{ status: number; text: string }>) {
  const create = async (text: string) => {
    const { text: body } = await send(
      rpcCall(JSON_1_0, "SendMessage", { message: message10(text) }),
    );
    return JSON.parse(body).result.task.id as string;
  };
  const done = await create("seeded done");
  const failed = await create("seeded fail");
  const waiting = await create("seeded input");
  await send(rpcCall(JSON_1_0, "CancelTask", { id: waiting }));
  const ids = { done, failed, canceled: waiting };
  const snapshot = async () => {
    const out: Record<string, unknown> = {};
    for (const id of Object.values(ids)) {
      out[id] = JSON.parse((await send(rpcCall(JSON_1_0, "GetTask", { id }))).text).result;
    }
    return out;
  };
  return { ids, snapshot, before: await snapshot() };
}

/** Runs the property against a way of sending calls, watching the event loop meanwhile. */
async function fuzz(
  send: (call: Call) => Promise<{ status: number; text: string } | undefined>,
  numRuns: number,
) {
  const sendOk = async (call: Call) => (await send(call))!;
  const { ids, snapshot, before } = await seed(sendOk);
  let lastTick = Date.now();
  let worstGap = 0;
  const watchdog = setInterval(() => {
    const now = Date.now();
    worstGap = Math.max(worstGap, now - lastTick);
    lastTick = now;
  }, 10);
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...templates(ids)),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (template, mutations) => {
          // Back to the event loop between requests, so the watchdog measures each one.
          await new Promise((resolve) => setImmediate(resolve));
          const call = mutations.reduce((current, mutate) => mutate(current), template);
          const answered = await send(call);
          if (answered) expectSafe(answered.status, answered.text, call);
        },
      ),
      { numRuns },
    );
  } finally {
    clearInterval(watchdog);
  }
  // Responsive all along (a generous bound: this catches stalls, not slowness).
  expect(worstGap).toBeLessThan(2000);
  // Nothing stored before was changed, and the agent still serves and lists.
  expect(await snapshot()).toEqual(before);
  const listed = await sendOk(rpcCall(JSON_1_0, "ListTasks", { pageSize: 100 }));
  expect(listed.status).toBe(200);
  const after = await sendOk(rpcCall(JSON_1_0, "SendMessage", { message: message10("after") }));
  expect(JSON.parse(after.text).result.task.status.state).toBe("TASK_STATE_COMPLETED");
}

describe("fuzz: mutated valid requests", () => {
  let running: Running | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it(`through the Fetch handler (${FUZZ_RUNS} requests)`, async () => {
    const a2a = fuzzAgent();
    const base = "http://fuzz.test/a2a";
    await fuzz(async (call) => {
      const request = requestOf(base, call);
      if (!request) return undefined;
      const response = await a2a.fetch(request);
      return { status: response.status, text: await readBody(response, 1000) };
    }, FUZZ_RUNS);
    expect(a2a.stats().subscribers).toBe(0);
  }, 120_000);

  it("through Express 5 over HTTP (400 requests)", async () => {
    const a2a = fuzzAgent();
    // Without express.json(): its own errors are Express's to render, not the agent's.
    running = await express5Target.start(a2a);
    const url = running.url;
    await fuzz(async (call) => {
      const request = requestOf(url, call);
      if (!request) return undefined;
      let response: Response;
      try {
        response = await fetch(request);
      } catch {
        return undefined; // a request the client itself will not send
      }
      return { status: response.status, text: await readBody(response, 1000) };
    }, 400);
  }, 120_000);
});
