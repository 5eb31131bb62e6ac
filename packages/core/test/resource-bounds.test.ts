import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  type A2AOptions,
  apiKeyScheme,
  bearerScheme,
  InMemoryTaskStore,
  jwtVerifier,
  requireAll,
} from "../src/index.js";
import {
  BASE,
  gate,
  type Json,
  makeAgent,
  parseSse,
  rpc,
  rpcRequest,
  until,
  userMessage,
} from "./helpers.js";

/** A JSON array nested `depth` levels deep, as text (stringify itself would overflow). */
const nested = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;

/** A SendMessage body whose data part holds `data` (JSON text); the envelope adds 5 levels. */
const sendWithData = (data: string, id: number | string = 1) =>
  `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":"SendMessage","params":{"message":{"messageId":"m-${id}","role":"ROLE_USER","parts":[{"data":${data}}]}}}`;

/** An HTTP+JSON `message:send` whose data part holds `data` (JSON text). */
const restSendWithData = (data: string) =>
  new Request(`${BASE}/message:send`, {
    method: "POST",
    headers: { "content-type": "application/a2a+json", "a2a-version": "1.0" },
    body: `{"message":{"messageId":"r","role":"ROLE_USER","parts":[{"data":${data}}]}}`,
  });

const post = (body: string, url = BASE, headers: Record<string, string> = {}) =>
  new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", "a2a-version": "1.0", ...headers },
    body,
  });

/** Sends `text` without waiting for the task, and returns its id once its run is under way. */
async function startRunning(a2a: ReturnType<typeof makeAgent>, text: string): Promise<string> {
  const sent = await rpc(a2a, "SendMessage", {
    message: userMessage(text),
    configuration: { returnImmediately: true },
  });
  await until(() => a2a.stats().activeExecutions === 1);
  return sent.result.task.id;
}

const completing: A2AOptions["executor"] = async (ctx, task) => {
  await task.complete(`done: ${ctx.text}`);
};

describe("hostile JSON: a nesting limit at parse time", () => {
  it("refuses a body nested deeper than maxJsonDepth on both bindings, before the agent runs", async () => {
    const runs: string[] = [];
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        runs.push(ctx.taskId);
        await task.complete("ran");
      },
    });
    const rpcReply = await a2a.fetch(post(sendWithData(nested(5000))));
    expect(rpcReply.status).toBe(200);
    const body = await rpcReply.json();
    expect(body.error.code).toBe(-32700);
    expect(body.error.data[0]).toMatchObject({
      reason: "JSON_PARSE",
      metadata: { maxDepth: "64" },
    });

    const rest = await a2a.fetch(restSendWithData(nested(5000)));
    expect(rest.status).toBe(400);
    expect((await rest.json()).error.status).toBe("INVALID_ARGUMENT");
    expect(runs).toEqual([]);
  });

  it("accepts exactly maxJsonDepth levels, and ignores brackets inside strings", async () => {
    const a2a = makeAgent({ executor: completing, maxJsonDepth: 16 });
    // The envelope takes 5 levels (body, params, message, parts, part).
    const fits = await (await a2a.fetch(post(sendWithData(nested(11))))).json();
    expect(fits.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const deeper = await (await a2a.fetch(post(sendWithData(nested(12))))).json();
    expect(deeper.error.code).toBe(-32700);
    const inString = await (
      await a2a.fetch(post(sendWithData(JSON.stringify("[[[[".repeat(100)))))
    ).json();
    expect(inString.result.task.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("checks a body host middleware already parsed, without recursion", async () => {
    const a2a = makeAgent({ executor: completing });
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const parsedBody = {
      jsonrpc: "2.0",
      id: 7,
      method: "SendMessage",
      params: { message: { messageId: "m", role: "ROLE_USER", parts: [{ data: deep }] } },
    };
    const reply = await a2a.fetch(post("{}"), { parsedBody });
    const body = await reply.json();
    expect(body.error.code).toBe(-32700);
  });

  it("leaves ListTasks and other tasks whole after a deep body was refused", async () => {
    // Tasks stay open (input-required), as the attack's did: they are listed with the rest.
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.inputRequired("more?");
      },
    });
    const kept = await rpc(a2a, "SendMessage", { message: userMessage("kept") });
    await a2a.fetch(post(sendWithData(nested(5000))));
    const listed = await rpc(a2a, "ListTasks", {});
    expect(listed.result.tasks.map((t: Json) => t.id)).toEqual([kept.result.task.id]);
  });
});

describe("a task that cannot be stored is never stored, and never loses the stored one", () => {
  it("fails the task with its last good version when the agent publishes what cannot be serialised", async () => {
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.working("started");
        await task.artifact({ parts: [{ data: { n: 1n } as never }] }).catch(() => {});
        await task.complete("done");
      },
    });
    const sent = await rpc(a2a, "SendMessage", { message: userMessage("hi") });
    expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(sent.result.task.artifacts).toBeUndefined();
    const got = await rpc(a2a, "GetTask", { id: sent.result.task.id });
    expect(got.result.status.state).toBe("TASK_STATE_COMPLETED");
    expect((await rpc(a2a, "ListTasks", {})).result.tasks).toHaveLength(1);
  });

  it("fails the task, and ends its stream cleanly, when the agent's answer cannot be stored", async () => {
    const a2a = makeAgent({
      executor: async () => ({
        messageId: "reply",
        role: "ROLE_AGENT" as const,
        parts: [{ text: "hi" }],
        metadata: { n: 1n } as never,
      }),
    });
    const response = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("hi") }),
    );
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const { events } = parseSse(await response.text());
    expect(events.at(-1).result.statusUpdate.status.state).toBe("TASK_STATE_FAILED");
    expect(JSON.stringify(events)).not.toContain("BigInt");
  });
});

describe("the store's budgets reach the client as RESOURCE_EXHAUSTED (429)", () => {
  const big = "x".repeat(20_000);
  const waiting: A2AOptions["executor"] = async (_ctx, task) => {
    await task.inputRequired("more?");
  };

  it("refuses a new task past the owner's budget on both bindings, keeping what is stored", async () => {
    // Each task holds its 20 KB message twice: in the task and in its log's first event.
    const taskStore = new InMemoryTaskStore({ maxBytesPerOwner: 200_000 });
    const a2a = makeAgent({ executor: waiting, taskStore });
    const ids: string[] = [];
    let refused: Json;
    for (let i = 0; i < 10 && !refused; i++) {
      const response = await a2a.fetch(post(sendWithData(JSON.stringify({ big }), i)));
      const body = await response.json();
      if (body.error) {
        expect(response.status).toBe(429);
        refused = body.error;
      } else ids.push(body.result.task.id);
    }
    expect(ids.length).toBeGreaterThan(2);
    expect(refused.code).toBe(-32032);
    expect(refused.data[0]).toMatchObject({
      reason: "RESOURCE_EXHAUSTED",
      metadata: { limit: "maxBytesPerOwner" },
    });
    const rest = await a2a.fetch(restSendWithData(JSON.stringify({ big })));
    expect(rest.status).toBe(429);
    expect((await rest.json()).error.status).toBe("RESOURCE_EXHAUSTED");
    // Every task stored before is still there, unchanged.
    const listed = await rpc(a2a, "ListTasks", { pageSize: 100 });
    expect(listed.result.tasks.map((t: Json) => t.id).sort()).toEqual([...ids].sort());
    for (const task of listed.result.tasks) {
      expect(task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    }
  });

  it("one principal's traffic never evicts another's waiting tasks", async () => {
    const users = bearerScheme({ name: "users", verify: (token) => ({ id: token }) });
    const a2a = makeAgent({
      executor: waiting,
      security: [requireAll(users)],
      taskStore: new InMemoryTaskStore({ maxTasks: 5 }),
    });
    const as = (who: string) => ({ headers: { authorization: `Bearer ${who}` } });
    const alice: string[] = [];
    for (let i = 0; i < 2; i++) {
      alice.push(
        (await rpc(a2a, "SendMessage", { message: userMessage("a") }, as("alice"))).result.task.id,
      );
    }
    const bob: Json[] = [];
    for (let i = 0; i < 5; i++) {
      bob.push(await rpc(a2a, "SendMessage", { message: userMessage("b") }, as("bob")));
    }
    expect(bob.filter((reply) => reply.error?.code === -32032)).toHaveLength(2);
    for (const id of alice) {
      const got = await rpc(a2a, "GetTask", { id }, as("alice"));
      expect(got.result.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    }
  });
});

describe("owners are namespaced by the scheme that authenticated them", () => {
  const secret = new TextEncoder().encode("a-test-secret-of-at-least-32-bytes!!");
  const jwt = (sub: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(sub)
      .setIssuer("https://issuer.test")
      .setAudience("agent")
      .setExpirationTime("5m")
      .sign(secret);
  const schemes = () => ({
    bearer: bearerScheme({
      name: "jwt",
      verify: jwtVerifier({ key: secret, issuer: "https://issuer.test", audience: "agent" }),
    }),
    apiKey: apiKeyScheme({
      name: "apiKey",
      keyName: "x-api-key",
      location: "header",
      verify: (key) => (key === "carol-key" ? { id: "carol" } : undefined),
    }),
  });

  it("a JWT whose sub is carol cannot read or continue the API key principal carol's tasks", async () => {
    const { bearer, apiKey } = schemes();
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.inputRequired("more?");
      },
      security: [requireAll(bearer), requireAll(apiKey)],
    });
    const byKey = { headers: { "x-api-key": "carol-key" } };
    const byJwt = { headers: { authorization: `Bearer ${await jwt("carol")}` } };
    const created = await rpc(a2a, "SendMessage", { message: userMessage("mine") }, byKey);
    const id = created.result.task.id;
    expect((await rpc(a2a, "GetTask", { id }, byKey)).result.id).toBe(id);
    expect((await rpc(a2a, "GetTask", { id }, byJwt)).error.code).toBe(-32001);
    const continued = await rpc(
      a2a,
      "SendMessage",
      { message: userMessage("hijack", { taskId: id }) },
      byJwt,
    );
    expect(continued.error.code).toBe(-32001);
    expect((await rpc(a2a, "CancelTask", { id }, byJwt)).error.code).toBe(-32001);
    expect((await rpc(a2a, "ListTasks", {}, byJwt)).result.tasks).toEqual([]);
    // And the host app's own user carol is someone else again.
    const host = await a2a.fetch(rpcRequest("GetTask", { id }), { principal: { id: "carol" } });
    expect((await host.json()).error.code).toBeDefined();
  });

  it("taskOwner maps principals to one identity on purpose", async () => {
    const { bearer, apiKey } = schemes();
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.inputRequired("more?");
      },
      security: [requireAll(bearer), requireAll(apiKey)],
      taskOwner: (principal) => `person:${principal.id}`,
    });
    const created = await rpc(
      a2a,
      "SendMessage",
      { message: userMessage("mine") },
      { headers: { "x-api-key": "carol-key" } },
    );
    const got = await rpc(
      a2a,
      "GetTask",
      { id: created.result.task.id },
      { headers: { authorization: `Bearer ${await jwt("carol")}` } },
    );
    expect(got.result.id).toBe(created.result.task.id);
  });
});

describe("a slow stream reader is bounded", () => {
  it("drops a reader that falls behind with a final RESOURCE_EXHAUSTED event; the task and other readers go on", async () => {
    const go = gate();
    const a2a = makeAgent({
      maxStreamBufferBytes: 64 * 1024,
      executor: async (_ctx, task) => {
        await task.working();
        await go.promise;
        for (let i = 0; i < 100; i++) {
          await task.artifact({ artifactId: "out", parts: [{ text: `${i}:${"y".repeat(4000)}` }] });
          // As an agent doing any I/O between its events does: a reader keeping up gets a turn.
          await new Promise((resolve) => setImmediate(resolve));
        }
        await task.complete("done");
      },
    });
    const id = await startRunning(a2a, "go");
    // Two readers: one never reads until the end, one reads as events come.
    const slow = await a2a.fetch(rpcRequest("SubscribeToTask", { id }));
    const fast = await a2a.fetch(rpcRequest("SubscribeToTask", { id }));
    const fastText = fast.text();
    go.open();
    await until(() => a2a.stats().activeExecutions === 0, 5000);
    const fastEvents = parseSse(await fastText).events;
    expect(fastEvents.filter((e) => e.result?.artifactUpdate)).toHaveLength(100);
    expect(fastEvents.at(-1).result.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");

    const slowEvents = parseSse(await slow.text()).events;
    const last = slowEvents.at(-1);
    expect(last.error.code).toBe(-32032);
    expect(last.error.data[0].metadata.limit).toBe("maxStreamBufferBytes");
    expect(slowEvents.filter((e) => e.result?.artifactUpdate).length).toBeLessThan(100);
    expect(a2a.stats().subscribers).toBe(0);
    const got = await rpc(a2a, "GetTask", { id });
    expect(got.result.status.state).toBe("TASK_STATE_COMPLETED");
  });
});

describe("ListTasks has a response budget", () => {
  const pad = "z".repeat(100_000);
  async function agentWithTasks(count: number, maxListBytes?: number) {
    const a2a = makeAgent({
      maxListBytes,
      executor: async (_ctx, task) => {
        await task.artifact(pad);
        await task.complete(pad);
      },
    });
    for (let i = 0; i < count; i++)
      await rpc(a2a, "SendMessage", { message: userMessage(`t${i}`) });
    return a2a;
  }

  it("cuts a page by bytes and returns a nextPageToken that reaches every task", async () => {
    const a2a = await agentWithTasks(30, 1024 * 1024);
    const seen = new Set<string>();
    let pageToken = "";
    let pages = 0;
    do {
      const reply = await a2a.fetch(
        rpcRequest("ListTasks", { pageSize: 100, includeArtifacts: true, pageToken }),
      );
      const text = await reply.text();
      expect(text.length).toBeLessThan(1.3 * 1024 * 1024);
      const { result } = JSON.parse(text);
      for (const task of result.tasks) seen.add(task.id);
      pageToken = result.nextPageToken;
      pages++;
    } while (pageToken);
    expect(seen.size).toBe(30);
    expect(pages).toBeGreaterThan(2);
  });

  it("gives the event loop back while it builds a large page", async () => {
    const a2a = await agentWithTasks(30, 4 * 1024 * 1024);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      const reply = await a2a.fetch(
        rpcRequest("ListTasks", { pageSize: 100, includeArtifacts: true }),
      );
      expect((await reply.json()).result.tasks.length).toBeGreaterThan(10);
    } finally {
      clearInterval(timer);
    }
    // Timers ran while the page was parsed and serialised: it was not one synchronous step.
    expect(ticks).toBeGreaterThan(2);
  });
});

describe("executors that never settle", () => {
  const never: A2AOptions["executor"] = () => new Promise(() => {});

  it("a stream whose agent never publishes sends headers and keep-alives at once", async () => {
    const a2a = makeAgent({ executor: never, keepAliveMs: 20 });
    const started = Date.now();
    const response = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("hi") }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(Date.now() - started).toBeLessThan(2000);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes(": keep-alive")) text += (await reader.read()).value;
    expect(text).toMatch(/^: stream open\n\n/);
    expect(a2a.stats().subscribers).toBe(1);
    await reader.cancel();
    await until(() => a2a.stats().subscribers === 0);
  });

  it("a client that leaves before the first event releases its listener", async () => {
    const a2a = makeAgent({ executor: never });
    const controller = new AbortController();
    const pending = a2a.fetch(rpcRequest("SendStreamingMessage", { message: userMessage("hi") }), {
      signal: controller.signal,
    });
    await until(() => a2a.stats().subscribers === 1);
    controller.abort();
    const response = await pending;
    await response.body?.cancel().catch(() => {});
    await until(() => a2a.stats().subscribers === 0);
  });

  it("CancelTask ends the run for its clients even when the agent ignores its signal", async () => {
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.working();
        await new Promise(() => {});
      },
    });
    const id = await startRunning(a2a, "hi");
    const stream = await a2a.fetch(rpcRequest("SubscribeToTask", { id }));
    const canceled = await rpc(a2a, "CancelTask", { id });
    expect(canceled.result.status.state).toBe("TASK_STATE_CANCELED");
    const { events } = parseSse(await stream.text());
    expect(events.at(-1).result.statusUpdate.status.state).toBe("TASK_STATE_CANCELED");
    expect(a2a.stats()).toEqual({ activeExecutions: 0, subscribers: 0 });
  });

  it("runTimeoutMs fails a run past its deadline, fires the signal and answers a blocking send", async () => {
    let reason: unknown;
    const a2a = makeAgent({
      runTimeoutMs: 50,
      executor: async (ctx, task) => {
        ctx.signal.addEventListener("abort", () => (reason = ctx.signal.reason));
        await task.working();
        await new Promise(() => {});
      },
    });
    const sent = await rpc(a2a, "SendMessage", { message: userMessage("hi") });
    expect(sent.result.task.status.state).toBe("TASK_STATE_FAILED");
    expect(sent.result.task.status.message.parts[0].text).toBe(
      "The agent did not finish within 50 ms.",
    );
    expect((reason as DOMException).name).toBe("TimeoutError");
    expect(a2a.stats().activeExecutions).toBe(0);
  });

  it("runTimeoutMs also answers a send whose agent never published anything", async () => {
    const a2a = makeAgent({ runTimeoutMs: 30, executor: never });
    const sent = await rpc(a2a, "SendMessage", { message: userMessage("hi") });
    expect(sent.result.task.status.state).toBe("TASK_STATE_FAILED");
  });

  it("has no deadline by default: a blocking send waits for the task", async () => {
    const go = gate();
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await go.promise;
        await task.complete("late");
      },
    });
    const pending = rpc(a2a, "SendMessage", { message: userMessage("hi") });
    await new Promise((resolve) => setTimeout(resolve, 150));
    go.open();
    expect((await pending).result.task.status.state).toBe("TASK_STATE_COMPLETED");
  });
});
