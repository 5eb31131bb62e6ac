import { request as httpRequest } from "node:http";
import { createA2A, silentLogger } from "@a2a-mount/core";
import { afterEach, describe, expect, it } from "vitest";
import { makeTestAgent } from "../harness/agent.js";
import { oneSkillCard } from "../harness/card.js";
import { a2aHeaders, type Json, rpc, rpcBody, until, userMessage } from "../harness/client.js";
import { itWhere, type Running, targets } from "../harness/targets/index.js";

/** A SendMessage body whose data part nests arrays `depth` deep (10 KB for 5 000). */
const deepBody = (depth: number) =>
  `{"jsonrpc":"2.0","id":"deep","method":"SendMessage","params":{"message":{"messageId":"m","role":"ROLE_USER","parts":[{"data":${"[".repeat(depth)}1${"]".repeat(depth)}}]}}}`;

/** POSTs `body` with `Transfer-Encoding: chunked` (no Content-Length), in two chunks. */
function postChunked(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: a2aHeaders() }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.write(body.slice(0, 100));
    req.end(body.slice(100));
  });
}

describe.each(targets)("hostile JSON through $name", (target) => {
  let running: Running | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  const check = async (status: number, text: string) => {
    expect(status, text).toBe(200);
    const body: Json = JSON.parse(text);
    expect(body.error.code).toBe(-32700);
    expect(body.error.data[0].metadata.maxDepth).toBe("64");
    // The agent goes on serving, and lists what it holds.
    const sent = await rpc(running!, "SendMessage", { message: userMessage("after") });
    expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const listed = await rpc(running!, "ListTasks", {});
    expect(listed.result.tasks.map((t: Json) => t.id)).toEqual([sent.result.task.id]);
  };

  it("refuses a body nested 5 000 deep with -32700, not a 500", async () => {
    running = await target.start(makeTestAgent().a2a);
    const response = await running.fetch(running.url, {
      method: "POST",
      headers: a2aHeaders(),
      body: deepBody(5000),
    });
    await check(response.status, await response.text());
  });

  itWhere(target.supports.bodyParser)(
    "refuses it the same after the host's JSON parser read it from a chunked body",
    async () => {
      running = await target.start(makeTestAgent().a2a, { bodyParser: true });
      const { status, text } = await postChunked(running.url, deepBody(5000));
      await check(status, text);
    },
  );

  itWhere(target.http)("refuses it the same from a chunked body", async () => {
    running = await target.start(makeTestAgent().a2a);
    const { status, text } = await postChunked(running.url, deepBody(5000));
    await check(status, text);
  });
});

/** An agent that never publishes anything and never returns. */
function silentAgent() {
  return createA2A({
    card: oneSkillCard("Silent", "Never answers"),
    logger: silentLogger,
    keepAliveMs: 50,
    executor: () => new Promise(() => {}),
  });
}

describe.each(targets)("an agent that never publishes, through $name", (target) => {
  let running: Running | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it("still gets a stream its headers and keep-alives", async () => {
    const a2a = silentAgent();
    running = await target.start(a2a);
    const stream = await running.stream(running.url, {
      method: "POST",
      headers: a2aHeaders(),
      body: rpcBody("SendStreamingMessage", { message: userMessage("hello?") }),
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    let text = "";
    while (!text.includes(": keep-alive")) text += (await stream.nextChunk(2000)) ?? "";
    stream.close();
    await until(() => a2a.stats().subscribers === 0);
  });

  itWhere(target.http)(
    "releases the listener of a client that leaves before any event",
    async () => {
      const a2a = silentAgent();
      running = await target.start(a2a);
      const req = httpRequest(running.url, { method: "POST", headers: a2aHeaders() });
      req.on("error", () => {});
      req.end(rpcBody("SendStreamingMessage", { message: userMessage("hello?") }));
      await until(() => a2a.stats().subscribers === 1);
      req.destroy();
      await until(() => a2a.stats().subscribers === 0);
    },
  );
});
