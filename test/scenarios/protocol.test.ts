import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { makeTestAgent, type TestAgent } from "../harness/agent.js";
import {
  a2aHeaders,
  type Json,
  postRpc,
  rpc,
  rpcBody,
  until,
  userMessage,
} from "../harness/client.js";
import type { RawStream } from "../harness/raw-stream.js";
import { itWhere, type Running, targets } from "../harness/targets/index.js";

const CARD_PATH = "/.well-known/agent-card.json";

/** The kind of an event or send result: `task`, `message`, `statusUpdate`, `artifactUpdate`. */
const kindOf = (result: Json): string => Object.keys(result)[0]!;

/** A stack frame as V8 prints it: `at fn (/path/file.js:1:2)` or `at /path/file.ts:3:4`. */
const STACK_FRAME = /\bat\s+(?:\S+\s+\()?(?:file:\/\/|node:|\/|[A-Za-z]:\\)\S*:\d+(?::\d+)?/;

/** A request to a path below the mount point (the HTTP+JSON binding). */
function restCall(running: Running, path: string, init: RequestInit = {}): Promise<Response> {
  return running.fetch(running.url + path, init);
}

/** POSTs a JSON body to an HTTP+JSON route, as an A2A 1.0 client does. */
function restPost(running: Running, path: string, body: unknown): Promise<Response> {
  return restCall(running, path, {
    method: "POST",
    headers: { "content-type": "application/a2a+json", "a2a-version": "1.0" },
    body: JSON.stringify(body),
  });
}

/** `running.stream`, failing fast when the response headers do not come (a buffered stream). */
function openStream(
  running: Running,
  url: string,
  init: Parameters<Running["stream"]>[1],
): Promise<RawStream> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("no response headers within 2000 ms")), 2000);
  });
  return Promise.race([running.stream(url, init), timeout]).finally(() => clearTimeout(timer));
}

function expectSseHeaders(stream: RawStream): void {
  expect(stream.status).toBe(200);
  expect(stream.headers.get("content-type")).toBe("text/event-stream");
  expect(stream.headers.get("cache-control")).toContain("no-cache");
}

/** The task's current state, read with GetTask. */
async function stateOf(running: Running, id: string): Promise<string | undefined> {
  const got = await rpc(running, "GetTask", { id });
  return got.result?.status.state;
}

/** Starts a `slow` task without waiting for it and returns its id once it is working. */
async function startSlowTask(running: Running): Promise<string> {
  const sent = await rpc(running, "SendMessage", {
    message: userMessage("slow"),
    configuration: { returnImmediately: true },
  });
  expect(sent.error).toBeUndefined();
  const id: string = sent.result.task.id;
  expect(["TASK_STATE_SUBMITTED", "TASK_STATE_WORKING"]).toContain(sent.result.task.status.state);
  await until(async () => (await stateOf(running, id)) === "TASK_STATE_WORKING");
  return id;
}

/** The text of an artifact's parts. */
const textOf = (artifact: Json): string =>
  artifact.parts.map((part: { text: string }) => part.text).join("");

/**
 * After `release()`: the echo artifact in two chunks, then COMPLETED, then the end of the
 * stream. `unwrap` takes a stream event to its result (JSON-RPC `result`, or REST as is).
 */
async function expectSlowTaskFinishes(
  stream: RawStream,
  taskId: string,
  unwrap: (event: Json) => Json,
): Promise<void> {
  const first = unwrap(await stream.nextEvent(2000));
  expect(kindOf(first)).toBe("artifactUpdate");
  expect(first.artifactUpdate.taskId).toBe(taskId);
  expect(first.artifactUpdate.artifact.name).toBe("echo");
  expect(textOf(first.artifactUpdate.artifact)).toBe("sl");
  const second = unwrap(await stream.nextEvent(2000));
  expect(kindOf(second)).toBe("artifactUpdate");
  expect(second.artifactUpdate.append).toBe(true);
  expect(second.artifactUpdate.lastChunk).toBe(true);
  expect(second.artifactUpdate.artifact.artifactId).toBe(first.artifactUpdate.artifact.artifactId);
  expect(textOf(second.artifactUpdate.artifact)).toBe("ow");
  const last = unwrap(await stream.nextEvent(2000));
  expect(kindOf(last)).toBe("statusUpdate");
  expect(last.statusUpdate.taskId).toBe(taskId);
  expect(last.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
  expect(await stream.nextEvent(2000)).toBeUndefined();
}

const jsonRpcResult = (event: Json): Json => {
  expect(event.jsonrpc).toBe("2.0");
  expect(event.error).toBeUndefined();
  return event.result;
};

const restResult = (event: Json): Json => {
  expect(event.jsonrpc).toBeUndefined();
  return event;
};

/**
 * Uploads `chunks` with `Transfer-Encoding: chunked` and no `Content-Length`, each written
 * once the previous one was handed to the socket. Resolves with the response, even when the
 * server closes the connection before the whole upload was sent.
 */
function chunkedUpload(
  url: string,
  headers: Record<string, string>,
  chunks: string[],
): Promise<{ status: number; contentType: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, {
      method: "POST",
      agent: false,
      headers: { ...headers, "transfer-encoding": "chunked" },
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.on("response", (res) => {
      answered = true;
      res.setEncoding("utf8");
      let body = "";
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers["content-type"],
          body,
        });
      };
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", done);
      res.on("close", done);
      res.on("error", done);
    });
    const write = (i: number) => {
      if (answered || req.destroyed) return;
      if (i === chunks.length) {
        req.end();
        return;
      }
      req.write(chunks[i], () => write(i + 1));
    };
    write(0);
  });
}

describe.each(targets)("$name: protocol", (target) => {
  let running: Running | undefined;
  let agent: TestAgent | undefined;
  afterEach(async () => {
    agent?.release(); // no slow task outlives its test
    await running?.close();
    running = undefined;
    agent = undefined;
  });

  async function start(
    options: Parameters<typeof makeTestAgent>[0] = {},
    setup: Parameters<typeof target.start>[1] = {},
  ): Promise<{ agent: TestAgent; running: Running }> {
    agent = makeTestAgent(options);
    running = await target.start(agent.a2a, setup);
    return { agent, running };
  }

  describe("agent card", () => {
    it("serves the 1.0 card at <mount>/.well-known, interfaces at origin + mount", async () => {
      const { running } = await start();
      expect(running.url).toBe(`${running.origin}/a2a`);
      const response = await running.fetch(running.url + CARD_PATH, {
        headers: { "a2a-version": "1.0" },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("application/json");
      const card = await response.json();
      expect(card.name).toBe("Adapter test agent");
      expect(card.url).toBeUndefined();
      expect(card.supportedInterfaces).toEqual([
        { url: running.url, protocolBinding: "JSONRPC", protocolVersion: "1.0" },
        { url: running.url, protocolBinding: "HTTP+JSON", protocolVersion: "1.0" },
      ]);
      expect(card.capabilities.streaming).toBe(true);
    });

    it("serves the hybrid card, for 1.0 and 0.3 clients, when the request names no version", async () => {
      const { running } = await start();
      const response = await running.fetch(running.url + CARD_PATH);
      expect(response.status).toBe(200);
      const card = await response.json();
      expect(card.protocolVersion).toMatch(/^0\.3/);
      expect(card.url).toBe(running.url);
      expect(card.preferredTransport).toBe("JSONRPC");
      expect(card.supportedInterfaces).toEqual([
        { url: running.url, protocolBinding: "JSONRPC", protocolVersion: "1.0" },
        { url: running.url, protocolBinding: "HTTP+JSON", protocolVersion: "1.0" },
      ]);
      expect(card.name).toBe("Adapter test agent");
    });

    it("serves the pure 0.3 card to A2A-Version: 0.3", async () => {
      const { running } = await start();
      const response = await running.fetch(running.url + CARD_PATH, {
        headers: { "a2a-version": "0.3" },
      });
      const card = await response.json();
      expect(card.url).toBe(running.url);
      expect(card.supportedInterfaces).toBeUndefined();
    });

    it("with wellKnown, serves the same card at the app root", async () => {
      const { running } = await start({}, { wellKnown: true });
      const headers = { "a2a-version": "1.0" };
      const atMount = await running.fetch(running.url + CARD_PATH, { headers });
      const atRoot = await running.fetch(running.origin + CARD_PATH, { headers });
      expect(atRoot.status).toBe(200);
      const rootCard = await atRoot.json();
      expect(rootCard.supportedInterfaces.map((i: { url: string }) => i.url)).toEqual([
        running.url,
        running.url,
      ]);
      expect(rootCard).toEqual(await atMount.json());
      expect(atRoot.headers.get("etag")).toBe(atMount.headers.get("etag"));
      // The 0.3 shape at the root too.
      const legacy = await (await running.fetch(running.origin + CARD_PATH)).json();
      expect(legacy.url).toBe(running.url);
    });

    it("answers 304 to If-None-Match with the card's ETag", async () => {
      const { running } = await start();
      const headers = { "a2a-version": "1.0" };
      const first = await running.fetch(running.url + CARD_PATH, { headers });
      expect(first.status).toBe(200);
      await first.text();
      const etag = first.headers.get("etag");
      expect(etag).toMatch(/^(W\/)?".+"$/);
      const again = await running.fetch(running.url + CARD_PATH, {
        headers: { ...headers, "if-none-match": etag! },
      });
      expect(again.status).toBe(304);
      expect(again.headers.get("etag")).toBe(etag);
      expect(await again.text()).toBe("");
      const other = await running.fetch(running.url + CARD_PATH, {
        headers: { ...headers, "if-none-match": '"something-else"' },
      });
      expect(other.status).toBe(200);
      expect((await other.json()).name).toBe("Adapter test agent");
    });
  });

  describe("SendMessage", () => {
    it("returns the completed task with the echoed artifact", async () => {
      const { running } = await start();
      const response = await postRpc(running, "SendMessage", { message: userMessage("hello") });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("application/json");
      const body = await response.json();
      expect(body.jsonrpc).toBe("2.0");
      expect(body.error).toBeUndefined();
      expect(kindOf(body.result)).toBe("task");
      const { task } = body.result;
      expect(task.status.state).toBe("TASK_STATE_COMPLETED");
      expect(task.artifacts).toHaveLength(1);
      expect(task.artifacts[0].name).toBe("echo");
      expect(textOf(task.artifacts[0])).toBe("hello");
      expect(task.history[0].parts[0].text).toBe("hello");
    });

    it('answers "message" with a plain message, no task', async () => {
      const { running } = await start();
      const body = await rpc(running, "SendMessage", { message: userMessage("message") });
      expect(body.error).toBeUndefined();
      expect(kindOf(body.result)).toBe("message");
      expect(body.result.task).toBeUndefined();
      expect(body.result.message.role).toBe("ROLE_AGENT");
      expect(body.result.message.parts).toEqual([{ text: "hi" }]);
    });

    it("REST POST <mount>/message:send returns the completed task", async () => {
      const { running } = await start();
      const response = await restPost(running, "/message:send", {
        message: userMessage("hello"),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("application/a2a+json");
      const body = await response.json();
      expect(body.jsonrpc).toBeUndefined();
      expect(body.task.status.state).toBe("TASK_STATE_COMPLETED");
      expect(textOf(body.task.artifacts[0])).toBe("hello");
    });
  });

  describe("SendStreamingMessage", () => {
    it("streams each event as it happens (JSON-RPC)", async () => {
      const { agent, running } = await start();
      const stream = await openStream(running, running.url, {
        method: "POST",
        headers: a2aHeaders(),
        body: rpcBody("SendStreamingMessage", { message: userMessage("slow") }, "s1"),
      });
      expectSseHeaders(stream);
      const submitted = await stream.nextEvent(2000);
      expect((submitted as Json).id).toBe("s1");
      const first = jsonRpcResult(submitted);
      expect(kindOf(first)).toBe("task");
      expect(first.task.status.state).toBe("TASK_STATE_SUBMITTED");
      const taskId: string = first.task.id;
      const working = jsonRpcResult(await stream.nextEvent(2000));
      expect(kindOf(working)).toBe("statusUpdate");
      expect(working.statusUpdate.taskId).toBe(taskId);
      expect(working.statusUpdate.status.state).toBe("TASK_STATE_WORKING");
      // Both arrived while the task is still waiting: nothing was buffered until the end.
      expect(await stateOf(running, taskId)).toBe("TASK_STATE_WORKING");
      agent.release();
      await expectSlowTaskFinishes(stream, taskId, jsonRpcResult);
      await until(() => agent.a2a.stats().subscribers === 0);
    });

    it("streams each event as it happens (REST POST <mount>/message:stream)", async () => {
      const { agent, running } = await start();
      const stream = await openStream(running, `${running.url}/message:stream`, {
        method: "POST",
        headers: { "content-type": "application/a2a+json", "a2a-version": "1.0" },
        body: JSON.stringify({ message: userMessage("slow") }),
      });
      expectSseHeaders(stream);
      const first = restResult(await stream.nextEvent(2000));
      expect(kindOf(first)).toBe("task");
      expect(first.task.status.state).toBe("TASK_STATE_SUBMITTED");
      const taskId: string = first.task.id;
      const working = restResult(await stream.nextEvent(2000));
      expect(kindOf(working)).toBe("statusUpdate");
      expect(working.statusUpdate.status.state).toBe("TASK_STATE_WORKING");
      expect(await stateOf(running, taskId)).toBe("TASK_STATE_WORKING");
      agent.release();
      await expectSlowTaskFinishes(stream, taskId, restResult);
      await until(() => agent.a2a.stats().subscribers === 0);
    });
  });

  describe("GetTask and ListTasks", () => {
    it("GetTask reads a task by id, trimming history to historyLength", async () => {
      const { running } = await start();
      const sent = await rpc(running, "SendMessage", { message: userMessage("hello") });
      const id: string = sent.result.task.id;
      const got = await rpc(running, "GetTask", { id });
      expect(got.error).toBeUndefined();
      expect(got.result.id).toBe(id);
      expect(got.result.contextId).toBe(sent.result.task.contextId);
      expect(got.result.status.state).toBe("TASK_STATE_COMPLETED");
      expect(textOf(got.result.artifacts[0])).toBe("hello");
      const history: Json[] = got.result.history;
      expect(history.length).toBeGreaterThan(1);
      expect(history[0].parts[0].text).toBe("hello");

      const one = await rpc(running, "GetTask", { id, historyLength: 1 });
      expect(one.result.history).toEqual(history.slice(-1));
      const none = await rpc(running, "GetTask", { id, historyLength: 0 });
      expect(none.result.history).toBeUndefined();
      expect(none.result.status.state).toBe("TASK_STATE_COMPLETED");
    });

    it("ListTasks returns the tasks created", async () => {
      const { running } = await start();
      const a = await rpc(running, "SendMessage", { message: userMessage("one") });
      const b = await rpc(running, "SendMessage", { message: userMessage("two") });
      const listed = await rpc(running, "ListTasks", {});
      expect(listed.error).toBeUndefined();
      const ids = listed.result.tasks.map((task: { id: string }) => task.id);
      expect(ids).toHaveLength(2);
      expect(ids).toEqual(expect.arrayContaining([a.result.task.id, b.result.task.id]));
    });

    it("REST GET <mount>/tasks/{id} and GET <mount>/tasks", async () => {
      const { running } = await start();
      const a = await rpc(running, "SendMessage", { message: userMessage("one") });
      const b = await rpc(running, "SendMessage", { message: userMessage("two") });
      const id: string = a.result.task.id;

      const got = await restCall(running, `/tasks/${id}`, { headers: { "a2a-version": "1.0" } });
      expect(got.status).toBe(200);
      expect(got.headers.get("content-type")).toContain("application/a2a+json");
      const task = await got.json();
      expect(task.id).toBe(id);
      expect(task.status.state).toBe("TASK_STATE_COMPLETED");
      expect(textOf(task.artifacts[0])).toBe("one");

      const trimmed = await restCall(running, `/tasks/${id}?historyLength=1`);
      expect(trimmed.status).toBe(200);
      expect((await trimmed.json()).history).toHaveLength(1);

      const listed = await restCall(running, "/tasks", { headers: { "a2a-version": "1.0" } });
      expect(listed.status).toBe(200);
      const ids = (await listed.json()).tasks.map((t: { id: string }) => t.id);
      expect(ids).toHaveLength(2);
      expect(ids).toEqual(expect.arrayContaining([id, b.result.task.id]));
    });
  });

  describe("CancelTask", () => {
    it("cancels a working task, aborts the agent, and refuses a second cancel", async () => {
      const { agent, running } = await start();
      const id = await startSlowTask(running);
      const canceled = await rpc(running, "CancelTask", { id });
      expect(canceled.error).toBeUndefined();
      expect(canceled.result.id).toBe(id);
      expect(canceled.result.status.state).toBe("TASK_STATE_CANCELED");
      expect(agent.aborted.has(id)).toBe(true);
      expect(await stateOf(running, id)).toBe("TASK_STATE_CANCELED");

      const again = await postRpc(running, "CancelTask", { id });
      expect(again.status).toBe(200);
      const body = await again.json();
      expect(body.result).toBeUndefined();
      expect(body.error.code).toBe(-32002);
      await until(() => agent.a2a.stats().activeExecutions === 0);
    });

    it("REST POST <mount>/tasks/{id}:cancel with an empty body", async () => {
      const { agent, running } = await start();
      const id = await startSlowTask(running);
      const response = await restCall(running, `/tasks/${id}:cancel`, {
        method: "POST",
        headers: { "a2a-version": "1.0" },
      });
      expect(response.status).toBe(200);
      const task = await response.json();
      expect(task.id).toBe(id);
      expect(task.status.state).toBe("TASK_STATE_CANCELED");
      expect(agent.aborted.has(id)).toBe(true);

      const again = await restCall(running, `/tasks/${id}:cancel`, {
        method: "POST",
        headers: { "a2a-version": "1.0" },
      });
      expect(again.status).toBe(400); // spec §5.4: TaskNotCancelableError -> 400
      expect((await again.json()).error.status).toBe("FAILED_PRECONDITION");
      await until(() => agent.a2a.stats().activeExecutions === 0);
    });
  });

  describe("SubscribeToTask", () => {
    it("streams the current task, then its updates until it completes (JSON-RPC)", async () => {
      const { agent, running } = await start();
      const id = await startSlowTask(running);
      const stream = await openStream(running, running.url, {
        method: "POST",
        headers: a2aHeaders(),
        body: rpcBody("SubscribeToTask", { id }),
      });
      expectSseHeaders(stream);
      const first = jsonRpcResult(await stream.nextEvent(2000));
      expect(kindOf(first)).toBe("task");
      expect(first.task.id).toBe(id);
      expect(first.task.status.state).toBe("TASK_STATE_WORKING");
      await until(() => agent.a2a.stats().subscribers === 1);
      agent.release();
      await expectSlowTaskFinishes(stream, id, jsonRpcResult);
      await until(() => agent.a2a.stats().subscribers === 0);
    });

    it("REST GET <mount>/tasks/{id}:subscribe", async () => {
      const { agent, running } = await start();
      const id = await startSlowTask(running);
      const stream = await openStream(running, `${running.url}/tasks/${id}:subscribe`, {
        headers: { "a2a-version": "1.0" },
      });
      expectSseHeaders(stream);
      const first = restResult(await stream.nextEvent(2000));
      expect(kindOf(first)).toBe("task");
      expect(first.task.id).toBe(id);
      expect(first.task.status.state).toBe("TASK_STATE_WORKING");
      await until(() => agent.a2a.stats().subscribers === 1);
      agent.release();
      await expectSlowTaskFinishes(stream, id, restResult);
      await until(() => agent.a2a.stats().subscribers === 0);
    });
  });

  describe("errors", () => {
    it("answers errors with the right codes and statuses, without stack traces", async () => {
      const { running } = await start();
      const bodies: string[] = [];
      const read = async (response: Response): Promise<Json> => {
        const text = await response.text();
        bodies.push(text);
        return JSON.parse(text);
      };

      const malformed = await running.fetch(running.url, {
        method: "POST",
        headers: a2aHeaders(),
        body: '{"jsonrpc": "2.0", "id": 1, "method": ',
      });
      expect(malformed.status).toBe(200);
      const parseError = await read(malformed);
      expect(parseError.jsonrpc).toBe("2.0");
      expect(parseError.id).toBeNull();
      expect(parseError.error.code).toBe(-32700);

      const unknownMethod = await postRpc(running, "NoSuchMethod", {});
      expect(unknownMethod.status).toBe(200);
      expect((await read(unknownMethod)).error.code).toBe(-32601);

      const unknownTask = await postRpc(running, "GetTask", { id: "no-such-task" });
      expect(unknownTask.status).toBe(200);
      const notFound = await read(unknownTask);
      expect(notFound.error.code).toBe(-32001);
      expect(notFound.error.data[0]["@type"]).toBe("type.googleapis.com/google.rpc.ErrorInfo");

      const restUnknown = await restCall(running, "/tasks/no-such-task", {
        headers: { "a2a-version": "1.0" },
      });
      expect(restUnknown.status).toBe(404);
      const status = await read(restUnknown);
      expect(status.error.code).toBe(404);
      expect(status.error.status).toBe("NOT_FOUND");
      expect(typeof status.error.message).toBe("string");
      expect(Array.isArray(status.error.details)).toBe(true);

      const textPlain = await running.fetch(running.url, {
        method: "POST",
        headers: { "content-type": "text/plain", "a2a-version": "1.0" },
        body: rpcBody("SendMessage", { message: userMessage("hello") }),
      });
      expect(textPlain.status).toBe(415);
      expect((await read(textPlain)).error.code).toBe(-32005);

      const restTextPlain = await restCall(running, "/message:send", {
        method: "POST",
        headers: { "content-type": "text/plain", "a2a-version": "1.0" },
        body: JSON.stringify({ message: userMessage("hello") }),
      });
      expect(restTextPlain.status).toBe(415);
      expect((await read(restTextPlain)).error.code).toBe(415);

      const get = await running.fetch(running.url, { headers: { "a2a-version": "1.0" } });
      expect(get.status).toBe(405);
      expect(get.headers.get("allow")).toBe("POST");
      expect((await read(get)).error.code).toBe(-32600);

      for (const body of bodies) expect(body).not.toMatch(STACK_FRAME);
      // The pattern does catch a V8 stack.
      expect(new Error("x").stack).toMatch(STACK_FRAME);
    });
  });

  describe("body limit", () => {
    const bigMessage = () => ({ message: userMessage("x".repeat(10_000)) });

    it("refuses a JSON-RPC body over maxBodyBytes with 413 and a JSON-RPC error", async () => {
      const { running } = await start({ maxBodyBytes: 2048 });
      const response = await running.fetch(running.url, {
        method: "POST",
        headers: a2aHeaders(),
        body: rpcBody("SendMessage", bigMessage()),
      });
      expect(response.status).toBe(413);
      expect(response.headers.get("content-type")).toContain("application/json");
      const body = await response.json();
      expect(body.jsonrpc).toBe("2.0");
      expect(body.error.code).toBe(-32600);
      // Still serving.
      const after = await rpc(running, "SendMessage", { message: userMessage("hello") });
      expect(after.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    });

    it("refuses a REST message:send body over the limit with 413 google.rpc.Status", async () => {
      const { running } = await start({ maxBodyBytes: 2048 });
      const response = await restPost(running, "/message:send", bigMessage());
      expect(response.status).toBe(413);
      const body = await response.json();
      expect(body.error.code).toBe(413);
      expect(body.error.status).toBe("INVALID_ARGUMENT");
      const after = await rpc(running, "SendMessage", { message: userMessage("hello") });
      expect(after.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    });

    itWhere(target.http)(
      "refuses a chunked upload without Content-Length past the limit, and keeps serving",
      async () => {
        const { agent, running } = await start({ maxBodyBytes: 2048 });
        const text = rpcBody("SendMessage", bigMessage());
        const chunks: string[] = [];
        for (let i = 0; i < text.length; i += 1000) chunks.push(text.slice(i, i + 1000));
        expect(chunks.length).toBeGreaterThan(5);
        const response = await chunkedUpload(running.url, a2aHeaders(), chunks);
        expect(response.status).toBe(413);
        expect(response.contentType).toContain("application/json");
        const body = JSON.parse(response.body);
        expect(body.jsonrpc).toBe("2.0");
        expect(body.error.code).toBe(-32600);
        expect(agent.principals).toHaveLength(0); // the agent never ran

        const after = await rpc(running, "SendMessage", { message: userMessage("hello") });
        expect(after.result.task.status.state).toBe("TASK_STATE_COMPLETED");
        // A chunked upload within the limit is read whole.
        const small = rpcBody("SendMessage", { message: userMessage("chunked") });
        const ok = await chunkedUpload(running.url, a2aHeaders(), [
          small.slice(0, 20),
          small.slice(20, 60),
          small.slice(60),
        ]);
        expect(ok.status).toBe(200);
        expect(textOf(JSON.parse(ok.body).result.task.artifacts[0])).toBe("chunked");
      },
    );
  });
});
