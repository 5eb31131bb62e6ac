import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import {
  type A2A,
  createA2A,
  InMemoryTaskStore,
  silentLogger,
  type TaskHelper,
  type TaskStore,
} from "@a2a-mount/core";
import { handleNodeRequest } from "@a2a-mount/core/internal";
import { toNodeHandler } from "@a2a-mount/core/node";
import { afterEach, describe, expect, it } from "vitest";
import { gate, withInternals } from "../harness/agent.js";
import { a2aHeaders, type Json, rpcBody, until, userMessage } from "../harness/client.js";
import { openRawStream } from "../harness/raw-stream.js";

/**
 * The Node bridge's fast path: an agent from `createA2A` served straight from `req` and
 * `res` through its internal `handle` (no Fetch objects). What the scenario suites cannot see from a
 * client's side: back-pressure on large streams, keep-alive comments on the wire, how the
 * connection is left after a refused upload, and bodies host middleware already read.
 */

const servers: Server[] = [];
const sockets: Socket[] = [];
const releases: (() => void)[] = [];

afterEach(async () => {
  for (const release of releases.splice(0)) release();
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** Listens on 127.0.0.1:0 and returns the origin. */
async function listen(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const card = {
  name: "Fast path agent",
  description: "For bridge tests",
  version: "1.0.0",
  skills: [{ id: "echo", name: "Echo", description: "Echoes text", tags: ["test"] }],
};

/** An agent mounted at /a2a that counts its runs and echoes text (or runs `body`). */
function makeAgent(
  options: {
    maxBodyBytes?: number;
    keepAliveMs?: number;
    maxStreamBufferBytes?: number;
    taskStore?: TaskStore;
    body?: (text: string, task: TaskHelper, signal: AbortSignal) => Promise<void>;
  } = {},
) {
  const runs: string[] = [];
  const a2a = createA2A({
    card,
    basePath: "/a2a",
    logger: silentLogger,
    maxBodyBytes: options.maxBodyBytes,
    keepAliveMs: options.keepAliveMs,
    maxStreamBufferBytes: options.maxStreamBufferBytes,
    taskStore: options.taskStore,
    executor: async (ctx, task) => {
      runs.push(ctx.text);
      if (options.body) return options.body(ctx.text, task, ctx.signal);
      await task.artifact(`echo: ${ctx.text}`);
      await task.complete("done");
    },
  });
  return { a2a, runs };
}

const sendMessage = (text: string) => rpcBody("SendMessage", { message: userMessage(text) });

/** A JSON-RPC SendMessage body padded with trailing spaces to exactly `size` bytes. */
function bodyOfSize(size: number, text = "sized"): string {
  const body = sendMessage(text);
  if (Buffer.byteLength(body) > size) throw new Error(`cannot fit in ${size} bytes`);
  return body + " ".repeat(size - Buffer.byteLength(body));
}

/** One HTTP chunk of `Transfer-Encoding: chunked`. */
const chunk = (data: string) => `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses the first HTTP/1.1 response in `raw` (a chunked body is decoded). */
function parseResponse(raw: string): RawResponse | undefined {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [statusLine, ...lines] = raw.slice(0, end).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  let body = raw.slice(end + 4);
  if (headers["transfer-encoding"] === "chunked") {
    let decoded = "";
    let rest = body;
    for (;;) {
      const lineEnd = rest.indexOf("\r\n");
      if (lineEnd < 0) break;
      const size = Number.parseInt(rest.slice(0, lineEnd), 16);
      if (!(size > 0)) break;
      decoded += rest.slice(lineEnd + 2, lineEnd + 2 + size);
      rest = rest.slice(lineEnd + 2 + size + 2);
    }
    body = decoded;
  } else if (headers["content-length"] !== undefined) {
    body = body.slice(0, Number(headers["content-length"]));
  }
  return { status: Number(statusLine!.split(" ")[1]), headers, body };
}

/**
 * A raw connection: what was received so far, and whether the server ended it. Lets a
 * test send a request by halves, stall an upload, or hang up.
 */
async function rawConnection(origin: string) {
  const { port } = new URL(origin);
  const socket = connect(Number(port), "127.0.0.1");
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const state = { received: "", endedByServer: false, closed: false };
  socket.setEncoding("latin1");
  socket.on("data", (data: string) => {
    state.received += data;
  });
  socket.on("end", () => {
    state.endedByServer = true;
  });
  socket.on("close", () => {
    state.closed = true;
  });
  socket.on("error", () => {}); // a reset after the server closed is expected here
  return {
    state,
    write: (data: string | Buffer) =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) return resolve();
        socket.write(data, () => resolve());
      }),
    /** Waits for the first complete response (by its length or its last chunk). */
    async response(timeoutMs = 3000): Promise<RawResponse> {
      await until(() => {
        const parsed = parseResponse(state.received);
        if (parsed === undefined) return state.closed;
        if (parsed.headers["transfer-encoding"] === "chunked") {
          return state.received.includes("\r\n0\r\n\r\n") || state.closed;
        }
        const length = Number(parsed.headers["content-length"] ?? 0);
        return parsed.body.length >= length || state.closed;
      }, timeoutMs);
      const parsed = parseResponse(state.received);
      if (!parsed) throw new Error(`no response: ${JSON.stringify(state.received)}`);
      return parsed;
    },
    destroy: () => socket.destroy(),
  };
}

const requestHead = (headers: Record<string, string | number>, path = "/a2a") =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")}\r\n`;

const JSON_HEADERS = { "Content-Type": "application/json", "A2A-Version": "1.0" };

// ---------------------------------------------------------------------------------------

/**
 * An agent whose task goes working (after `before`, if any) and waits until `held` opens,
 * and a raw connection that asked for it as a stream.
 */
async function streamWaitingTask(keepAliveMs: number, before?: () => Promise<unknown>) {
  const held = gate();
  releases.push(held.open);
  const { a2a } = makeAgent({
    keepAliveMs,
    body: async (_text, task) => {
      await before?.();
      await task.working("waiting");
      await held.promise;
      await task.complete("done");
    },
  });
  const origin = await listen(toNodeHandler(a2a));
  const conn = await rawConnection(origin);
  const body = rpcBody("SendStreamingMessage", { message: userMessage("wait") });
  await conn.write(
    requestHead({ ...JSON_HEADERS, "Content-Length": Buffer.byteLength(body) }) + body,
  );
  return { a2a, conn, held };
}

describe("fast path: streams", () => {
  it("holds back on a client that does not read, then delivers every event of a large stream intact and in order", async () => {
    const CHUNKS = 200;
    const SIZE = 64 * 1024;
    const textOf = (i: number) =>
      `${String(i).padStart(4, "0")}:${String.fromCharCode(97 + (i % 26)).repeat(SIZE - 5)}`;
    let published = 0;
    const { a2a } = makeAgent({
      // Room for the whole stream, and for the task with its log (each chunk is in both):
      // this is about the bridge holding back, not the bounds.
      maxStreamBufferBytes: 32 * 1024 * 1024,
      taskStore: new InMemoryTaskStore({ maxBytesPerOwner: 64 * 1024 * 1024 }),
      body: async (_text, task) => {
        const id = await task.artifact({ name: "big", parts: [{ text: textOf(0) }] });
        published++;
        for (let i = 1; i < CHUNKS; i++) {
          await task.artifact(
            { artifactId: id, parts: [{ text: textOf(i) }] },
            { append: true, lastChunk: i === CHUNKS - 1 },
          );
          published++;
        }
        await task.complete("all sent");
      },
    });
    const responses: ServerResponse[] = [];
    const handler = toNodeHandler(a2a);
    const origin = await listen((req, res) => {
      responses.push(res);
      void handler(req, res);
    });

    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${origin}/a2a`, {
        method: "POST",
        headers: a2aHeaders(),
        agent: false,
      });
      req.on("error", reject);
      req.on("response", resolve);
      req.end(rpcBody("SendStreamingMessage", { message: userMessage("big") }));
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/event-stream");

    // The client reads nothing yet. The agent is not held back (the stream's queue may take
    // it all here), but the bridge must wait for the socket to drain rather than buffer
    // ~13 MiB in `res`.
    await until(() => published === CHUNKS && a2a.stats().activeExecutions === 0, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [res] = responses;
    expect(res!.writableNeedDrain).toBe(true);
    expect(res!.writableLength).toBeLessThan(512 * 1024);

    // Now a slow reader: pauses after every MiB.
    response.setEncoding("utf8");
    let text = "";
    let sincePause = 0;
    await new Promise<void>((resolve, reject) => {
      response.on("data", (data: string) => {
        text += data;
        sincePause += data.length;
        if (sincePause > 1024 * 1024) {
          sincePause = 0;
          response.pause();
          setTimeout(() => response.resume(), 5);
        }
      });
      response.on("end", resolve);
      response.on("error", reject);
    });

    const events: Json[] = [];
    for (const block of text.split("\n\n")) {
      const data = block.split("\n").find((line) => line.startsWith("data: "));
      if (data) events.push(JSON.parse(data.slice(6)));
    }
    const updates = events.filter((e) => "artifactUpdate" in e.result);
    expect(updates).toHaveLength(CHUNKS);
    updates.forEach((event, i) => {
      const update = event.result.artifactUpdate;
      expect(update.artifact.parts).toHaveLength(1);
      if (update.artifact.parts[0].text !== textOf(i)) {
        throw new Error(`chunk ${i} arrived altered or out of order`);
      }
      expect(update.append ?? false).toBe(i > 0);
      expect(update.lastChunk ?? false).toBe(i === CHUNKS - 1);
    });
    expect(events[0].result.task.status.state).toBe("TASK_STATE_SUBMITTED");
    expect(events.at(-1).result.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
    expect(events).toHaveLength(CHUNKS + 2);
  }, 30_000);

  it("sends keep-alive comments on the wire while the task waits, and releases the subscriber when the client leaves", async () => {
    const { a2a, conn, held } = await streamWaitingTask(50);
    const keepAlivesAfterWorking = () => {
      const working = conn.state.received.indexOf("TASK_STATE_WORKING");
      if (working < 0) return 0;
      return conn.state.received.slice(working).split(": keep-alive\n\n").length - 1;
    };
    await until(() => keepAlivesAfterWorking() >= 2, 3000);
    expect(conn.state.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(conn.state.received).toMatch(/\r\ncontent-type: text\/event-stream\r\n/i);
    expect(a2a.stats().subscribers).toBe(1);

    conn.destroy();
    await until(() => a2a.stats().subscribers === 0, 2000);
    // The task goes on without its client.
    expect(a2a.stats().activeExecutions).toBe(1);
    held.open();
    await until(() => a2a.stats().activeExecutions === 0);
  });

  it("without keep-alives, still releases the subscriber of a client that leaves while nothing happens", async () => {
    const { a2a, conn } = await streamWaitingTask(0);
    await until(() => conn.state.received.includes("TASK_STATE_WORKING"));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(conn.state.received).not.toContain(": keep-alive\n\n");
    expect(a2a.stats().subscribers).toBe(1);

    conn.destroy();
    await until(() => a2a.stats().subscribers === 0, 2000);
    expect(a2a.stats().activeExecutions).toBe(1);
  });
  it("releases the subscriber of a client that left before the stream's first event", async () => {
    // The first event (the task) comes only after the client is gone.
    const { a2a, conn } = await streamWaitingTask(
      0,
      () => new Promise((resolve) => setTimeout(resolve, 200)),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    conn.destroy();
    await until(() => a2a.stats().activeExecutions === 1 && a2a.stats().subscribers === 0, 2000);
    // Past the first event, the stream was opened and closed again at once.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a2a.stats().subscribers).toBe(0);
    expect(a2a.stats().activeExecutions).toBe(1);
  });
});

describe("fast path: body limits", () => {
  const LIMIT = 2048;

  it("answers a declared Content-Length over the limit with 413 at once and closes the connection", async () => {
    const { a2a, runs } = makeAgent({ maxBodyBytes: LIMIT });
    const origin = await listen(toNodeHandler(a2a));
    const conn = await rawConnection(origin);
    // Headers and a first part of the body only: the rest never comes.
    await conn.write(requestHead({ ...JSON_HEADERS, "Content-Length": 100_000 }));
    await conn.write("x".repeat(1000));
    const response = await conn.response();
    expect(response.status).toBe(413);
    expect(response.headers["content-type"]).toContain("application/json");
    expect(JSON.parse(response.body)).toMatchObject({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600 },
    });
    expect(response.headers.connection).toBe("close");
    // The server hangs up instead of waiting for the 99 000 bytes still announced.
    await until(() => conn.state.endedByServer || conn.state.closed, 2000);
    expect(runs).toEqual([]);
  });

  it("answers a chunked upload that passes the limit with 413 before it ends, and closes the connection", async () => {
    const { a2a, runs } = makeAgent({ maxBodyBytes: LIMIT });
    const origin = await listen(toNodeHandler(a2a));
    const conn = await rawConnection(origin);
    await conn.write(requestHead({ ...JSON_HEADERS, "Transfer-Encoding": "chunked" }));
    for (let i = 0; i < 3; i++) await conn.write(chunk("y".repeat(1000)));
    // No last chunk: the upload stalls past the limit.
    const response = await conn.response();
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error.code).toBe(-32600);
    expect(response.headers.connection).toBe("close");
    await until(() => conn.state.endedByServer || conn.state.closed, 2000);
    expect(runs).toEqual([]);
  });

  it("accepts a body of exactly the limit, with Content-Length or chunked, and refuses one byte more", async () => {
    const { a2a, runs } = makeAgent({ maxBodyBytes: LIMIT });
    const origin = await listen(toNodeHandler(a2a));

    const exact = bodyOfSize(LIMIT, "exact");
    const conn = await rawConnection(origin);
    await conn.write(requestHead({ ...JSON_HEADERS, "Content-Length": LIMIT }) + exact);
    const byLength = await conn.response();
    expect(byLength.status).toBe(200);
    expect(JSON.parse(byLength.body).result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(byLength.headers.connection).not.toBe("close");

    const chunked = await rawConnection(origin);
    await chunked.write(
      requestHead({ ...JSON_HEADERS, "Transfer-Encoding": "chunked" }) +
        chunk(exact.slice(0, 1000)) +
        chunk(exact.slice(1000)) +
        "0\r\n\r\n",
    );
    const byChunks = await chunked.response();
    expect(byChunks.status).toBe(200);
    expect(JSON.parse(byChunks.body).result.task.status.state).toBe("TASK_STATE_COMPLETED");

    const over = bodyOfSize(LIMIT + 1, "over");
    const tooLong = await fetch(`${origin}/a2a`, {
      method: "POST",
      headers: a2aHeaders(),
      body: over,
    });
    expect(tooLong.status).toBe(413);
    await tooLong.text();
    const overChunked = await rawConnection(origin);
    await overChunked.write(
      requestHead({ ...JSON_HEADERS, "Transfer-Encoding": "chunked" }) +
        chunk(over.slice(0, 1000)) +
        chunk(over.slice(1000)) +
        "0\r\n\r\n",
    );
    expect((await overChunked.response()).status).toBe(413);
    expect(runs).toEqual(["exact", "exact"]);
  });

  it("answers a body that is not UTF-8 with a parse error (JSON-RPC -32700, REST 400)", async () => {
    const { a2a, runs } = makeAgent();
    const origin = await listen(toNodeHandler(a2a));
    const invalid = (json: string) => {
      const [before, after] = json.split("BAD");
      return Buffer.concat([
        Buffer.from(before!),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from(after!),
      ]);
    };
    const rpcResponse = await fetch(`${origin}/a2a`, {
      method: "POST",
      headers: a2aHeaders(),
      body: invalid(sendMessage("BAD")),
    });
    expect(rpcResponse.status).toBe(200);
    expect(await rpcResponse.json()).toMatchObject({ id: null, error: { code: -32700 } });

    const restResponse = await fetch(`${origin}/a2a/message:send`, {
      method: "POST",
      headers: a2aHeaders(),
      body: invalid(JSON.stringify({ message: userMessage("BAD") })),
    });
    expect(restResponse.status).toBe(400);
    expect((await restResponse.json()).error.status).toBe("INVALID_ARGUMENT");
    expect(runs).toEqual([]);
  });
});

describe("fast path: bodies host middleware already read", () => {
  const LIMIT = 2048;

  /**
   * A host that reads the body itself, leaves `parse(bytes)` in `req.body` and hands the
   * request to the bridge, as Express and Koa body parsers do.
   */
  async function hostParsing(a2a: A2A, parse: (raw: Buffer) => unknown): Promise<string> {
    return listen(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const data of req) chunks.push(data as Buffer);
      const body = parse(Buffer.concat(chunks));
      (req as IncomingMessage & { body?: unknown }).body = body;
      await handleNodeRequest(a2a, req, res, { parsedBody: body });
    });
  }

  /** POSTs with `Transfer-Encoding: chunked` (no Content-Length); status and parsed body. */
  function postChunked(url: string, body: string): Promise<{ status: number; body: Json }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, {
        method: "POST",
        agent: false,
        headers: { ...a2aHeaders(), "transfer-encoding": "chunked" },
      });
      req.on("error", reject);
      req.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (data: string) => (text += data));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      for (let i = 0; i < body.length; i += 700) req.write(body.slice(i, i + 700));
      req.end();
    });
  }

  it("refuses bytes that are not UTF-8 with -32700", async () => {
    const { a2a, runs } = makeAgent({ maxBodyBytes: LIMIT });
    const origin = await hostParsing(a2a, (raw) => raw);
    const [before, after] = sendMessage("BAD").split("BAD");
    const response = await fetch(`${origin}/a2a`, {
      method: "POST",
      headers: a2aHeaders(),
      body: Buffer.concat([Buffer.from(before!), Buffer.from([0xc0, 0x80]), Buffer.from(after!)]),
    });
    expect(await response.json()).toMatchObject({ error: { code: -32700 } });
    expect(runs).toEqual([]);
  });

  it("refuses a string over the agent's limit with 413, and takes one within it", async () => {
    const { a2a, runs } = makeAgent({ maxBodyBytes: LIMIT });
    const origin = await hostParsing(a2a, (raw) => raw.toString("utf8"));
    // Fewer characters than the limit, more bytes: counted in UTF-8 bytes, it is too big.
    const text = sendMessage("é".repeat(1100));
    expect(text.length).toBeLessThan(LIMIT);
    expect(Buffer.byteLength(text)).toBeGreaterThan(LIMIT);
    const big = await fetch(`${origin}/a2a`, { method: "POST", headers: a2aHeaders(), body: text });
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe(-32600);
    // Exactly the limit in bytes is taken.
    const fits = bodyOfSize(LIMIT, "é".repeat(20));
    const ok = await fetch(`${origin}/a2a`, { method: "POST", headers: a2aHeaders(), body: fits });
    expect((await ok.json()).result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(runs).toEqual(["é".repeat(20)]);
  });

  it("measures a parsed value that came chunked (no Content-Length): 413 over the limit, served within", async () => {
    const { a2a, runs } = makeAgent({ maxBodyBytes: LIMIT });
    const origin = await hostParsing(a2a, (raw) => JSON.parse(raw.toString("utf8")));
    const over = await postChunked(`${origin}/a2a`, sendMessage("z".repeat(3000)));
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe(-32600);
    const under = await postChunked(`${origin}/a2a`, sendMessage("chunked and parsed"));
    expect(under.status).toBe(200);
    expect(under.body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(runs).toEqual(["chunked and parsed"]);
  });

  it("serves a parsed value with a Content-Length within the limit as it is, without reading the socket", async () => {
    const { a2a, runs } = makeAgent({ maxBodyBytes: LIMIT });
    let dataListeners = -1;
    const origin = await listen(async (req, res) => {
      for await (const _ of req) {
        // the host consumed the body...
      }
      // ...and parsed it to something the bytes alone would not give: proof the value is used.
      const body = JSON.parse(sendMessage("the host's value"));
      await handleNodeRequest(a2a, req, res, { parsedBody: body });
      dataListeners = req.listenerCount("data");
    });
    const response = await fetch(`${origin}/a2a`, {
      method: "POST",
      headers: a2aHeaders(),
      body: "not JSON at all",
    });
    const body = await response.json();
    expect(body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(runs).toEqual(["the host's value"]);
    expect(dataListeners).toBe(0);
  });
});

describe("fast path: the host's response headers", () => {
  it("keeps headers and cookies the host set before the bridge, next to the agent's content type", async () => {
    const { a2a } = makeAgent({
      body: async (text, task) => {
        await task.artifact(`echo: ${text}`);
        await task.complete("done");
      },
    });
    const handler = toNodeHandler(a2a);
    const origin = await listen((req, res) => {
      res.setHeader("x-host", "1");
      res.setHeader("set-cookie", ["sid=abc; Path=/; HttpOnly", "csrf=xyz; Path=/"]);
      res.setHeader("content-type", "text/html"); // a host default the agent's must replace
      void handler(req, res);
    });
    const cookies = ["sid=abc; Path=/; HttpOnly", "csrf=xyz; Path=/"];

    const unary = await fetch(`${origin}/a2a`, {
      method: "POST",
      headers: a2aHeaders(),
      body: sendMessage("headers"),
    });
    const text = await unary.text();
    expect(unary.status).toBe(200);
    expect(unary.headers.get("x-host")).toBe("1");
    expect(unary.headers.getSetCookie()).toEqual(cookies);
    expect(unary.headers.get("content-type")).toBe("application/json");
    expect(Number(unary.headers.get("content-length"))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text).result.task.status.state).toBe("TASK_STATE_COMPLETED");

    const stream = await openRawStream(`${origin}/a2a`, {
      method: "POST",
      headers: a2aHeaders(),
      body: rpcBody("SendStreamingMessage", { message: userMessage("stream") }),
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("x-host")).toBe("1");
    expect(stream.headers.getSetCookie()).toEqual(cookies);
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    const first = (await stream.nextEvent()) as Json;
    expect(first.result.task.status.state).toBe("TASK_STATE_SUBMITTED");
    await stream.rest();

    const refused = await fetch(`${origin}/a2a`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x",
    });
    expect(refused.status).toBe(415);
    expect(refused.headers.get("x-host")).toBe("1");
    expect(refused.headers.get("content-type")).toBe("application/json");
    await refused.text();
  });
});

describe("the bridge serves an agent through its internal handle", () => {
  it("serves an agent through handle, never through fetch", async () => {
    const { a2a } = makeAgent();
    let fetched = 0;
    let handled = 0;
    const counting = withInternals(
      {
        ...a2a,
        fetch: (request, extras) => {
          fetched++;
          return a2a.fetch(request, extras);
        },
      },
      ({ handle }) => ({
        handle: (input) => {
          handled++;
          return handle(input);
        },
      }),
    );
    const origin = await listen(toNodeHandler(counting));
    const response = await fetch(`${origin}/a2a`, {
      method: "POST",
      headers: a2aHeaders(),
      body: sendMessage("fast"),
    });
    expect((await response.json()).result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(fetched).toBe(0);
    expect(handled).toBe(1);
  });
});
