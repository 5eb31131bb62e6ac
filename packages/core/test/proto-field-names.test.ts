import { describe, expect, it } from "vitest";
import { BASE, type Json, makeAgent, rpc } from "./helpers.js";

/** ProtoJSON parsers accept a field's proto name as well as its lowerCamel json name. */

function agent() {
  return makeAgent({
    executor: async (ctx, task) => {
      await task.artifact(`echo: ${ctx.text}`);
      await task.complete(`done: ${ctx.text}`);
    },
  });
}

async function rest(a2a: ReturnType<typeof agent>, path: string, init: RequestInit = {}) {
  const response = await a2a.fetch(
    new Request(`${BASE}${path}`, {
      ...init,
      headers: { "content-type": "application/a2a+json", "a2a-version": "1.0", ...init.headers },
    }),
  );
  return { status: response.status, body: (await response.json()) as Json };
}

/** Sends `text` in a snake_case message, on context `contextId`; returns the task. */
async function sendSnake(a2a: ReturnType<typeof agent>, text: string, contextId: string) {
  const reply = await rpc(a2a, "SendMessage", {
    message: {
      message_id: `m-${text}`,
      context_id: contextId,
      role: "ROLE_USER",
      parts: [{ text, media_type: "text/plain" }],
      reference_task_ids: [],
    },
    configuration: { history_length: 5, accepted_output_modes: ["text/plain"] },
  });
  return reply.result.task;
}

describe("proto field names", () => {
  it("reads a snake_case message in SendMessage, and answers in camelCase", async () => {
    const a2a = agent();
    const task = await sendSnake(a2a, "hi", "ctx-snake");
    expect(task.contextId).toBe("ctx-snake");
    expect(task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(task.history[0]).toMatchObject({ messageId: "m-hi", contextId: "ctx-snake" });
    expect(task.history[0].parts[0]).toEqual({ text: "hi", mediaType: "text/plain" });
    expect(JSON.stringify(task)).not.toContain("_id");
  });

  it("applies GetTask's history_length", async () => {
    const a2a = agent();
    const task = await sendSnake(a2a, "one", "ctx-h");
    const full = await rpc(a2a, "GetTask", { id: task.id });
    expect(full.result.history.length).toBeGreaterThan(1);
    const cut = await rpc(a2a, "GetTask", { id: task.id, history_length: 1 });
    expect(cut.result.history).toHaveLength(1);
    const rest1 = await rest(a2a, `/tasks/${task.id}?history_length=1`);
    expect(rest1.body.history).toHaveLength(1);
  });

  it("filters ListTasks by context_id, with page_size and include_artifacts", async () => {
    const a2a = agent();
    await sendSnake(a2a, "a", "ctx-a");
    await sendSnake(a2a, "b", "ctx-b");
    const listed = await rpc(a2a, "ListTasks", {
      context_id: "ctx-a",
      page_size: 10,
      include_artifacts: true,
    });
    expect(listed.result.tasks).toHaveLength(1);
    expect(listed.result.tasks[0].contextId).toBe("ctx-a");
    expect(listed.result.tasks[0].artifacts).toHaveLength(1);
    const viaRest = await rest(a2a, "/tasks?context_id=ctx-b&include_artifacts=true");
    expect(viaRest.body.tasks.map((t: Json) => t.contextId)).toEqual(["ctx-b"]);
    expect(viaRest.body.tasks[0].artifacts).toHaveLength(1);
  });

  it("reads return_immediately in SendMessage's configuration over HTTP+JSON", async () => {
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.working();
        await running;
        await task.complete();
      },
    });
    const sent = await rest(a2a, "/message:send", {
      method: "POST",
      body: JSON.stringify({
        message: { message_id: "m-r", role: "ROLE_USER", parts: [{ text: "x" }] },
        configuration: { return_immediately: true },
      }),
    });
    expect(sent.status).toBe(200);
    expect(sent.body.task.status.state).not.toBe("TASK_STATE_COMPLETED");
    release();
  });

  it("refuses a field given under both names", async () => {
    const a2a = agent();
    const reply = await rpc(a2a, "GetTask", { id: "t", historyLength: 1, history_length: 2 });
    expect(reply.error.code).toBe(-32602);
    expect(JSON.stringify(reply.error.data)).toContain("historyLength");
  });

  it("never renames keys inside metadata", async () => {
    const a2a = agent();
    const reply = await rpc(a2a, "SendMessage", {
      message: {
        message_id: "m-meta",
        role: "ROLE_USER",
        parts: [{ text: "x", metadata: { snake_key: 1 } }],
        metadata: { some_key: "kept" },
      },
    });
    const [first] = reply.result.task.history;
    expect(first.metadata).toEqual({ some_key: "kept" });
    expect(first.parts[0].metadata).toEqual({ snake_key: 1 });
  });
});

describe("ListTasks status filter", () => {
  it("reads TASK_STATE_UNSPECIFIED as no filter, on both bindings", async () => {
    const a2a = agent();
    await sendSnake(a2a, "a", "ctx-u");
    await sendSnake(a2a, "b", "ctx-u");
    const listed = await rpc(a2a, "ListTasks", { status: "TASK_STATE_UNSPECIFIED" });
    expect(listed.result.tasks).toHaveLength(2);
    const viaRest = await rest(a2a, "/tasks?status=TASK_STATE_UNSPECIFIED");
    expect(viaRest.status).toBe(200);
    expect(viaRest.body.tasks).toHaveLength(2);
    const filtered = await rpc(a2a, "ListTasks", { status: "TASK_STATE_WORKING" });
    expect(filtered.result.tasks).toHaveLength(0);
  });
});
