import { describe, expect, it } from "vitest";
import {
  BASE,
  gate,
  type Json,
  makeAgent,
  readSse,
  rpc,
  rpcRequest,
  until,
  userMessage,
} from "./helpers.js";

/**
 * `returnImmediately`: the task exists (SUBMITTED) before the agent runs, so the client is
 * answered at once however long the agent takes to publish its first event.
 */

function slowStarter() {
  const started = gate();
  const release = gate();
  const a2a = makeAgent({
    executor: async (_ctx, task) => {
      started.open();
      await release.promise; // publishes nothing until released
      await task.complete("finally");
    },
  });
  return { a2a, started, release };
}

describe("returnImmediately", () => {
  it("answers SendMessage with the SUBMITTED task before the agent publishes anything", async () => {
    const { a2a, started, release } = slowStarter();
    const reply = await rpc(a2a, "SendMessage", {
      message: userMessage("go"),
      configuration: { returnImmediately: true },
    });
    const { task } = reply.result;
    expect(task.status.state).toBe("TASK_STATE_SUBMITTED");
    expect(task.history).toHaveLength(1);
    // The task is stored, and the agent runs (it was not waited for).
    const got = await rpc(a2a, "GetTask", { id: task.id });
    expect(got.result.status.state).toBe("TASK_STATE_SUBMITTED");
    await started.promise;
    release.open();
    await until(() => a2a.stats().activeExecutions === 0);
    const done = await rpc(a2a, "GetTask", { id: task.id });
    expect(done.result.status.state).toBe("TASK_STATE_COMPLETED");
    // The user's message is in the history once.
    expect(done.result.history.filter((m: Json) => m.role === "ROLE_USER")).toHaveLength(1);
  });

  it("does the same over HTTP+JSON, and for 0.3 blocking false", async () => {
    const { a2a, release } = slowStarter();
    const rest = await a2a.fetch(
      new Request(`${BASE}/message:send`, {
        method: "POST",
        headers: { "content-type": "application/a2a+json", "a2a-version": "1.0" },
        body: JSON.stringify({
          message: userMessage("go"),
          configuration: { returnImmediately: true },
        }),
      }),
    );
    expect((await rest.json()).task.status.state).toBe("TASK_STATE_SUBMITTED");
    const legacy = await a2a.fetch(
      rpcRequest(
        "message/send",
        {
          message: {
            kind: "message",
            messageId: "m03",
            role: "user",
            parts: [{ kind: "text", text: "go" }],
          },
          configuration: { blocking: false },
        },
        { headers: { "a2a-version": "0.3" } },
      ),
    );
    expect((await legacy.json()).result.status.state).toBe("submitted");
    release.open();
    await until(() => a2a.stats().activeExecutions === 0);
  });

  it("opens SendStreamingMessage with the SUBMITTED task at once", async () => {
    const { a2a, release } = slowStarter();
    const response = await a2a.fetch(
      rpcRequest("SendStreamingMessage", {
        message: userMessage("go"),
        configuration: { returnImmediately: true },
      }),
    );
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("TASK_STATE_SUBMITTED")) text += (await reader.read()).value ?? "";
    expect(text).not.toContain("TASK_STATE_COMPLETED");
    release.open();
    while (!text.includes("TASK_STATE_COMPLETED")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(text).toContain("TASK_STATE_COMPLETED");
  });

  it("completes the task with the agent's message when the agent answers without it", async () => {
    const a2a = makeAgent({
      executor: async () => ({ messageId: "answer", role: "ROLE_AGENT", parts: [{ text: "hi" }] }),
    });
    const reply = await rpc(a2a, "SendMessage", {
      message: userMessage("go"),
      configuration: { returnImmediately: true },
    });
    const { id } = reply.result.task;
    await until(() => a2a.stats().activeExecutions === 0);
    const done = (await rpc(a2a, "GetTask", { id })).result;
    expect(done.status.state).toBe("TASK_STATE_COMPLETED");
    expect(done.status.message).toMatchObject({ messageId: "answer", parts: [{ text: "hi" }] });
  });

  it("without it, an agent answering with a message creates no task; a stream always has one", async () => {
    const a2a = makeAgent({
      executor: async () => ({ messageId: "answer", role: "ROLE_AGENT", parts: [{ text: "hi" }] }),
    });
    const reply = await rpc(a2a, "SendMessage", { message: userMessage("go") });
    expect(reply.result.message.messageId).toBe("answer");
    const events = await readSse(
      await a2a.fetch(rpcRequest("SendStreamingMessage", { message: userMessage("go") })),
    );
    expect(events.map((e: Json) => Object.keys(e.result)[0])).toEqual(["task", "statusUpdate"]);
    expect(events[1].result.statusUpdate.status.message.messageId).toBe("answer");
  });
});
