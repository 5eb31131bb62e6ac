import { describe, expect, it } from "vitest";
import type { RequestContext } from "../src/index.js";
import {
  gate,
  type Json,
  makeAgent,
  readSse,
  rpc,
  rpcRequest,
  until,
  userMessage,
} from "./helpers.js";

/** The kind of a stream event: `task`, `message`, `statusUpdate` or `artifactUpdate`. */
const kindOf = (event: Json): string => Object.keys(event.result)[0]!;

function expectError(body: Json, code: number, reason: string): void {
  expect(body.jsonrpc).toBe("2.0");
  expect(body.result).toBeUndefined();
  expect(body.error.code).toBe(code);
  expect(body.error.data[0]["@type"]).toBe("type.googleapis.com/google.rpc.ErrorInfo");
  expect(body.error.data[0].reason).toBe(reason);
  expect(body.error.data[0].domain).toBe("a2a-protocol.org");
}

/** An agent that works until canceled (it ignores the signal until `release` opens). */
function runningAgent() {
  const started = gate();
  const release = gate();
  const finished = gate();
  const hookCalls: RequestContext[] = [];
  const seen: { taskId?: string; signal?: AbortSignal; abortListenerRan: boolean } = {
    abortListenerRan: false,
  };
  const a2a = makeAgent({
    executor: {
      execute: async (ctx, task) => {
        seen.taskId = ctx.taskId;
        seen.signal = ctx.signal;
        ctx.signal.addEventListener("abort", () => {
          seen.abortListenerRan = true;
        });
        await task.working();
        started.open();
        await release.promise;
        // Everything below comes after the cancel and must be ignored.
        await task.artifact({ artifactId: "late", parts: [{ text: "too late" }] });
        await task.working("still going");
        await task.complete("done anyway");
        finished.open();
      },
      cancel: async (ctx) => {
        hookCalls.push(ctx);
      },
    },
  });
  return { a2a, started, release, finished, hookCalls, seen };
}

describe("CancelTask", () => {
  it("cancels a running task: signal, cancel hook, CANCELED result, later events ignored", async () => {
    const { a2a, started, release, finished, hookCalls, seen } = runningAgent();
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("work"),
      configuration: { returnImmediately: true },
    });
    const taskId: string = sent.result.task.id;
    await started.promise;
    expect(seen.signal!.aborted).toBe(false);
    expect(hookCalls).toHaveLength(0);

    const canceled = await rpc(a2a, "CancelTask", { id: taskId }, { id: "c1" });
    expect(canceled.id).toBe("c1");
    expect(canceled.error).toBeUndefined();
    expect(canceled.result.id).toBe(taskId);
    expect(canceled.result.contextId).toBe(sent.result.task.contextId);
    expect(canceled.result.status.state).toBe("TASK_STATE_CANCELED");

    expect(seen.signal!.aborted).toBe(true);
    expect(seen.abortListenerRan).toBe(true);
    expect(hookCalls).toHaveLength(1);
    expect(hookCalls[0]!.taskId).toBe(taskId);
    expect(hookCalls[0]!.signal.aborted).toBe(true);

    const got = await rpc(a2a, "GetTask", { id: taskId });
    expect(got.result.status.state).toBe("TASK_STATE_CANCELED");
    expect(got.result.status).toEqual(canceled.result.status);

    // The agent keeps publishing after the cancel: none of it is applied.
    release.open();
    await finished.promise;
    await until(() => a2a.stats().activeExecutions === 0);
    const after = await rpc(a2a, "GetTask", { id: taskId });
    expect(after.result.status.state).toBe("TASK_STATE_CANCELED");
    expect(after.result.status).toEqual(canceled.result.status);
    expect(after.result.artifacts).toBeUndefined();
    expect(after.result.history).toEqual(got.result.history);
    expect(hookCalls).toHaveLength(1);
    expect(a2a.stats()).toEqual({ activeExecutions: 0, subscribers: 0 });
  });

  it("a blocking SendMessage waiting on the task returns the CANCELED task", async () => {
    let taskId = "";
    const started = gate();
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        taskId = ctx.taskId;
        await task.working();
        started.open();
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      },
    });
    const blocking = rpc(a2a, "SendMessage", { message: userMessage("wait") }, { id: "send" });
    await started.promise;
    const canceled = await rpc(a2a, "CancelTask", { id: taskId });
    expect(canceled.result.status.state).toBe("TASK_STATE_CANCELED");

    const answer = await blocking;
    expect(answer.id).toBe("send");
    expect(answer.error).toBeUndefined();
    expect(answer.result.task.id).toBe(taskId);
    expect(answer.result.task.status.state).toBe("TASK_STATE_CANCELED");
    await until(() => a2a.stats().activeExecutions === 0);
    const got = await rpc(a2a, "GetTask", { id: taskId });
    expect(got.result.status.state).toBe("TASK_STATE_CANCELED");
  });

  it("an open send stream receives the CANCELED status update and closes", async () => {
    const { a2a, started, release, finished, seen } = runningAgent();
    const stream = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("stream") }, { id: "st" }),
    );
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    const eventsPromise = readSse(stream);
    await started.promise;
    const taskId = seen.taskId!;
    const subscribed = await a2a.fetch(
      rpcRequest("SubscribeToTask", { id: taskId }, { id: "sub" }),
    );
    const subscribedEvents = readSse(subscribed);

    const canceled = await rpc(a2a, "CancelTask", { id: taskId });
    expect(canceled.result.status.state).toBe("TASK_STATE_CANCELED");

    const events = await eventsPromise;
    for (const event of events) expect(event.id).toBe("st");
    expect(events.map(kindOf)).toEqual(["task", "statusUpdate", "statusUpdate"]);
    expect(events[1].result.statusUpdate.status.state).toBe("TASK_STATE_WORKING");
    const last = events[2].result.statusUpdate;
    expect(last.taskId).toBe(taskId);
    expect(last.status.state).toBe("TASK_STATE_CANCELED");
    expect(last.status).toEqual(canceled.result.status);

    const fromSubscription = await subscribedEvents;
    expect(fromSubscription.map(kindOf)).toEqual(["task", "statusUpdate"]);
    expect(fromSubscription[1].result.statusUpdate.status.state).toBe("TASK_STATE_CANCELED");

    release.open();
    await finished.promise;
    await until(() => a2a.stats().activeExecutions === 0 && a2a.stats().subscribers === 0);
    const got = await rpc(a2a, "GetTask", { id: taskId });
    expect(got.result.status.state).toBe("TASK_STATE_CANCELED");
    expect(got.result.artifacts).toBeUndefined();
  });

  it("cancels an idle input-required task and ends the subscription on it", async () => {
    let calls = 0;
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        calls++;
        await task.inputRequired("Need more details");
      },
    });
    const sent = await rpc(a2a, "SendMessage", { message: userMessage("start") });
    const taskId: string = sent.result.task.id;
    expect(sent.result.task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    await until(() => a2a.stats().activeExecutions === 0);

    const subscription = await a2a.fetch(
      rpcRequest("SubscribeToTask", { id: taskId }, { id: "sub" }),
    );
    expect(subscription.headers.get("content-type")).toBe("text/event-stream");
    const eventsPromise = readSse(subscription);
    expect(a2a.stats().subscribers).toBe(1);

    const canceled = await rpc(a2a, "CancelTask", { id: taskId });
    expect(canceled.error).toBeUndefined();
    expect(canceled.result.id).toBe(taskId);
    expect(canceled.result.status.state).toBe("TASK_STATE_CANCELED");

    const events = await eventsPromise;
    for (const event of events) expect(event.id).toBe("sub");
    expect(events.map(kindOf)).toEqual(["task", "statusUpdate"]);
    expect(events[0].result.task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    expect(events[1].result.statusUpdate.taskId).toBe(taskId);
    expect(events[1].result.statusUpdate.status.state).toBe("TASK_STATE_CANCELED");
    expect(events[1].result.statusUpdate.status).toEqual(canceled.result.status);

    const got = await rpc(a2a, "GetTask", { id: taskId });
    expect(got.result.status.state).toBe("TASK_STATE_CANCELED");
    expect(calls).toBe(1);
    await until(() => a2a.stats().subscribers === 0);
    expect(a2a.stats().activeExecutions).toBe(0);
  });

  it("a second cancel of a running task is TaskNotCancelable", async () => {
    const { a2a, started, release, finished, hookCalls } = runningAgent();
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("work"),
      configuration: { returnImmediately: true },
    });
    const taskId: string = sent.result.task.id;
    await started.promise;
    const first = await rpc(a2a, "CancelTask", { id: taskId });
    expect(first.result.status.state).toBe("TASK_STATE_CANCELED");
    // The agent has not returned yet, but the run is over for the server: it holds nothing
    // for an agent that may never return.
    expect(a2a.stats().activeExecutions).toBe(0);
    const second = await rpc(a2a, "CancelTask", { id: taskId }, { id: "again" });
    expect(second.id).toBe("again");
    expectError(second, -32002, "TASK_NOT_CANCELABLE");
    // The refused cancel does not reach the agent again.
    expect(hookCalls).toHaveLength(1);

    release.open();
    await finished.promise;
    await until(() => a2a.stats().activeExecutions === 0);
    const third = await rpc(a2a, "CancelTask", { id: taskId });
    expectError(third, -32002, "TASK_NOT_CANCELABLE");
    const got = await rpc(a2a, "GetTask", { id: taskId });
    expect(got.result.status).toEqual(first.result.status);
  });

  it("a task completed while its agent still runs is not cancelable, and the agent is left alone", async () => {
    const completed = gate();
    const release = gate();
    const hookCalls: RequestContext[] = [];
    let taskId = "";
    let signal: AbortSignal | undefined;
    const a2a = makeAgent({
      executor: {
        execute: async (ctx, task) => {
          taskId = ctx.taskId;
          signal = ctx.signal;
          await task.complete("done");
          completed.open();
          await release.promise; // cleanup after the task is finished
        },
        cancel: (ctx) => {
          hookCalls.push(ctx);
        },
      },
    });
    const sent = await rpc(a2a, "SendMessage", { message: userMessage("quick") });
    expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    await completed.promise;
    expect(a2a.stats().activeExecutions).toBe(1);
    const canceled = await rpc(a2a, "CancelTask", { id: taskId });
    expectError(canceled, -32002, "TASK_NOT_CANCELABLE");
    expect(signal!.aborted).toBe(false);
    expect(hookCalls).toHaveLength(0);
    release.open();
    await until(() => a2a.stats().activeExecutions === 0);
    const got = await rpc(a2a, "GetTask", { id: taskId });
    expect(got.result.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("a second cancel of an idle task is TaskNotCancelable", async () => {
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.inputRequired("more?");
      },
    });
    const sent = await rpc(a2a, "SendMessage", { message: userMessage("start") });
    const taskId: string = sent.result.task.id;
    await until(() => a2a.stats().activeExecutions === 0);
    const first = await rpc(a2a, "CancelTask", { id: taskId });
    expect(first.result.status.state).toBe("TASK_STATE_CANCELED");
    const second = await rpc(a2a, "CancelTask", { id: taskId });
    expectError(second, -32002, "TASK_NOT_CANCELABLE");
    const got = await rpc(a2a, "GetTask", { id: taskId });
    expect(got.result.status).toEqual(first.result.status);
  });

  it("a completed, failed or rejected task is not cancelable; an unknown one is not found", async () => {
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        if (ctx.text === "complete") await task.complete("done");
        else if (ctx.text === "fail") await task.fail("could not");
        else await task.reject("will not");
      },
    });
    const expected = {
      complete: "TASK_STATE_COMPLETED",
      fail: "TASK_STATE_FAILED",
      reject: "TASK_STATE_REJECTED",
    } as const;
    for (const [text, state] of Object.entries(expected)) {
      const sent = await rpc(a2a, "SendMessage", { message: userMessage(text) });
      const taskId: string = sent.result.task.id;
      expect(sent.result.task.status.state).toBe(state);
      await until(() => a2a.stats().activeExecutions === 0);
      const canceled = await rpc(a2a, "CancelTask", { id: taskId }, { id: `cancel-${text}` });
      expect(canceled.id).toBe(`cancel-${text}`);
      expectError(canceled, -32002, "TASK_NOT_CANCELABLE");
      const got = await rpc(a2a, "GetTask", { id: taskId });
      expect(got.result.status.state).toBe(state);
    }

    const unknown = await rpc(a2a, "CancelTask", { id: "no-such-task" }, { id: "u" });
    expect(unknown.id).toBe("u");
    expectError(unknown, -32001, "TASK_NOT_FOUND");
  });

  it("an agent throwing an AbortError after the cancel leaves the task CANCELED", async () => {
    let taskId = "";
    const started = gate();
    const threw = gate();
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        taskId = ctx.taskId;
        await task.working();
        started.open();
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        threw.open();
        throw new DOMException("The operation was aborted.", "AbortError");
      },
    });
    const stream = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("go") }, { id: "st" }),
    );
    const eventsPromise = readSse(stream);
    await started.promise;
    const canceled = await rpc(a2a, "CancelTask", { id: taskId });
    expect(canceled.result.status.state).toBe("TASK_STATE_CANCELED");
    await threw.promise;
    await until(() => a2a.stats().activeExecutions === 0);

    const got = await rpc(a2a, "GetTask", { id: taskId });
    expect(got.result.status.state).toBe("TASK_STATE_CANCELED");
    expect(got.result.status).toEqual(canceled.result.status);
    const events = await eventsPromise;
    expect(events.map((e) => e.result.statusUpdate?.status.state ?? "task")).toEqual([
      "task",
      "TASK_STATE_WORKING",
      "TASK_STATE_CANCELED",
    ]);
    const listed = await rpc(a2a, "ListTasks", { status: "TASK_STATE_FAILED" });
    expect(listed.result.tasks).toEqual([]);
  });

  it("another principal cannot cancel the task", async () => {
    const { a2a, started, release, finished, hookCalls, seen } = runningAgent();
    const alice = { principal: { id: "alice" } };
    const bob = { principal: { id: "bob" } };
    const sent = await (
      await a2a.fetch(
        rpcRequest("SendMessage", {
          message: userMessage("mine"),
          configuration: { returnImmediately: true },
        }),
        alice,
      )
    ).json();
    const taskId: string = sent.result.task.id;
    await started.promise;

    const byBob = await (
      await a2a.fetch(rpcRequest("CancelTask", { id: taskId }, { id: "bob" }), bob)
    ).json();
    expect(byBob.id).toBe("bob");
    expectError(byBob, -32001, "TASK_NOT_FOUND");
    expect(seen.signal!.aborted).toBe(false);
    expect(seen.abortListenerRan).toBe(false);
    expect(hookCalls).toHaveLength(0);

    const forAlice = await (await a2a.fetch(rpcRequest("GetTask", { id: taskId }), alice)).json();
    expect(forAlice.result.status.state).toBe("TASK_STATE_WORKING");
    expect(a2a.stats().activeExecutions).toBe(1);

    // Alice can still cancel it herself.
    const byAlice = await (await a2a.fetch(rpcRequest("CancelTask", { id: taskId }), alice)).json();
    expect(byAlice.result.status.state).toBe("TASK_STATE_CANCELED");
    expect(seen.signal!.aborted).toBe(true);
    expect(hookCalls).toHaveLength(1);
    release.open();
    await finished.promise;
    await until(() => a2a.stats().activeExecutions === 0);
  });
});
