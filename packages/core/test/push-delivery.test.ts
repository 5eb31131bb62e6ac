import { afterEach, describe, expect, it } from "vitest";
import type { PushDeliveryFailure, PushOptions, TaskHelper } from "../src/index.js";
import { webhookSender } from "../src/node/index.js";
import { type Json, makeAgent, rpc, userMessage } from "./helpers.js";
import { type Answer, PushReceiver } from "./push-receiver.js";

/** Real receivers on 127.0.0.1, closed after each test. */
const receivers: PushReceiver[] = [];
async function receiver(answers: Answer[] = []) {
  const started = await PushReceiver.start(answers);
  receivers.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const sender = webhookSender({ allowHosts: ["127.0.0.1"] });
/** Retries fast enough for tests. */
const FAST: Partial<PushOptions> = { retryBaseMs: 10, retryMaxMs: 50 };

/** An agent that publishes four events (working, two artifact chunks, completed). */
const fourEvents = async (_ctx: unknown, task: TaskHelper) => {
  await task.working("Working");
  const id = await task.artifact({ name: "out", parts: [{ text: "one " }] });
  await task.artifact({ artifactId: id, parts: [{ text: "two" }] }, { append: true });
  await task.complete("Done");
};

/**
 * An agent whose run waits at each `gate()` until the test calls `open()`: it goes working,
 * then publishes one artifact per opening, and completes on "finish".
 */
function gatedAgent() {
  let release: ((word: string) => void) | undefined;
  const next = () => new Promise<string>((resolve) => (release = resolve));
  const open = async (word = "go") => {
    for (let i = 0; i < 100 && !release; i++) await new Promise((r) => setTimeout(r, 5));
    const r = release!;
    release = undefined;
    r(word);
  };
  const executor = async (_ctx: unknown, task: TaskHelper) => {
    await task.working();
    for (;;) {
      const word = await next();
      if (word === "finish") return task.complete();
      await task.artifact(word);
    }
  };
  return { executor, open };
}

function withPush(options: Partial<PushOptions> = {}) {
  return { push: { sender, ...FAST, ...options } };
}

const kinds = (bodies: Json[]) => bodies.map((b) => Object.keys(b)[0]);

describe("push delivery", () => {
  it("POSTs every event of the task, in order, with a stable id and the configured credentials", async () => {
    const hook = await receiver();
    const a2a = makeAgent({ executor: fourEvents, ...withPush() });
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: {
        taskPushNotificationConfig: {
          url: hook.url(),
          token: "session-token",
          authentication: { scheme: "bearer", credentials: "secret" },
        },
      },
    });
    const task = sent.result.task;
    const got = await hook.waitFor(5);
    expect(kinds(hook.bodies())).toEqual([
      "task",
      "statusUpdate",
      "artifactUpdate",
      "artifactUpdate",
      "statusUpdate",
    ]);
    expect(got.map((r) => r.headers["a2a-notification-id"])).toEqual(
      [1, 2, 3, 4, 5].map((seq) => `${task.id}:${seq}`),
    );
    for (const request of got) {
      expect(request.path).toBe("/hook");
      expect(request.headers.authorization).toBe("Bearer secret");
      expect(request.headers["x-a2a-notification-token"]).toBe("session-token");
      expect(request.headers["content-type"]).toBe("application/a2a+json");
    }
    // The same events a stream of the task carries: the last one is the completed status.
    const last = hook.bodies().at(-1).statusUpdate;
    expect(last.taskId).toBe(task.id);
    expect(last.status.state).toBe("TASK_STATE_COMPLETED");
    expect(hook.bodies()[0].task.id).toBe(task.id);
  });

  it("sends another scheme's credentials as `<scheme> <credentials>`", async () => {
    const hook = await receiver();
    const a2a = makeAgent({ executor: fourEvents, ...withPush() });
    await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: {
        taskPushNotificationConfig: {
          url: hook.url(),
          authentication: { scheme: "Basic", credentials: "dXNlcjpwYXNz" },
        },
      },
    });
    const got = await hook.waitFor(5);
    expect(got[0]!.headers.authorization).toBe("Basic dXNlcjpwYXNz");
    expect(got[0]!.headers["x-a2a-notification-token"]).toBeUndefined();
  });

  it("a config created on a running task gets the events after it, to the end", async () => {
    const hook = await receiver();
    const agent = gatedAgent();
    const a2a = makeAgent({ executor: agent.executor, ...withPush() });
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { returnImmediately: true },
    });
    const taskId = sent.result.task.id;
    await agent.open("before");
    await until(
      async () => (await rpc(a2a, "GetTask", { id: taskId })).result.artifacts?.length === 1,
    );
    const created = await rpc(a2a, "CreateTaskPushNotificationConfig", { taskId, url: hook.url() });
    expect(created.error).toBeUndefined();
    await agent.open("after");
    await agent.open("finish");
    const got = await hook.waitFor(2);
    await settle();
    expect(got).toHaveLength(2);
    expect(hook.bodies()[0].artifactUpdate.artifact.parts[0].text).toBe("after");
    expect(hook.bodies()[1].statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("a config created through 0.3 gets the 0.3 task after each event", async () => {
    const hook = await receiver();
    const agent = gatedAgent();
    const a2a = makeAgent({ executor: agent.executor, ...withPush() });
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { returnImmediately: true },
    });
    const taskId = sent.result.task.id;
    const set = await rpc(
      a2a,
      "tasks/pushNotificationConfig/set",
      { taskId, pushNotificationConfig: { url: hook.url() } },
      { headers: { "a2a-version": "0.3" } },
    );
    expect(set.error).toBeUndefined();
    await agent.open("chunk");
    await agent.open("finish");
    await hook.waitFor(2);
    const [afterArtifact, afterEnd] = hook.bodies();
    expect(hook.received[0]!.headers["content-type"]).toBe("application/json");
    expect(afterArtifact.kind).toBe("task");
    expect(afterArtifact.id).toBe(taskId);
    expect(afterArtifact.status.state).toBe("working");
    expect(afterArtifact.artifacts[0].parts[0]).toEqual({ kind: "text", text: "chunk" });
    expect(afterEnd.status.state).toBe("completed");
  });

  it("retries 5xx and network failures with the same delivery id, then goes on in order", async () => {
    const hook = await receiver([{ status: 503 }, { status: 500 }]);
    const failures: PushDeliveryFailure[] = [];
    const a2a = makeAgent({
      executor: fourEvents,
      ...withPush({ onDeliveryFailure: (f) => failures.push(f) }),
    });
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { taskPushNotificationConfig: { url: hook.url() } },
    });
    const got = await hook.waitFor(7);
    const ids = got.map((r) => r.headers["a2a-notification-id"]);
    const id = (seq: number) => `${sent.result.task.id}:${seq}`;
    expect(ids).toEqual([id(1), id(1), id(1), id(2), id(3), id(4), id(5)]);
    expect(failures.map((f) => [f.status, f.failures, f.outcome])).toEqual([
      [503, 1, "retrying"],
      [500, 2, "retrying"],
    ]);
  });

  it("honours Retry-After on 429", async () => {
    const hook = await receiver([{ status: 429, headers: { "retry-after": "1" } }]);
    const a2a = makeAgent({ executor: fourEvents, ...withPush({ retryMaxMs: 5000 }) });
    await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { taskPushNotificationConfig: { url: hook.url() } },
    });
    const got = await hook.waitFor(2);
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it("never follows a redirect: a 3xx gives that event up and the next ones are delivered", async () => {
    const elsewhere = await receiver();
    const hook = await receiver([{ status: 302, headers: { location: elsewhere.url("/stolen") } }]);
    const failures: PushDeliveryFailure[] = [];
    const a2a = makeAgent({
      executor: fourEvents,
      ...withPush({ onDeliveryFailure: (f) => failures.push(f) }),
    });
    await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { taskPushNotificationConfig: { url: hook.url() } },
    });
    await hook.waitFor(5);
    await settle();
    expect(elsewhere.received).toHaveLength(0);
    expect(kinds(hook.bodies()).slice(1)).toEqual([
      "statusUpdate",
      "artifactUpdate",
      "artifactUpdate",
      "statusUpdate",
    ]);
    expect(failures.map((f) => [f.status, f.outcome])).toEqual([[302, "event-given-up"]]);
  });

  it("410 Gone disables the config at once, and its owner sees why", async () => {
    const hook = await receiver([{ status: 410 }]);
    const a2a = makeAgent({ executor: fourEvents, ...withPush() });
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { taskPushNotificationConfig: { id: "hook", url: hook.url() } },
    });
    await hook.waitFor(1);
    await settle();
    expect(hook.received).toHaveLength(1);
    const config = await rpc(a2a, "GetTaskPushNotificationConfig", {
      taskId: sent.result.task.id,
      id: "hook",
    });
    expect(config.result.deliveryStatus).toMatchObject({
      state: "DISABLED",
      reason: "The receiver answered 410 Gone",
      consecutiveFailures: 1,
    });
  });

  it("a disabled config created through 0.3 shows why on 0.3 get and list, JSON-RPC and HTTP+JSON", async () => {
    const hook = await receiver([{ status: 410 }]);
    const agent = gatedAgent();
    const a2a = makeAgent({ executor: agent.executor, ...withPush() });
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { returnImmediately: true },
    });
    const taskId = sent.result.task.id;
    const v03 = { headers: { "a2a-version": "0.3" } };
    await rpc(
      a2a,
      "tasks/pushNotificationConfig/set",
      { taskId, pushNotificationConfig: { id: "hook", url: hook.url() } },
      v03,
    );
    await agent.open("x");
    await hook.waitFor(1);
    await until(async () => {
      const got = await rpc(
        a2a,
        "tasks/pushNotificationConfig/get",
        { id: taskId, pushNotificationConfigId: "hook" },
        v03,
      );
      return got.result.deliveryStatus?.state === "DISABLED";
    });
    const listed = await rpc(a2a, "tasks/pushNotificationConfig/list", { id: taskId }, v03);
    expect(listed.result[0].deliveryStatus.reason).toBe("The receiver answered 410 Gone");
    const rest = await a2a.fetch(
      new Request(`http://agent.test/a2a/v1/tasks/${taskId}/pushNotificationConfigs/hook`),
    );
    expect((await rest.json()).deliveryStatus).toMatchObject({ state: "DISABLED" });
    await agent.open("finish");
  });

  it("disables the config after maxConsecutiveFailures failed attempts, and setting it again resumes", async () => {
    const hook = await receiver(Array.from({ length: 3 }, () => ({ status: 500 })));
    const failures: PushDeliveryFailure[] = [];
    const a2a = makeAgent({
      executor: fourEvents,
      ...withPush({ maxConsecutiveFailures: 3, onDeliveryFailure: (f) => failures.push(f) }),
    });
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { taskPushNotificationConfig: { id: "hook", url: hook.url() } },
    });
    const taskId = sent.result.task.id;
    await hook.waitFor(3);
    await settle();
    expect(hook.received).toHaveLength(3);
    expect(failures.map((f) => f.outcome)).toEqual(["retrying", "retrying", "config-disabled"]);
    const listed = await rpc(a2a, "ListTaskPushNotificationConfigs", { taskId });
    expect(listed.result.configs[0].deliveryStatus).toMatchObject({
      state: "DISABLED",
      consecutiveFailures: 3,
    });
    // Set again: enabled, and it carries on from the event it was stuck at.
    const again = await rpc(a2a, "CreateTaskPushNotificationConfig", {
      taskId,
      id: "hook",
      url: hook.url(),
    });
    expect(again.result.deliveryStatus).toBeUndefined();
    await hook.waitFor(8);
    expect(hook.received.slice(3).map((r) => r.headers["a2a-notification-id"])).toEqual(
      [1, 2, 3, 4, 5].map((seq) => `${taskId}:${seq}`),
    );
  });

  it("a timed-out attempt is retried", async () => {
    const hook = await receiver([{ status: 200, delayMs: 1000 }]);
    const failures: PushDeliveryFailure[] = [];
    const a2a = makeAgent({
      executor: fourEvents,
      ...withPush({ timeoutMs: 200, onDeliveryFailure: (f) => failures.push(f) }),
    });
    await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { taskPushNotificationConfig: { url: hook.url() } },
    });
    await hook.waitFor(6, 5000);
    expect(failures[0]).toMatchObject({ status: undefined, outcome: "retrying" });
    expect(failures[0]!.error).toBeTruthy();
  });

  it("a slow receiver does not delay another config of the task", async () => {
    const slow = await receiver(Array.from({ length: 5 }, () => ({ status: 200, delayMs: 1500 })));
    const fast = await receiver();
    const agent = gatedAgent();
    const a2a = makeAgent({ executor: agent.executor, ...withPush() });
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { returnImmediately: true },
    });
    const taskId = sent.result.task.id;
    for (const [id, hook] of [
      ["slow", slow],
      ["fast", fast],
    ] as const) {
      await rpc(a2a, "CreateTaskPushNotificationConfig", { taskId, id, url: hook.url() });
    }
    await agent.open("a");
    await agent.open("finish");
    const started = Date.now();
    await fast.waitFor(2, 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(slow.received.length).toBeLessThanOrEqual(1);
  });

  it("a config set again while an event is retried goes on with the new URL", async () => {
    const dead = await receiver(Array.from({ length: 100 }, () => ({ status: 503 })));
    const fixed = await receiver();
    const a2a = makeAgent({
      executor: fourEvents,
      ...withPush({ maxConsecutiveFailures: 50, retryBaseMs: 50, retryMaxMs: 50 }),
    });
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { taskPushNotificationConfig: { id: "hook", url: dead.url() } },
    });
    const taskId = sent.result.task.id;
    await dead.waitFor(2);
    await rpc(a2a, "CreateTaskPushNotificationConfig", { taskId, id: "hook", url: fixed.url() });
    await fixed.waitFor(5);
    expect(kinds(fixed.bodies())[0]).toBe("task");
    const config = await rpc(a2a, "GetTaskPushNotificationConfig", { taskId, id: "hook" });
    expect(config.result.deliveryStatus).toBeUndefined();
    const deadCount = dead.received.length;
    await settle();
    expect(dead.received.length).toBe(deadCount);
  });

  it("a config deleted while an event is retried is not tried again", async () => {
    const dead = await receiver(Array.from({ length: 100 }, () => ({ status: 503 })));
    const a2a = makeAgent({
      executor: fourEvents,
      ...withPush({ maxConsecutiveFailures: 50, retryBaseMs: 50, retryMaxMs: 50 }),
    });
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { taskPushNotificationConfig: { id: "hook", url: dead.url() } },
    });
    await dead.waitFor(2);
    await rpc(a2a, "DeleteTaskPushNotificationConfig", { taskId: sent.result.task.id, id: "hook" });
    const after = dead.received.length;
    await settle();
    expect(dead.received.length).toBeLessThanOrEqual(after + 1); // at most the one in flight
  });

  it("deleting a config stops its deliveries", async () => {
    const hook = await receiver();
    const agent = gatedAgent();
    const a2a = makeAgent({ executor: agent.executor, ...withPush() });
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { returnImmediately: true },
    });
    const taskId = sent.result.task.id;
    await rpc(a2a, "CreateTaskPushNotificationConfig", { taskId, id: "hook", url: hook.url() });
    await agent.open("first");
    await hook.waitFor(1);
    await rpc(a2a, "DeleteTaskPushNotificationConfig", { taskId, id: "hook" });
    await agent.open("second");
    await agent.open("finish");
    await until(
      async () =>
        (await rpc(a2a, "GetTask", { id: taskId })).result.status.state === "TASK_STATE_COMPLETED",
    );
    await settle();
    expect(hook.received).toHaveLength(1);
  });
});

/** Polls `check` until it holds (at most 5 s). */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met within 5 s");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Time for anything still on its way to arrive (what must not arrive, then, did not). */
const settle = () => new Promise((r) => setTimeout(r, 150));
