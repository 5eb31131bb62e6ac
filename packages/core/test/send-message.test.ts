import { describe, expect, it } from "vitest";
import { A2AError, type AgentExecuteFn, InMemoryTaskStore, type Logger } from "../src/index.js";
import { gate, makeAgent, rpc, until, userMessage } from "./helpers.js";

const echo: AgentExecuteFn = async (ctx, task) => {
  await task.working();
  await task.artifact(`echo: ${ctx.text}`);
  await task.complete("done");
};

describe("SendMessage", () => {
  it("blocks until the task completes and returns it with artifacts and history", async () => {
    const a2a = makeAgent({ executor: echo });
    const { result } = await rpc(a2a, "SendMessage", { message: userMessage("hello") });
    const task = result.task;
    expect(task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(Date.parse(task.status.timestamp)).not.toBeNaN();
    expect(task.status.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(task.artifacts).toHaveLength(1);
    expect(task.artifacts[0].parts).toEqual([{ text: "echo: hello" }]);
    expect(task.history.map((m: { role: string }) => m.role)).toEqual(["ROLE_USER", "ROLE_AGENT"]);
    expect(task.history[0].taskId).toBe(task.id);
    expect(task.history[0].contextId).toBe(task.contextId);
  });

  it("generates distinct task and context ids on the server", async () => {
    const a2a = makeAgent({ executor: echo });
    const a = (await rpc(a2a, "SendMessage", { message: userMessage("a") })).result.task;
    const b = (await rpc(a2a, "SendMessage", { message: userMessage("b") })).result.task;
    expect(a.id).not.toBe(b.id);
    expect(a.contextId).not.toBe(b.contextId);
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keeps a client-provided contextId", async () => {
    const a2a = makeAgent({ executor: echo });
    const { result } = await rpc(a2a, "SendMessage", {
      message: userMessage("a", { contextId: "ctx-1" }),
    });
    expect(result.task.contextId).toBe("ctx-1");
  });

  it("returns immediately with returnImmediately, while the agent keeps working", async () => {
    const release = gate();
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.working();
        await release.promise;
        await task.complete();
      },
    });
    const { result } = await rpc(a2a, "SendMessage", {
      message: userMessage("x"),
      configuration: { returnImmediately: true },
    });
    expect(["TASK_STATE_SUBMITTED", "TASK_STATE_WORKING"]).toContain(result.task.status.state);
    release.open();
    let state = "";
    for (let i = 0; i < 100 && state !== "TASK_STATE_COMPLETED"; i++) {
      state = (await rpc(a2a, "GetTask", { id: result.task.id })).result.status.state;
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(state).toBe("TASK_STATE_COMPLETED");
  });

  it("applies historyLength to the returned task (0 omits history)", async () => {
    const a2a = makeAgent({ executor: echo });
    const none = await rpc(a2a, "SendMessage", {
      message: userMessage("a"),
      configuration: { historyLength: 0 },
    });
    expect(none.result.task).not.toHaveProperty("history");
    const one = await rpc(a2a, "SendMessage", {
      message: userMessage("a"),
      configuration: { historyLength: 1 },
    });
    expect(one.result.task.history).toHaveLength(1);
    expect(one.result.task.history[0].role).toBe("ROLE_AGENT");
    const full = await rpc(a2a, "GetTask", { id: one.result.task.id });
    expect(full.result.history).toHaveLength(2);
    const limited = await rpc(a2a, "GetTask", { id: one.result.task.id, historyLength: 1 });
    expect(limited.result.history).toHaveLength(1);
    const omitted = await rpc(a2a, "GetTask", { id: one.result.task.id, historyLength: 0 });
    expect(omitted.result).not.toHaveProperty("history");
  });

  it("answers with a plain Message when the agent returns one, and stores no task", async () => {
    const store = new InMemoryTaskStore();
    const a2a = makeAgent({
      taskStore: store,
      executor: (ctx) => ({
        messageId: "reply-1",
        role: "ROLE_AGENT",
        parts: [{ text: `hi ${ctx.text}` }],
      }),
    });
    const { result } = await rpc(a2a, "SendMessage", { message: userMessage("bob") });
    expect(result).toEqual({
      message: {
        messageId: "reply-1",
        role: "ROLE_AGENT",
        parts: [{ text: "hi bob" }],
        contextId: expect.any(String),
      },
    });
    expect(store.size).toBe(0);
  });

  it("drops what an agent publishes after its message answered: no task, nothing watched", async () => {
    const store = new InMemoryTaskStore();
    const late = gate();
    let published: Promise<void> | undefined;
    const a2a = makeAgent({
      taskStore: store,
      executor: (_ctx, task) => {
        // Publishes once the run is over, as an agent that forgot it had answered.
        published = late.promise.then(() => task.working("too late"));
        return { messageId: "reply-1", role: "ROLE_AGENT", parts: [{ text: "hi" }] };
      },
    });
    const { result } = await rpc(a2a, "SendMessage", { message: userMessage("bob") });
    expect(result.message.messageId).toBe("reply-1");
    await until(() => a2a.stats().activeExecutions === 0);
    late.open();
    await published;
    expect(store.size).toBe(0);
    expect(store.watching).toEqual({ tasks: 0, watchers: 0 });
  });

  it("continues an input-required task with its taskId, inferring the contextId", async () => {
    const seen: Array<{ text: string; state: string | undefined; contextId: string }> = [];
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        seen.push({ text: ctx.text, state: ctx.task?.status.state, contextId: ctx.contextId });
        if (!ctx.task) return task.inputRequired("Which city?");
        await task.complete(`Weather in ${ctx.text}: sunny`);
      },
    });
    const first = (await rpc(a2a, "SendMessage", { message: userMessage("weather?") })).result.task;
    expect(first.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    expect(first.status.message.parts[0].text).toBe("Which city?");
    const second = (
      await rpc(a2a, "SendMessage", { message: userMessage("Paris", { taskId: first.id }) })
    ).result.task;
    expect(second.id).toBe(first.id);
    expect(second.contextId).toBe(first.contextId);
    expect(second.status.state).toBe("TASK_STATE_COMPLETED");
    expect(second.history.map((m: { parts: Array<{ text: string }> }) => m.parts[0]!.text)).toEqual(
      ["weather?", "Which city?", "Paris", "Weather in Paris: sunny"],
    );
    expect(second.history[2].contextId).toBe(first.contextId);
    expect(seen).toEqual([
      { text: "weather?", state: undefined, contextId: first.contextId },
      { text: "Paris", state: "TASK_STATE_INPUT_REQUIRED", contextId: first.contextId },
    ]);
  });

  it("accepts a continuation that repeats the task's own contextId", async () => {
    const a2a = makeAgent({
      executor: async (ctx, task) => (ctx.task ? task.complete() : task.inputRequired("more?")),
    });
    const first = (await rpc(a2a, "SendMessage", { message: userMessage("a") })).result.task;
    const second = await rpc(a2a, "SendMessage", {
      message: userMessage("b", { taskId: first.id, contextId: first.contextId }),
    });
    expect(second.result.task.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("refuses a second message while the task is still being processed", async () => {
    const release = gate();
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.working();
        await release.promise;
        await task.complete();
      },
    });
    const first = (
      await rpc(a2a, "SendMessage", {
        message: userMessage("a"),
        configuration: { returnImmediately: true },
      })
    ).result.task;
    const again = await rpc(a2a, "SendMessage", {
      message: userMessage("b", { taskId: first.id }),
    });
    expect(again.error.code).toBe(-32004);
    release.open();
  });

  it("fails the task with a generic message when the executor throws, logging the cause", async () => {
    const logged: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn() {},
      error: (message, fields) => logged.push(`${message} ${JSON.stringify(fields)}`),
    };
    const a2a = makeAgent({
      logger,
      executor: async () => {
        throw new Error("database password is hunter2");
      },
    });
    const response = await a2a.fetch(
      new Request("http://agent.test/a2a", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 7,
          method: "SendMessage",
          params: { message: userMessage("x") },
        }),
      }),
    );
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    const { result } = JSON.parse(text);
    expect(result.task.status.state).toBe("TASK_STATE_FAILED");
    expect(result.task.status.message.parts[0].text).toBe(
      "The agent failed while processing the task.",
    );
    expect(logged.join("\n")).toContain("hunter2");
  });

  it("fails the task when the executor throws after publishing events", async () => {
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.working();
        await task.artifact("partial");
        throw new Error("boom");
      },
    });
    const { result } = await rpc(a2a, "SendMessage", { message: userMessage("x") });
    expect(result.task.status.state).toBe("TASK_STATE_FAILED");
    expect(result.task.artifacts[0].parts[0].text).toBe("partial");
  });

  it("fails the task when the executor returns without finishing it", async () => {
    const a2a = makeAgent({ executor: async (_ctx, task) => void (await task.working()) });
    const { result } = await rpc(a2a, "SendMessage", { message: userMessage("x") });
    expect(result.task.status.state).toBe("TASK_STATE_FAILED");
    expect(result.task.status.message.parts[0].text).toBe(
      "The agent stopped without finishing the task.",
    );
  });

  it("fails the task when the executor returns nothing at all", async () => {
    const a2a = makeAgent({ executor: () => undefined });
    const { result } = await rpc(a2a, "SendMessage", { message: userMessage("x") });
    expect(result.task.status.state).toBe("TASK_STATE_FAILED");
  });

  it("passes an A2AError the agent throws before creating a task to the client", async () => {
    const a2a = makeAgent({
      executor: () => {
        throw new A2AError("CONTENT_TYPE_NOT_SUPPORTED", "Only French text, please");
      },
    });
    const body = await rpc(a2a, "SendMessage", { message: userMessage("hello") });
    expect(body.error.code).toBe(-32005);
    expect(body.error.message).toBe("Only French text, please");
  });

  it("records reject and the generic status helper", async () => {
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        if (ctx.text === "auth") return task.status("TASK_STATE_AUTH_REQUIRED", "log in", { a: 1 });
        await task.reject("not my job");
      },
    });
    const rejected = (await rpc(a2a, "SendMessage", { message: userMessage("x") })).result.task;
    expect(rejected.status.state).toBe("TASK_STATE_REJECTED");
    const auth = (await rpc(a2a, "SendMessage", { message: userMessage("auth") })).result.task;
    expect(auth.status.state).toBe("TASK_STATE_AUTH_REQUIRED");
    expect(auth.status.message.parts[0].text).toBe("log in");
  });

  it("appends artifact chunks and replaces an artifact re-sent without append", async () => {
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        const id = await task.artifact({ name: "story", parts: [{ text: "Once " }] });
        await task.artifact({ artifactId: id, parts: [{ text: "upon" }] }, { append: true });
        await task.artifact(
          { artifactId: id, parts: [{ text: " a time" }] },
          {
            append: true,
            lastChunk: true,
          },
        );
        await task.artifact({ artifactId: "summary", parts: [{ text: "draft" }] });
        await task.artifact({ artifactId: "summary", parts: [{ text: "final" }] });
        await task.complete();
      },
    });
    const { result } = await rpc(a2a, "SendMessage", { message: userMessage("x") });
    expect(result.task.artifacts).toEqual([
      {
        artifactId: expect.any(String),
        name: "story",
        parts: [{ text: "Once " }, { text: "upon" }, { text: " a time" }],
      },
      { artifactId: "summary", parts: [{ text: "final" }] },
    ]);
  });

  it("gives the agent the request context: metadata, configuration, principal, tenant", async () => {
    let captured: Record<string, unknown> = {};
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        captured = {
          metadata: ctx.metadata,
          modes: ctx.configuration?.acceptedOutputModes,
          principal: ctx.principal?.id,
          tenant: ctx.tenant,
          header: ctx.call.headers.get("x-custom"),
          signal: ctx.signal.aborted,
        };
        await task.complete();
      },
    });
    const request = new Request("http://agent.test/a2a", {
      method: "POST",
      headers: { "content-type": "application/json", "x-custom": "yes" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: "abc",
        method: "SendMessage",
        params: {
          tenant: "acme",
          message: userMessage("x"),
          metadata: { trace: "t-1" },
          configuration: { acceptedOutputModes: ["text/plain"] },
        },
      }),
    });
    const body = await (await a2a.fetch(request, { principal: { id: "alice" } })).json();
    expect(body.id).toBe("abc");
    expect(captured).toEqual({
      metadata: { trace: "t-1" },
      modes: ["text/plain"],
      principal: "alice",
      tenant: "acme",
      header: "yes",
      signal: false,
    });
  });

  it("uses the configured id generator", async () => {
    let n = 0;
    const a2a = makeAgent({ executor: echo, generateId: () => `id-${++n}` });
    const { result } = await rpc(a2a, "SendMessage", { message: userMessage("x") });
    expect(result.task.id).toBe("id-1");
    expect(result.task.contextId).toBe("id-2");
  });

  it("accepts a body already parsed by host middleware", async () => {
    const a2a = makeAgent({ executor: echo });
    const request = new Request("http://agent.test/a2a", { method: "POST" });
    const parsedBody = {
      jsonrpc: "2.0",
      id: 3,
      method: "SendMessage",
      params: { message: userMessage("pre") },
    };
    const body = await (await a2a.fetch(request, { parsedBody })).json();
    expect(body.result.task.artifacts[0].parts[0].text).toBe("echo: pre");
  });
});

describe("SendMessage: a message answer inside a task", () => {
  it("answers with the message, keeps it in history, and fails a task left working", async () => {
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.working();
        return { messageId: "late", role: "ROLE_AGENT", parts: [{ text: "by the way" }] };
      },
    });
    const sent = await rpc(a2a, "SendMessage", { message: userMessage("x") });
    expect(sent.result.message.messageId).toBe("late");
    const taskId = sent.result.message.taskId;
    const { result } = await rpc(a2a, "GetTask", { id: taskId });
    expect(result.status.state).toBe("TASK_STATE_FAILED");
    expect(result.history.map((m: { messageId: string }) => m.messageId)).toContain("late");
  });

  it("leaves an input-required task waiting when a continuation answers with a message", async () => {
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        if (!ctx.task) return task.inputRequired("name?");
        return { messageId: "hint", role: "ROLE_AGENT", parts: [{ text: "still need a name" }] };
      },
    });
    const first = (await rpc(a2a, "SendMessage", { message: userMessage("hi") })).result.task;
    const reply = await rpc(a2a, "SendMessage", {
      message: userMessage("?", { taskId: first.id }),
    });
    expect(reply.result.message.parts[0].text).toBe("still need a name");
    const { result } = await rpc(a2a, "GetTask", { id: first.id });
    expect(result.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
  });
});

describe("default body limit", () => {
  it("accepts 1 MiB and refuses one byte more with 413", async () => {
    const a2a = makeAgent({ executor: async (_ctx, task) => task.complete() });
    const message = userMessage("x");
    const envelope = (padding: string) =>
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "SendMessage",
        params: { message, metadata: { padding } },
      });
    const overhead = envelope("").length;
    const post = (body: string) =>
      a2a.fetch(
        new Request("http://agent.test/a2a", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        }),
      );
    const atLimit = await post(envelope("a".repeat(1024 * 1024 - overhead)));
    expect((await atLimit.json()).result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const over = await post(envelope("a".repeat(1024 * 1024 - overhead + 1)));
    expect(over.status).toBe(413);
    expect((await over.json()).error.code).toBe(-32600);
  });
});
