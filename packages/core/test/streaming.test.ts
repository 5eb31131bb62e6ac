import { afterEach, describe, expect, it, vi } from "vitest";
import {
  gate,
  type Json,
  makeAgent,
  parseSse,
  readSse,
  rpc,
  rpcRequest,
  sseEvents,
  until,
  userMessage,
} from "./helpers.js";

/** The kind of a stream event: `task`, `message`, `statusUpdate` or `artifactUpdate`. */
const kindOf = (event: Json): string => Object.keys(event.result)[0]!;

/** The event's task state (for `task` and `statusUpdate` events). */
const stateOf = (event: Json): string | undefined =>
  event.result.task?.status.state ?? event.result.statusUpdate?.status.state;

/** Collects what is left of an SSE event iterator. */
async function rest(events: AsyncGenerator<Json>): Promise<Json[]> {
  const out: Json[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** Number of parts carried by the artifact updates among `events`. */
function appendedParts(events: Json[]): number {
  return events
    .filter((e) => "artifactUpdate" in e)
    .reduce((sum, e) => sum + e.artifactUpdate.artifact.parts.length, 0);
}

function expectSseHeaders(response: Response): void {
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/event-stream");
  expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");
  expect(response.headers.get("x-accel-buffering")).toBe("no");
}

async function expectPlainJsonError(response: Response, code: number, reason: string) {
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/json");
  const body = await response.json();
  expect(body.jsonrpc).toBe("2.0");
  expect(body.result).toBeUndefined();
  expect(body.error.code).toBe(code);
  expect(body.error.data[0]["@type"]).toBe("type.googleapis.com/google.rpc.ErrorInfo");
  expect(body.error.data[0].reason).toBe(reason);
  expect(body.error.data[0].domain).toBe("a2a-protocol.org");
  return body;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("SendStreamingMessage", () => {
  it("streams the task lifecycle as JSON-RPC responses in publication order, then closes", async () => {
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.working();
        await task.artifact({ artifactId: "report", name: "report", parts: [{ text: "a" }] });
        await task.artifact(
          { artifactId: "report", parts: [{ text: "b" }] },
          { append: true, lastChunk: false },
        );
        await task.artifact(
          { artifactId: "report", parts: [{ text: "c" }] },
          { append: true, lastChunk: true },
        );
        await task.complete("done");
      },
    });
    const sent = userMessage("hello");
    const response = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: sent }, { id: "stream-42" }),
    );
    expectSseHeaders(response);
    const text = await response.text();
    // An SSE comment opens the stream, before the first data frame.
    expect(text.startsWith(":")).toBe(true);
    const firstComment = text.slice(0, text.indexOf("\n\n"));
    expect(firstComment.startsWith(":")).toBe(true);
    expect(text.indexOf("data: ")).toBeGreaterThan(firstComment.length);

    const { events } = parseSse(text);
    for (const event of events) {
      expect(event.jsonrpc).toBe("2.0");
      expect(event.id).toBe("stream-42");
      expect(event.error).toBeUndefined();
    }
    expect(events.map(kindOf)).toEqual([
      "task",
      "statusUpdate",
      "artifactUpdate",
      "artifactUpdate",
      "artifactUpdate",
      "statusUpdate",
    ]);

    const task = events[0].result.task;
    expect(task.status.state).toBe("TASK_STATE_SUBMITTED");
    expect(typeof task.id).toBe("string");
    expect(task.id).not.toBe("");
    expect(typeof task.contextId).toBe("string");
    expect(task.contextId).not.toBe("");
    expect(task.history).toHaveLength(1);
    expect(task.history[0].messageId).toBe(sent.messageId);
    expect(task.history[0].role).toBe("ROLE_USER");
    expect(task.history[0].parts).toEqual([{ text: "hello" }]);
    expect(task.history[0].taskId).toBe(task.id);
    expect(task.history[0].contextId).toBe(task.contextId);

    const working = events[1].result.statusUpdate;
    expect(working.taskId).toBe(task.id);
    expect(working.contextId).toBe(task.contextId);
    expect(working.status.state).toBe("TASK_STATE_WORKING");

    const chunks = events.slice(2, 5).map((e) => e.result.artifactUpdate);
    for (const chunk of chunks) {
      expect(chunk.taskId).toBe(task.id);
      expect(chunk.contextId).toBe(task.contextId);
      expect(chunk.artifact.artifactId).toBe("report");
    }
    expect(chunks.map((c) => c.artifact.parts)).toEqual([
      [{ text: "a" }],
      [{ text: "b" }],
      [{ text: "c" }],
    ]);
    expect(chunks[0].artifact.name).toBe("report");
    expect(chunks.map((c) => c.append ?? false)).toEqual([false, true, true]);
    expect(chunks.map((c) => c.lastChunk ?? false)).toEqual([false, false, true]);

    const completed = events[5].result.statusUpdate;
    expect(completed.taskId).toBe(task.id);
    expect(completed.contextId).toBe(task.contextId);
    expect(completed.status.state).toBe("TASK_STATE_COMPLETED");
    expect(completed.status.message.role).toBe("ROLE_AGENT");
    expect(completed.status.message.parts).toEqual([{ text: "done" }]);

    const got = await rpc(a2a, "GetTask", { id: task.id });
    expect(got.result.status.state).toBe("TASK_STATE_COMPLETED");
    expect(got.result.artifacts).toHaveLength(1);
    expect(got.result.artifacts[0].artifactId).toBe("report");
    expect(got.result.artifacts[0].parts).toEqual([{ text: "a" }, { text: "b" }, { text: "c" }]);
    await until(() => a2a.stats().subscribers === 0 && a2a.stats().activeExecutions === 0);
  });

  it("streams the task, then its completion carrying the agent's Message, when the agent answers with one", async () => {
    const a2a = makeAgent({
      executor: async () => ({
        messageId: "answer-1",
        role: "ROLE_AGENT",
        parts: [{ text: "direct answer" }],
      }),
    });
    const sent = userMessage("question", { contextId: "ctx-msg" });
    const response = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: sent }, { id: 7 }),
    );
    expectSseHeaders(response);
    const text = await response.text();
    expect(text.startsWith(":")).toBe(true);
    const { events } = parseSse(text);
    // A stream is always of a task (created before the agent runs, so it can be resumed):
    // the agent's direct answer completes that task.
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event.jsonrpc).toBe("2.0");
      expect(event.id).toBe(7);
    }
    expect(Object.keys(events[0].result)).toEqual(["task"]);
    expect(events[0].result.task.status.state).toBe("TASK_STATE_SUBMITTED");
    expect(Object.keys(events[1].result)).toEqual(["statusUpdate"]);
    expect(events[1].result.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
    const message = events[1].result.statusUpdate.status.message;
    expect(message.taskId).toBe(events[0].result.task.id);
    expect(message.messageId).toBe("answer-1");
    expect(message.role).toBe("ROLE_AGENT");
    expect(message.parts).toEqual([{ text: "direct answer" }]);
    expect(message.contextId).toBe("ctx-msg");
    await until(() => a2a.stats().subscribers === 0 && a2a.stats().activeExecutions === 0);
  });

  it("closes at INPUT_REQUIRED and a continuing SendStreamingMessage streams the rest", async () => {
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        if (!ctx.task) {
          await task.working();
          await task.inputRequired("Which colour?");
          return;
        }
        await task.working();
        await task.artifact({ artifactId: "pick", parts: [{ text: `picked ${ctx.text}` }] });
        await task.complete("ok");
      },
    });
    const first = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("paint it") }, { id: 1 }),
    );
    expectSseHeaders(first);
    const firstEvents = await readSse(first);
    expect(firstEvents.map(kindOf)).toEqual(["task", "statusUpdate", "statusUpdate"]);
    expect(firstEvents.map(stateOf)).toEqual([
      "TASK_STATE_SUBMITTED",
      "TASK_STATE_WORKING",
      "TASK_STATE_INPUT_REQUIRED",
    ]);
    const inputRequired = firstEvents[2].result.statusUpdate;
    expect(inputRequired.status.message.parts).toEqual([{ text: "Which colour?" }]);
    const { id: taskId, contextId } = firstEvents[0].result.task;

    // The client answers as soon as it is asked.
    const answer = userMessage("blue", { taskId, contextId });
    const second = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: answer }, { id: 2 }),
    );
    expectSseHeaders(second);
    const secondEvents = await readSse(second);
    for (const event of secondEvents) expect(event.id).toBe(2);
    expect(secondEvents.map(kindOf)).toEqual([
      "task",
      "statusUpdate",
      "artifactUpdate",
      "statusUpdate",
    ]);
    const continued = secondEvents[0].result.task;
    expect(continued.id).toBe(taskId);
    expect(continued.contextId).toBe(contextId);
    expect(continued.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    const last = continued.history[continued.history.length - 1];
    expect(last.messageId).toBe(answer.messageId);
    expect(last.role).toBe("ROLE_USER");
    expect(last.parts).toEqual([{ text: "blue" }]);
    expect(continued.history.map((m: Json) => m.role)).toEqual([
      "ROLE_USER",
      "ROLE_AGENT",
      "ROLE_USER",
    ]);
    expect(secondEvents[1].result.statusUpdate.status.state).toBe("TASK_STATE_WORKING");
    expect(secondEvents[2].result.artifactUpdate.artifact.parts).toEqual([{ text: "picked blue" }]);
    expect(secondEvents[3].result.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
    const got = await rpc(a2a, "GetTask", { id: taskId });
    expect(got.result.status.state).toBe("TASK_STATE_COMPLETED");
    await until(() => a2a.stats().subscribers === 0 && a2a.stats().activeExecutions === 0);
  });
});

describe("concurrent streams on one task", () => {
  it("delivers the same events in the same order to the send stream and two subscribers", async () => {
    const CHUNKS = 50;
    const mid = gate();
    const finish = gate();
    let atMid = false;
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.working();
        for (let i = 0; i < CHUNKS; i++) {
          if (i === 20) {
            atMid = true;
            await mid.promise;
          }
          await task.artifact(
            { artifactId: "out", parts: [{ text: `c${i}` }] },
            { append: i > 0, lastChunk: i === CHUNKS - 1 },
          );
          if (i % 10 === 9) await task.working(`progress ${i + 1}`);
        }
        await finish.promise;
        await task.complete("done");
      },
    });
    const send = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("go") }, { id: "send" }),
    );
    expectSseHeaders(send);
    const sendEvents = sseEvents(send);
    const firstSend = (await sendEvents.next()).value;
    expect(kindOf(firstSend)).toBe("task");
    const taskId: string = firstSend.result.task.id;
    const sendRest = rest(sendEvents);

    // Subscriber 1 joins while the agent waits halfway through the artifact.
    await until(() => atMid);
    const sub1 = await a2a.fetch(rpcRequest("SubscribeToTask", { id: taskId }, { id: "sub-1" }));
    expectSseHeaders(sub1);
    const sub1Events = readSse(sub1);
    // Subscriber 2 joins while events are being published.
    mid.open();
    const sub2 = await a2a.fetch(rpcRequest("SubscribeToTask", { id: taskId }, { id: "sub-2" }));
    expectSseHeaders(sub2);
    const sub2Events = readSse(sub2);
    expect(a2a.stats().subscribers).toBe(3);
    finish.open();

    const fromSend = await sendRest;
    const streams = { "sub-1": await sub1Events, "sub-2": await sub2Events };

    // The send stream saw the whole log.
    expect(fromSend.length).toBe(1 + CHUNKS + CHUNKS / 10 + 1);
    for (const event of fromSend) expect(event.id).toBe("send");
    expect(stateOf(fromSend[0])).toBe("TASK_STATE_WORKING");
    expect(stateOf(fromSend[fromSend.length - 1])).toBe("TASK_STATE_COMPLETED");
    expect(appendedParts(fromSend.map((e) => e.result))).toBe(CHUNKS);
    const sendTexts = fromSend
      .filter((e) => "artifactUpdate" in e.result)
      .map((e) => e.result.artifactUpdate.artifact.parts[0].text);
    expect(sendTexts).toEqual(Array.from({ length: CHUNKS }, (_, i) => `c${i}`));
    const sendPayloads = fromSend.map((e) => e.result);

    for (const [id, events] of Object.entries(streams)) {
      for (const event of events) expect(event.id).toBe(id);
      expect(kindOf(events[0])).toBe("task");
      const snapshot = events[0].result.task;
      const tail = events.slice(1).map((e: Json) => e.result);
      expect(tail.length).toBeGreaterThanOrEqual(1);
      // After joining, a subscriber sees exactly the send stream's events, in the same order.
      expect(tail).toEqual(sendPayloads.slice(sendPayloads.length - tail.length));
      // The snapshot is the task as of the events before the join: nothing missed or doubled.
      const before = sendPayloads.slice(0, sendPayloads.length - tail.length);
      const snapshotParts = snapshot.artifacts?.[0]?.parts ?? [];
      expect(snapshotParts.length).toBe(appendedParts(before));
      expect(snapshotParts.length + appendedParts(tail)).toBe(CHUNKS);
      expect(snapshotParts.map((p: Json) => p.text)).toEqual(
        sendTexts.slice(0, snapshotParts.length),
      );
      const lastStatus = before.filter((e) => "statusUpdate" in e).at(-1);
      expect(snapshot.status).toEqual(lastStatus.statusUpdate.status);
      expect(tail.at(-1).statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
    }
    // Subscriber 1 joined at the pause: 20 chunks and 2 progress updates already published.
    expect(streams["sub-1"][0].result.task.artifacts[0].parts).toHaveLength(20);
    expect(streams["sub-1"]).toHaveLength(1 + 30 + 3 + 1);

    await until(() => a2a.stats().subscribers === 0 && a2a.stats().activeExecutions === 0);
  });

  it("closing one subscriber affects neither the other subscriber nor the task", async () => {
    const release = gate();
    let waiting = false;
    let taskId = "";
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        taskId = ctx.taskId;
        await task.working();
        waiting = true;
        await release.promise;
        await task.artifact({ artifactId: "r", parts: [{ text: "result" }] });
        await task.complete("done");
      },
    });
    const send = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("go") }, { id: "send" }),
    );
    const sendEvents = readSse(send);
    await until(() => waiting);

    const subA = await a2a.fetch(rpcRequest("SubscribeToTask", { id: taskId }, { id: "a" }));
    const subB = await a2a.fetch(rpcRequest("SubscribeToTask", { id: taskId }, { id: "b" }));
    expectSseHeaders(subA);
    expectSseHeaders(subB);
    expect(a2a.stats().subscribers).toBe(3);

    const readerA = subA.body!.getReader();
    const firstChunk = await readerA.read();
    expect(firstChunk.done).toBe(false);
    await readerA.cancel();
    await until(() => a2a.stats().subscribers === 2);

    release.open();
    const eventsB = await readSse(subB);
    expect(eventsB.map(kindOf)).toEqual(["task", "artifactUpdate", "statusUpdate"]);
    expect(eventsB[0].result.task.status.state).toBe("TASK_STATE_WORKING");
    expect(eventsB[1].result.artifactUpdate.artifact.parts).toEqual([{ text: "result" }]);
    expect(eventsB[2].result.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");

    const fromSend = await sendEvents;
    expect(fromSend.map(stateOf)).toEqual([
      "TASK_STATE_SUBMITTED",
      "TASK_STATE_WORKING",
      undefined,
      "TASK_STATE_COMPLETED",
    ]);
    const got = await rpc(a2a, "GetTask", { id: taskId });
    expect(got.result.status.state).toBe("TASK_STATE_COMPLETED");
    expect(got.result.artifacts[0].parts).toEqual([{ text: "result" }]);
    await until(() => a2a.stats().subscribers === 0 && a2a.stats().activeExecutions === 0);
  });

  it("a client leaving the send stream does not cancel the task, which can be resubscribed", async () => {
    const release = gate();
    let waiting = false;
    let signal: AbortSignal | undefined;
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        signal = ctx.signal;
        await task.working();
        waiting = true;
        await release.promise;
        await task.artifact({ artifactId: "r", parts: [{ text: "late result" }] });
        await task.complete("done");
      },
    });
    const send = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("go") }, { id: "send" }),
    );
    const events = sseEvents(send);
    const first = (await events.next()).value;
    const taskId: string = first.result.task.id;
    await until(() => waiting);
    // The client goes away (the generator cancels the body's reader).
    await events.return(undefined);
    await until(() => a2a.stats().subscribers === 0);
    expect(a2a.stats().activeExecutions).toBe(1);
    expect(signal!.aborted).toBe(false);

    const working = await rpc(a2a, "GetTask", { id: taskId });
    expect(working.result.status.state).toBe("TASK_STATE_WORKING");

    const sub = await a2a.fetch(rpcRequest("SubscribeToTask", { id: taskId }, { id: "again" }));
    expectSseHeaders(sub);
    const subEvents = readSse(sub);
    release.open();
    const resubscribed = await subEvents;
    expect(resubscribed.map(kindOf)).toEqual(["task", "artifactUpdate", "statusUpdate"]);
    expect(resubscribed[0].result.task.status.state).toBe("TASK_STATE_WORKING");
    expect(resubscribed[2].result.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");

    const got = await rpc(a2a, "GetTask", { id: taskId });
    expect(got.result.status.state).toBe("TASK_STATE_COMPLETED");
    expect(got.result.artifacts[0].parts).toEqual([{ text: "late result" }]);
    expect(signal!.aborted).toBe(false);
    await until(() => a2a.stats().subscribers === 0 && a2a.stats().activeExecutions === 0);
  });

  it("an aborted request signal ends the stream without canceling the task", async () => {
    const release = gate();
    const finished = gate();
    let signal: AbortSignal | undefined;
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        signal = ctx.signal;
        await task.working();
        await release.promise;
        await task.complete("done");
        finished.open();
      },
    });
    const controller = new AbortController();
    const send = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("go") }, { id: "send" }),
      { signal: controller.signal },
    );
    expectSseHeaders(send);
    const reader = send.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("TASK_STATE_WORKING")) {
      const { done, value } = await reader.read();
      expect(done).toBe(false);
      text += value;
    }
    expect(a2a.stats().subscribers).toBe(1);
    controller.abort();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
    }
    // The stream ended before the task did.
    expect(text).not.toContain("TASK_STATE_COMPLETED");
    const { events } = parseSse(text);
    expect(events.map(stateOf)).toEqual(["TASK_STATE_SUBMITTED", "TASK_STATE_WORKING"]);
    await until(() => a2a.stats().subscribers === 0);
    expect(signal!.aborted).toBe(false);
    const taskId: string = events[0].result.task.id;
    const working = await rpc(a2a, "GetTask", { id: taskId });
    expect(working.result.status.state).toBe("TASK_STATE_WORKING");

    release.open();
    await finished.promise;
    const got = await rpc(a2a, "GetTask", { id: taskId });
    expect(got.result.status.state).toBe("TASK_STATE_COMPLETED");
    expect(signal!.aborted).toBe(false);
    await until(() => a2a.stats().subscribers === 0 && a2a.stats().activeExecutions === 0);
  });
});

describe("keep-alive", () => {
  it("sends keep-alive comments while idle and stops its timer when the stream ends", async () => {
    const setIntervalSpy = vi.spyOn(globalThis, "setInterval");
    const clearIntervalSpy = vi.spyOn(globalThis, "clearInterval");
    const release = gate();
    const a2a = makeAgent({
      keepAliveMs: 20,
      executor: async (_ctx, task) => {
        await task.working();
        await release.promise;
        await task.artifact({ artifactId: "r", parts: [{ text: "x" }] });
        await task.complete("done");
      },
    });
    const response = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("go") }, { id: "ka" }),
    );
    expectSseHeaders(response);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const readUntil = async (needle: string, from = 0) => {
      while (!text.includes(needle, from)) {
        const { done, value } = await reader.read();
        expect(done).toBe(false);
        text += value;
      }
    };
    await readUntil("TASK_STATE_WORKING");
    const afterWorking = text.indexOf("TASK_STATE_WORKING");
    // The agent is idle: a keep-alive comment arrives before its next event.
    await readUntil(": keep-alive\n\n", afterWorking);
    expect(text).not.toContain("artifactUpdate");
    release.open();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
    }
    const keepAlive = text.indexOf(": keep-alive\n\n", afterWorking);
    expect(keepAlive).toBeGreaterThan(afterWorking);
    expect(keepAlive).toBeLessThan(text.indexOf('"artifactUpdate"'));
    const { events, comments } = parseSse(text);
    expect(comments).toContain("keep-alive");
    expect(events.map(kindOf)).toEqual(["task", "statusUpdate", "artifactUpdate", "statusUpdate"]);
    expect(stateOf(events[3])).toBe("TASK_STATE_COMPLETED");

    // The body is closed and the keep-alive timer is gone.
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    await until(() => a2a.stats().subscribers === 0 && a2a.stats().activeExecutions === 0);
    const timers = setIntervalSpy.mock.results.map((r) => r.value);
    expect(timers.length).toBeGreaterThanOrEqual(1);
    const cleared = clearIntervalSpy.mock.calls.map((call) => call[0]);
    for (const timer of timers) expect(cleared).toContain(timer);
  });
});

describe("errors before a stream starts", () => {
  it("answers plain JSON errors, not SSE, for SubscribeToTask and continuing sends", async () => {
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.complete("done");
      },
    });
    const unknown = await a2a.fetch(
      rpcRequest("SubscribeToTask", { id: "no-such-task" }, { id: "s1" }),
    );
    const unknownBody = await expectPlainJsonError(unknown, -32001, "TASK_NOT_FOUND");
    expect(unknownBody.id).toBe("s1");

    const done = await rpc(a2a, "SendMessage", { message: userMessage("finish") });
    const taskId: string = done.result.task.id;
    expect(done.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const terminal = await a2a.fetch(rpcRequest("SubscribeToTask", { id: taskId }, { id: "s2" }));
    const terminalBody = await expectPlainJsonError(terminal, -32004, "UNSUPPORTED_OPERATION");
    expect(terminalBody.id).toBe("s2");

    const continuing = await a2a.fetch(
      rpcRequest(
        "SendStreamingMessage",
        { message: userMessage("more", { taskId: "no-such-task" }) },
        { id: "s3" },
      ),
    );
    const continuingBody = await expectPlainJsonError(continuing, -32001, "TASK_NOT_FOUND");
    expect(continuingBody.id).toBe("s3");
    expect(a2a.stats()).toEqual({ activeExecutions: 0, subscribers: 0 });
  });
});

describe("an agent failing mid-stream", () => {
  it("ends the stream with a FAILED status whose message reveals nothing of the error", async () => {
    const secret = "db password hunter2 at /srv/agent/secret-module.ts:42";
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.working();
        await task.artifact({ artifactId: "partial", parts: [{ text: "half" }] });
        throw new Error(secret);
      },
    });
    const response = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("go") }, { id: "f" }),
    );
    expectSseHeaders(response);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("secret-module");
    expect(text).not.toContain("Error:");
    const { events } = parseSse(text);
    for (const event of events) expect(event.id).toBe("f");
    expect(events.map(kindOf)).toEqual(["task", "statusUpdate", "artifactUpdate", "statusUpdate"]);
    const failed = events[3].result.statusUpdate;
    expect(failed.status.state).toBe("TASK_STATE_FAILED");
    expect(failed.status.message.role).toBe("ROLE_AGENT");
    expect(failed.status.message.parts).toHaveLength(1);
    expect(typeof failed.status.message.parts[0].text).toBe("string");
    expect(failed.status.message.parts[0].text).not.toBe("");
    expect(failed.status.message.parts[0].text).not.toContain(secret);
    expect(JSON.stringify(failed)).not.toContain("stack");

    const got = await rpc(a2a, "GetTask", { id: failed.taskId });
    expect(got.result.status.state).toBe("TASK_STATE_FAILED");
    expect(JSON.stringify(got.result)).not.toContain("hunter2");
    await until(() => a2a.stats().subscribers === 0 && a2a.stats().activeExecutions === 0);
  });
});
