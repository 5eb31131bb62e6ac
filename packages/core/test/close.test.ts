import { afterEach, describe, expect, it } from "vitest";
import type { RequestContext, TaskHelper } from "../src/index.js";
import { webhookSender } from "../src/node/index.js";
import { makeAgent, rpc, userMessage } from "./helpers.js";
import { PushReceiver } from "./push-receiver.js";

/** An agent that works until the test lets it finish (or its signal fires). */
function heldAgent() {
  let finish: (() => void) | undefined;
  const aborted: string[] = [];
  const executor = async (ctx: RequestContext, task: TaskHelper) => {
    await task.working("holding");
    await new Promise<void>((resolve) => {
      finish = resolve;
      ctx.signal.addEventListener("abort", () => {
        aborted.push(String((ctx.signal.reason as DOMException).message));
        resolve();
      });
    });
    if (!ctx.signal.aborted) await task.complete("let go");
  };
  return { executor, aborted, finish: () => finish?.() };
}

const receivers: PushReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function started(a2a: ReturnType<typeof makeAgent>): Promise<string> {
  const sent = await rpc(a2a, "SendMessage", {
    message: userMessage("hold"),
    configuration: { returnImmediately: true },
  });
  const taskId = sent.result.task.id as string;
  for (let i = 0; i < 200; i++) {
    const state = (await rpc(a2a, "GetTask", { id: taskId })).result.status.state;
    if (state === "TASK_STATE_WORKING") return taskId;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("the task never started working");
}

describe("a2a.close", () => {
  it("lets a run that ends within the grace period finish, then resolves", async () => {
    const agent = heldAgent();
    const a2a = makeAgent({ executor: agent.executor });
    const taskId = await started(a2a);
    const closed = a2a.close({ graceMs: 5000 });
    setTimeout(agent.finish, 50);
    await closed;
    const task = (await rpc(a2a, "GetTask", { id: taskId })).result;
    expect(task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(agent.aborted).toEqual([]);
    expect(a2a.stats().activeExecutions).toBe(0);
  });

  it("ends a run still going after the grace period: its task fails saying why, its agent is told", async () => {
    const agent = heldAgent();
    const a2a = makeAgent({ executor: agent.executor });
    const taskId = await started(a2a);
    const began = Date.now();
    await a2a.close({ graceMs: 100 });
    expect(Date.now() - began).toBeLessThan(2000);
    const task = (await rpc(a2a, "GetTask", { id: taskId })).result;
    expect(task.status.state).toBe("TASK_STATE_FAILED");
    expect(task.status.message.parts[0].text).toBe(
      "The server running the agent shut down before the task finished.",
    );
    expect(agent.aborted).toEqual([
      "The server running the agent shut down before the task finished.",
    ]);
    expect(a2a.stats().activeExecutions).toBe(0);
  });

  it("answers a blocking send waiting on a run it ends with the failed task", async () => {
    const agent = heldAgent();
    const a2a = makeAgent({ executor: agent.executor });
    const waiting = rpc(a2a, "SendMessage", { message: userMessage("hold") });
    await new Promise((r) => setTimeout(r, 50));
    await a2a.close({ graceMs: 0 });
    expect((await waiting).result.task.status.state).toBe("TASK_STATE_FAILED");
  });

  it("refuses new sends with 503 once closing, and still answers reads", async () => {
    const agent = heldAgent();
    const a2a = makeAgent({ executor: agent.executor });
    const taskId = await started(a2a);
    const closed = a2a.close({ graceMs: 0 });
    const refused = await a2a.fetch(
      new Request("http://agent.test/a2a/message:send", {
        method: "POST",
        headers: { "content-type": "application/json", "a2a-version": "1.0" },
        body: JSON.stringify({ message: userMessage("late") }),
      }),
    );
    expect(refused.status).toBe(503);
    await closed;
    expect((await rpc(a2a, "GetTask", { id: taskId })).result.id).toBe(taskId);
    // Closing again is the same close.
    await a2a.close();
  });

  it("stops push deliveries: nothing is posted after it resolves", async () => {
    const hook = await PushReceiver.start(Array.from({ length: 1000 }, () => ({ status: 503 })));
    receivers.push(hook);
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.complete("done");
      },
      push: {
        sender: webhookSender({ allowHosts: ["127.0.0.1"] }),
        retryBaseMs: 10,
        retryMaxMs: 20,
        maxConsecutiveFailures: 1000,
      },
    });
    await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { taskPushNotificationConfig: { url: hook.url() } },
    });
    await hook.waitFor(3);
    await a2a.close({ graceMs: 0 });
    const after = hook.received.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(hook.received.length).toBeLessThanOrEqual(after + 1); // at most one in flight
  });
});
