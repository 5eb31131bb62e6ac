import { describe, expect, it, vi } from "vitest";
import type { EventFrames, HttpInput, HttpReply } from "../src/http/exchange.js";
import {
  type A2A,
  A2AError,
  type AgentExecuteFn,
  type Logger,
  type Principal,
} from "../src/index.js";
import { internalsOf } from "../src/transport/agent.js";
import { gate, type Json, makeAgent, parseSse, until, userMessage } from "./helpers.js";

/**
 * `a2a.handle`, the runtime-neutral entry point `fetch` and the Node bridge share, driven
 * with hand-made `HttpInput` objects: no `Request`, no `Response`.
 */

const ORIGIN = "http://agent.test";
const MAX_BODY_BYTES = 4096;

/** Completes every task with an echo artifact; "ask" waits for input, "headers" reads them. */
const executor: AgentExecuteFn = async (ctx, task) => {
  if (ctx.text === "ask") {
    await task.inputRequired("more please");
    return;
  }
  await task.working();
  const extra = ctx.text === "headers" ? ` ${ctx.call.headers.get("x-custom")}` : "";
  await task.artifact(`echo: ${ctx.text}${extra} by ${ctx.principal?.id ?? "anonymous"}`);
  await task.complete("done");
};

function agent(overrides: Parameters<typeof makeAgent>[0] = { executor }): A2A {
  return makeAgent({ maxBodyBytes: MAX_BODY_BYTES, ...overrides });
}

interface InputInit {
  method?: string;
  /** A path (resolved against ORIGIN) or an absolute URL. */
  url: string;
  headers?: Record<string, string>;
  /** The body `text()` resolves to; default empty. */
  body?: string;
  /** Replaces `text()`. */
  text?: (maxBytes: number) => Promise<string>;
  /** Replaces `header()`. */
  header?: (name: string) => string | null;
  /** Replaces `headers()`. */
  allHeaders?: () => Headers;
  parsedBody?: unknown;
  principal?: Principal;
  basePath?: string;
}

/** An `HttpInput` as a runtime would build it, with `text()` watched. */
function input(init: InputInit): HttpInput & { text: ReturnType<typeof vi.fn> } {
  const headers = new Headers(init.headers);
  const text = vi.fn(init.text ?? (async () => init.body ?? ""));
  const url = new URL(init.url, ORIGIN);
  return {
    method: init.method ?? "GET",
    path: url.pathname,
    search: url.search,
    origin: { protocol: url.protocol.slice(0, -1), host: url.host },
    header: init.header ?? ((name) => headers.get(name)),
    headers: init.allHeaders ?? (() => headers),
    text,
    parsedBody: init.parsedBody,
    principal: init.principal,
    basePath: init.basePath,
  };
}

const CARD_URL = "https://cards.example/a2a/.well-known/agent-card.json";

const JSON_1_0 = { "content-type": "application/json", "a2a-version": "1.0" };

let nextId = 1;

function rpcText(method: string, params?: unknown, id: string | number = nextId++): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id,
    method,
    ...(params === undefined ? {} : { params }),
  });
}

/** A POST of a JSON-RPC call to `url` (default: the mount point). */
function rpcInput(
  method: string,
  params?: unknown,
  init: Partial<InputInit> = {},
): ReturnType<typeof input> {
  return input({
    method: "POST",
    url: "/a2a",
    headers: JSON_1_0,
    body: rpcText(method, params),
    ...init,
  });
}

/** The reply's whole body, parsed; fails on an event stream. */
function json(reply: HttpReply): Json {
  if (typeof reply.body !== "string") throw new Error(`not a whole body: ${String(reply.body)}`);
  return JSON.parse(reply.body);
}

/** All frames of an event-stream reply, as text. */
async function drain(reply: HttpReply): Promise<string> {
  const body = reply.body;
  if (typeof body !== "object" || body === null) throw new Error("not an event stream");
  const frames = body as EventFrames;
  let text = "";
  for (let frame = await frames.next(); frame !== undefined; frame = await frames.next()) {
    text += frame;
  }
  return text;
}

/** A logger that keeps what it is told. */
function recordingLogger() {
  const lines: string[] = [];
  const log = (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = { debug: log, info: log, warn: log, error: log };
  return { logger, lines };
}

const artifactText = (task: Json): string =>
  task.artifacts[0].parts.map((p: { text: string }) => p.text).join("");

describe("handle: the agent card", () => {
  it("answers with the card as a whole body, its interfaces at the input's origin", async () => {
    const a2a = agent();
    const get = input({
      url: CARD_URL,
      headers: { "a2a-version": "1.0" },
    });
    const reply = await internalsOf(a2a).handle(get);
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("application/json");
    expect(reply.headers.etag).toMatch(/^".+"$/);
    expect(json(reply).supportedInterfaces[0].url).toBe("https://cards.example/a2a");
    expect(get.text).not.toHaveBeenCalled();

    const head = await internalsOf(a2a).handle(
      input({ method: "HEAD", url: CARD_URL, headers: { "a2a-version": "1.0" } }),
    );
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers.etag).toBe(reply.headers.etag);

    const again = await internalsOf(a2a).handle(
      input({
        url: CARD_URL,
        headers: { "a2a-version": "1.0", "if-none-match": reply.headers.etag! },
      }),
    );
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
  });

  it("reads the version from the query when there is no header", async () => {
    const a2a = agent();
    const v03 = json(await internalsOf(a2a).handle(input({ url: "/.well-known/agent-card.json" })));
    expect(v03.protocolVersion).toBe("0.3.0");
    const v1 = json(
      await internalsOf(a2a).handle(input({ url: "/.well-known/agent-card.json?A2A-Version=1.0" })),
    );
    expect(v1.supportedInterfaces).toBeDefined();
  });
});

describe("handle: JSON-RPC", () => {
  it("answers a unary call with a whole JSON body, reading the body within maxBodyBytes", async () => {
    const a2a = agent();
    const call = rpcInput("SendMessage", { message: userMessage("hi") });
    const reply = await internalsOf(a2a).handle(call);
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("application/json");
    const body = json(reply);
    expect(body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(artifactText(body.result.task)).toBe("echo: hi by anonymous");
    expect(call.text).toHaveBeenCalledTimes(1);
    expect(call.text).toHaveBeenCalledWith(MAX_BODY_BYTES);
  });

  it("answers a streaming call with event frames that end with the task", async () => {
    const a2a = agent();
    const stream = await internalsOf(a2a).handle(
      rpcInput("SendStreamingMessage", { message: userMessage("s") }),
    );
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toBe("text/event-stream");
    expect(stream.headers["cache-control"]).toBe("no-cache, no-transform");
    const { events } = parseSse(await drain(stream));
    const states = events
      .map((e: Json) => e.result.task?.status.state ?? e.result.statusUpdate?.status.state)
      .filter(Boolean);
    expect(states[0]).toBe("TASK_STATE_SUBMITTED");
    expect(states.at(-1)).toBe("TASK_STATE_COMPLETED");
    expect(events.some((e: Json) => "artifactUpdate" in e.result)).toBe(true);
    await until(() => a2a.stats().subscribers === 0 && a2a.stats().activeExecutions === 0);
  });

  it("gives the agent the input's principal and headers, and scopes tasks to the principal", async () => {
    const a2a = agent();
    const alice = { id: "alice" };
    const sent = json(
      await internalsOf(a2a).handle(
        rpcInput(
          "SendMessage",
          { message: userMessage("headers") },
          { principal: alice, headers: { ...JSON_1_0, "x-custom": "v42" } },
        ),
      ),
    );
    expect(artifactText(sent.result.task)).toBe("echo: headers v42 by alice");
    const id = sent.result.task.id;
    const mine = json(
      await internalsOf(a2a).handle(rpcInput("GetTask", { id }, { principal: alice })),
    );
    expect(mine.result.id).toBe(id);
    const theirs = json(
      await internalsOf(a2a).handle(rpcInput("GetTask", { id }, { principal: { id: "bob" } })),
    );
    expect(theirs.error.code).toBe(-32001);
  });

  it("uses parsedBody instead of text()", async () => {
    const a2a = agent();
    const call = rpcInput("SendMessage", undefined, {
      text: () => Promise.reject(new Error("the body was already read")),
      parsedBody: {
        jsonrpc: "2.0",
        id: "pre",
        method: "SendMessage",
        params: { message: userMessage("parsed") },
      },
    });
    const body = json(await internalsOf(a2a).handle(call));
    expect(body.id).toBe("pre");
    expect(artifactText(body.result.task)).toBe("echo: parsed by anonymous");
    expect(call.text).not.toHaveBeenCalled();
  });

  it("refuses a non-JSON content type with 415 before reading the body", async () => {
    const a2a = agent();
    const call = rpcInput(
      "SendMessage",
      { message: userMessage("x") },
      {
        headers: { "content-type": "text/plain", "a2a-version": "1.0" },
      },
    );
    const reply = await internalsOf(a2a).handle(call);
    expect(reply.status).toBe(415);
    expect(json(reply).error.code).toBe(-32005);
    expect(call.text).not.toHaveBeenCalled();
    // Also with a pre-parsed body.
    const parsed = rpcInput("SendMessage", undefined, {
      headers: { "content-type": "text/plain" },
      parsedBody: { jsonrpc: "2.0", id: 1, method: "SendMessage", params: {} },
    });
    expect((await internalsOf(a2a).handle(parsed)).status).toBe(415);
    expect(parsed.text).not.toHaveBeenCalled();
  });

  it("answers GET on the endpoint with 405 and Allow: POST, without reading a body", async () => {
    const a2a = agent();
    const get = input({ url: "/a2a", headers: { "a2a-version": "1.0" } });
    const reply = await internalsOf(a2a).handle(get);
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe("POST");
    expect(json(reply).error.code).toBe(-32600);
    expect(get.text).not.toHaveBeenCalled();
  });
});

describe("handle: JSON-RPC bodies", () => {
  it("answers an empty or non-JSON body with a parse error", async () => {
    const a2a = agent();
    for (const body of ["", "{not json"]) {
      const reply = await internalsOf(a2a).handle(rpcInput("SendMessage", undefined, { body }));
      expect(reply.status).toBe(200);
      expect(json(reply)).toMatchObject({ id: null, error: { code: -32700 } });
    }
    expect(a2a.stats().activeExecutions).toBe(0);
  });
});

describe("handle: HTTP+JSON", () => {
  it("serves message:send, then GET tasks/{id} and a filtered list without reading a body", async () => {
    const a2a = agent();
    const send = input({
      method: "POST",
      url: "/a2a/message:send",
      headers: { "content-type": "application/a2a+json", "a2a-version": "1.0" },
      body: JSON.stringify({ message: userMessage("rest") }),
    });
    const sent = await internalsOf(a2a).handle(send);
    expect(sent.status).toBe(200);
    expect(sent.headers["content-type"]).toBe("application/a2a+json");
    const task = json(sent).task;
    expect(artifactText(task)).toBe("echo: rest by anonymous");

    const get = input({ url: `/a2a/tasks/${task.id}`, headers: { "a2a-version": "1.0" } });
    const got = await internalsOf(a2a).handle(get);
    expect(got.status).toBe(200);
    expect(json(got).id).toBe(task.id);
    expect(get.text).not.toHaveBeenCalled();

    const list = await internalsOf(a2a).handle(
      input({ url: `/a2a/tasks?contextId=${task.contextId}&pageSize=5` }),
    );
    expect(json(list).tasks.map((t: Json) => t.id)).toEqual([task.id]);
  });

  it("answers errors as google.rpc.Status with the spec's HTTP statuses", async () => {
    const a2a = agent();
    const missing = await internalsOf(a2a).handle(input({ url: "/a2a/tasks/nope" }));
    expect(missing.status).toBe(404);
    expect(json(missing).error.status).toBe("NOT_FOUND");

    const noRoute = await internalsOf(a2a).handle(input({ url: "/a2a/no/such/route" }));
    expect(noRoute.status).toBe(404);

    const outside = await internalsOf(a2a).handle(input({ url: "/elsewhere" }));
    expect(outside.status).toBe(404);

    const wrongMethod = await internalsOf(a2a).handle(
      input({ method: "DELETE", url: "/a2a/message:send" }),
    );
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe("POST");

    const textPlain = input({
      method: "POST",
      url: "/a2a/message:send",
      headers: { "content-type": "text/plain" },
      body: "{}",
    });
    const refused = await internalsOf(a2a).handle(textPlain);
    expect(refused.status).toBe(415);
    expect(json(refused).error.code).toBe(415);
    expect(textPlain.text).not.toHaveBeenCalled();

    const badJson = await internalsOf(a2a).handle(
      input({
        method: "POST",
        url: "/a2a/message:send",
        headers: { "content-type": "application/json" },
        body: "{not json",
      }),
    );
    expect(badJson.status).toBe(400);
    expect(json(badJson).error.status).toBe("INVALID_ARGUMENT");
  });
});

describe("handle: a broken input gives an error reply, never a rejection", () => {
  it("when text() rejects with an unexpected error: an internal error, logged, not leaked", async () => {
    const { logger, lines } = recordingLogger();
    const a2a = agent({ executor, logger });
    const failing = () => Promise.reject(new Error("socket exploded at /srv/app.js:1"));

    const rpcReply = await internalsOf(a2a).handle(
      rpcInput("SendMessage", undefined, { text: failing }),
    );
    expect(rpcReply.status).toBe(200); // JSON-RPC errors travel with 200
    expect(json(rpcReply).error.code).toBe(-32603);

    const restReply = await internalsOf(a2a).handle(
      input({
        method: "POST",
        url: "/a2a/message:send",
        headers: { "content-type": "application/json" },
        text: failing,
      }),
    );
    expect(restReply.status).toBe(500);
    expect(json(restReply).error.status).toBe("INTERNAL");

    for (const reply of [rpcReply, restReply]) expect(reply.body).not.toContain("exploded");
    expect(lines.filter((line) => line.includes("socket exploded"))).toHaveLength(2);
    expect(a2a.stats().activeExecutions).toBe(0);
  });

  it("when text() rejects with an A2AError (a 413, say): that error", async () => {
    const a2a = agent();
    const reply = await internalsOf(a2a).handle(
      rpcInput("SendMessage", undefined, {
        text: () =>
          Promise.reject(new A2AError("INVALID_REQUEST", "too big", { transportStatus: 413 })),
      }),
    );
    expect(reply.status).toBe(413);
    expect(json(reply).error).toMatchObject({ code: -32600, message: "too big" });
  });

  it("when header() throws, on every kind of endpoint", async () => {
    const { logger, lines } = recordingLogger();
    const a2a = agent({ executor, logger });
    const header = () => {
      throw new TypeError("header table corrupt");
    };
    const replies = await Promise.all([
      internalsOf(a2a).handle(input({ url: "/.well-known/agent-card.json", header })),
      internalsOf(a2a).handle(rpcInput("SendMessage", { message: userMessage("x") }, { header })),
      internalsOf(a2a).handle(input({ url: "/a2a/tasks/x", header })),
      internalsOf(a2a).handle(
        input({ method: "POST", url: "/a2a/message:send", header, body: "{}" }),
      ),
    ]);
    const [card, rpc, getTask, send] = replies;
    expect(card!.status).toBe(500);
    expect(rpc!.status).toBe(200);
    expect(json(rpc!).error.code).toBe(-32603);
    expect(getTask!.status).toBe(500);
    expect(send!.status).toBe(500);
    for (const reply of replies) expect(reply.body).not.toContain("corrupt");
    expect(lines.filter((line) => line.includes("header table corrupt"))).toHaveLength(4);
    expect(a2a.stats().activeExecutions).toBe(0);
  });

  it("when headers() throws while the agent reads them: the task fails, the reply comes", async () => {
    const a2a = agent();
    const reply = await internalsOf(a2a).handle(
      rpcInput(
        "SendMessage",
        { message: userMessage("headers") },
        {
          allHeaders: () => {
            throw new Error("no headers today");
          },
        },
      ),
    );
    expect(reply.status).toBe(200);
    const task = json(reply).result.task;
    expect(task.status.state).toBe("TASK_STATE_FAILED");
    expect(JSON.stringify(task)).not.toContain("no headers today");
  });
});

describe("handle: basePath per input", () => {
  it("serves the agent where the input says it is mounted, and not at the option's path", async () => {
    const a2a = agent(); // basePath option: /a2a
    const mounted = { basePath: "/api/agent/" };

    const sent = json(
      await internalsOf(a2a).handle(
        rpcInput(
          "SendMessage",
          { message: userMessage("moved") },
          { url: "/api/agent", ...mounted },
        ),
      ),
    );
    expect(artifactText(sent.result.task)).toBe("echo: moved by anonymous");

    const got = await internalsOf(a2a).handle(
      input({ url: `/api/agent/tasks/${sent.result.task.id}`, ...mounted }),
    );
    expect(got.status).toBe(200);
    expect(json(got).id).toBe(sent.result.task.id);

    const card = json(
      await internalsOf(a2a).handle(
        input({
          url: "/api/agent/.well-known/agent-card.json",
          headers: { "a2a-version": "1.0" },
          ...mounted,
        }),
      ),
    );
    expect(card.supportedInterfaces[0].url).toBe(`${ORIGIN}/api/agent`);

    // With that input's base path, the option's path is not the agent's.
    const atOption = await internalsOf(a2a).handle(
      rpcInput("GetTask", { id: "x" }, { ...mounted }),
    );
    expect(atOption.status).toBe(404);
    // An input without one falls back to the option.
    const fallback = json(await internalsOf(a2a).handle(rpcInput("GetTask", { id: "x" })));
    expect(fallback.error.code).toBe(-32001);
  });

  it("keeps each input's base path to itself while requests overlap", async () => {
    const release = gate();
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await release.promise;
        await task.complete("ok");
      },
    });
    const pending = internalsOf(a2a).handle(
      rpcInput("SendMessage", { message: userMessage("x") }, { url: "/one", basePath: "/one" }),
    );
    const other = await internalsOf(a2a).handle(
      input({
        url: "/two/.well-known/agent-card.json",
        headers: { "a2a-version": "1.0" },
        basePath: "/two",
      }),
    );
    expect(json(other).supportedInterfaces[0].url).toBe(`${ORIGIN}/two`);
    release.open();
    expect(json(await pending).result.task.status.state).toBe("TASK_STATE_COMPLETED");
  });
});
