import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { makeTestAgent, type TestAgent } from "../harness/agent.js";
import { type Json, rpc, until, userMessage } from "../harness/client.js";
import { PushReceiver, type Received, testPush } from "../harness/push.js";
import { type Running, targets } from "../harness/targets/index.js";

/**
 * Push notifications through every adapter: the config methods over 1.0 JSON-RPC, 1.0
 * HTTP+JSON and 0.3 JSON-RPC, and the deliveries of a task's events to a real receiver on
 * 127.0.0.1.
 */

const A2A_JSON = "application/a2a+json";
const V03 = { "a2a-version": "0.3" };

/** The kind of an event: `task`, `message`, `statusUpdate`, `artifactUpdate`. */
const kindOf = (event: Json): string => Object.keys(event)[0]!;

/** The task state an event carries, if any. */
const stateOf = (event: Json): string | undefined =>
  event.task?.status.state ?? event.statusUpdate?.status.state;

/** The text of an artifact's (1.0 or 0.3) parts. */
const textOf = (artifact: Json): string =>
  artifact.parts.map((part: { text: string }) => part.text).join("");

/** An HTTP+JSON exchange below the mount point, its body parsed. */
async function rest(
  running: Running,
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: Json,
): Promise<{ status: number; contentType: string | null; body: Json }> {
  const response = await running.fetch(running.url + path, {
    method,
    headers: {
      "a2a-version": "1.0",
      ...(body !== undefined && { "content-type": A2A_JSON }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: text === "" ? undefined : JSON.parse(text),
  };
}

/** The events of an SSE body, each with its `id:`. */
function sseEvents(text: string): { id: string | undefined; data: Json }[] {
  return text.split("\n\n").flatMap((block) => {
    const lines = block.split("\n");
    const data = lines.find((line) => line.startsWith("data: "));
    if (!data) return [];
    const id = lines.find((line) => line.startsWith("id: "))?.slice(4);
    return [{ id, data: JSON.parse(data.slice(6)) }];
  });
}

/** The event sequence number of a delivery (`a2a-notification-id: <taskId>:<seq>`). */
function seqOf(received: Received, taskId: string): number {
  const id = String(received.headers["a2a-notification-id"]);
  expect(id.startsWith(`${taskId}:`), id).toBe(true);
  const seq = Number(id.slice(taskId.length + 1));
  expect(Number.isSafeInteger(seq) && seq > 0, id).toBe(true);
  return seq;
}

/**
 * Every delivery is a POST to `path` with `headers`, about task `taskId`, one event each, in
 * the task's order (increasing sequence numbers, none repeated). Returns the sequence numbers.
 */
function expectDeliveries(
  received: Received[],
  taskId: string,
  path: string,
  headers: Record<string, string | undefined>,
): number[] {
  for (const delivery of received) {
    expect(delivery.method).toBe("POST");
    expect(delivery.path).toBe(path);
    for (const [name, value] of Object.entries(headers)) {
      expect(delivery.headers[name], name).toBe(value);
    }
  }
  const seqs = received.map((delivery) => seqOf(delivery, taskId));
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
  return seqs;
}

/** The events of a `hello` task, as the agent makes them: in order, with the echo. */
function expectHelloEvents(bodies: Json[], taskId: string, text = "hello"): void {
  expect(bodies.map(kindOf)).toEqual([
    "task",
    "statusUpdate",
    "artifactUpdate",
    "artifactUpdate",
    "statusUpdate",
  ]);
  const [task, working, first, second, completed] = bodies;
  expect(task.task.id).toBe(taskId);
  expect(task.task.status.state).toBe("TASK_STATE_SUBMITTED");
  expect(working.statusUpdate.taskId).toBe(taskId);
  expect(working.statusUpdate.status.state).toBe("TASK_STATE_WORKING");
  expect(first.artifactUpdate.taskId).toBe(taskId);
  expect(first.artifactUpdate.artifact.name).toBe("echo");
  expect(second.artifactUpdate.append).toBe(true);
  expect(second.artifactUpdate.lastChunk).toBe(true);
  expect(textOf(first.artifactUpdate.artifact) + textOf(second.artifactUpdate.artifact)).toBe(text);
  expect(completed.statusUpdate.taskId).toBe(taskId);
  expect(completed.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
}

describe.each(targets)("$name: push notifications", (target) => {
  let agent: TestAgent | undefined;
  let running: Running | undefined;
  let receiver: PushReceiver | undefined;
  afterEach(async () => {
    agent?.release(); // no slow task outlives its test
    await running?.close();
    await receiver?.close();
    agent = undefined;
    running = undefined;
    receiver = undefined;
  });

  async function start(): Promise<{ agent: TestAgent; running: Running; receiver: PushReceiver }> {
    receiver = await PushReceiver.start();
    agent = makeTestAgent({ push: testPush() });
    running = await target.start(agent.a2a);
    return { agent, running, receiver };
  }

  /** A task the agent completed (no push config), made over 1.0 JSON-RPC. */
  async function completedTask(running: Running): Promise<string> {
    const sent = await rpc(running, "SendMessage", { message: userMessage("done") });
    expect(sent.result?.task?.status.state, JSON.stringify(sent)).toBe("TASK_STATE_COMPLETED");
    return sent.result.task.id;
  }

  /** Reads the task's state with GetTask. */
  async function taskState(running: Running, id: string): Promise<string | undefined> {
    return (await rpc(running, "GetTask", { id })).result?.status.state;
  }

  it("the agent card declares pushNotifications (1.0 and 0.3 cards)", async () => {
    const { running } = await start();
    const card = `${running.url}/.well-known/agent-card.json`;
    const v1 = await (await running.fetch(card, { headers: { "a2a-version": "1.0" } })).json();
    expect(v1.capabilities.pushNotifications).toBe(true);
    const v03 = await (await running.fetch(card, { headers: V03 })).json();
    expect(v03.capabilities.pushNotifications).toBe(true);
  });

  describe("config CRUD", () => {
    it("1.0 JSON-RPC: Create, Get, List and Delete TaskPushNotificationConfig", async () => {
      const { running, receiver } = await start();
      const taskId = await completedTask(running);
      const url = receiver.url("/rpc");
      const named = {
        id: "cfg-1",
        taskId,
        url,
        token: "tok-1",
        authentication: { scheme: "Bearer", credentials: "secret-1" },
      };
      const created = await rpc(running, "CreateTaskPushNotificationConfig", named);
      expect(created.error).toBeUndefined();
      expect(created.result).toEqual(named);

      const unnamed = await rpc(running, "CreateTaskPushNotificationConfig", { taskId, url });
      expect(unnamed.error).toBeUndefined();
      const otherId: string = unnamed.result.id;
      expect(typeof otherId).toBe("string");
      expect(otherId).not.toBe("");
      expect(otherId).not.toBe("cfg-1");
      const other = { id: otherId, taskId, url };
      expect(unnamed.result).toEqual(other);

      const got = await rpc(running, "GetTaskPushNotificationConfig", { taskId, id: "cfg-1" });
      expect(got.result).toEqual(named);
      const listed = await rpc(running, "ListTaskPushNotificationConfigs", { taskId });
      expect(listed.error).toBeUndefined();
      expect(listed.result.configs).toHaveLength(2);
      expect(listed.result.configs).toEqual(expect.arrayContaining([named, other]));
      expect(listed.result.nextPageToken ?? "").toBe("");

      const deleted = await rpc(running, "DeleteTaskPushNotificationConfig", {
        taskId,
        id: "cfg-1",
      });
      expect(deleted.error).toBeUndefined();
      expect(deleted.result).toEqual({});
      const gone = await rpc(running, "GetTaskPushNotificationConfig", { taskId, id: "cfg-1" });
      expect(gone.result).toBeUndefined();
      expect(gone.error.code).toBe(-32001);
      const after = await rpc(running, "ListTaskPushNotificationConfigs", { taskId });
      expect(after.result.configs).toEqual([other]);
      // Deleting what is not there (any more) succeeds.
      const again = await rpc(running, "DeleteTaskPushNotificationConfig", { taskId, id: "cfg-1" });
      expect(again.error).toBeUndefined();

      // A task that does not exist has no configs, and gets none.
      const missing = randomUUID();
      for (const [method, params] of [
        ["CreateTaskPushNotificationConfig", { taskId: missing, url }],
        ["GetTaskPushNotificationConfig", { taskId: missing, id: "cfg-1" }],
        ["ListTaskPushNotificationConfigs", { taskId: missing }],
        ["DeleteTaskPushNotificationConfig", { taskId: missing, id: "cfg-1" }],
      ] as const) {
        const answer = await rpc(running, method, params);
        expect(answer.error?.code, method).toBe(-32001);
        expect(answer.error.message, method).toBe(`Task not found: ${missing}`);
      }

      // The task had finished before its configs were made: there is nothing to deliver.
      await receiver.expectExactly(0);
    });

    it("1.0 HTTP+JSON: POST, GET, list (paged) and DELETE <mount>/tasks/{id}/pushNotificationConfigs", async () => {
      const { running, receiver } = await start();
      const taskId = await completedTask(running);
      const url = receiver.url("/rest");
      const base = `/tasks/${taskId}/pushNotificationConfigs`;
      const named = {
        id: "cfg-1",
        taskId,
        url,
        authentication: { scheme: "Bearer", credentials: "secret-1" },
      };
      const created = await rest(running, "POST", base, {
        id: "cfg-1",
        url,
        authentication: named.authentication,
      });
      expect(created.status).toBe(200);
      expect(created.contentType).toContain(A2A_JSON);
      expect(created.body).toEqual(named);
      const second = await rest(running, "POST", base, { id: "cfg-2", url, token: "tok-2" });
      expect(second.body).toEqual({ id: "cfg-2", taskId, url, token: "tok-2" });
      const unnamed = await rest(running, "POST", base, { url });
      expect(unnamed.status).toBe(200);
      const third = { id: unnamed.body.id, taskId, url };
      expect(unnamed.body).toEqual(third);

      const got = await rest(running, "GET", `${base}/cfg-1`);
      expect(got.status).toBe(200);
      expect(got.contentType).toContain(A2A_JSON);
      expect(got.body).toEqual(named);

      const all = await rest(running, "GET", base);
      expect(all.status).toBe(200);
      expect(all.body.configs).toHaveLength(3);
      expect(all.body.configs).toEqual(
        expect.arrayContaining([named, { id: "cfg-2", taskId, url, token: "tok-2" }, third]),
      );
      const page1 = await rest(running, "GET", `${base}?pageSize=2`);
      expect(page1.body.configs).toHaveLength(2);
      expect(page1.body.nextPageToken).toBeTruthy();
      const page2 = await rest(
        running,
        "GET",
        `${base}?pageSize=2&pageToken=${encodeURIComponent(page1.body.nextPageToken)}`,
      );
      expect(page2.body.configs).toHaveLength(1);
      expect(page2.body.nextPageToken ?? "").toBe("");
      expect([...page1.body.configs, ...page2.body.configs]).toEqual(
        expect.arrayContaining(all.body.configs),
      );

      const deleted = await rest(running, "DELETE", `${base}/cfg-1`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({});
      const gone = await rest(running, "GET", `${base}/cfg-1`);
      expect(gone.status).toBe(404);
      expect(gone.body.error.status).toBe("NOT_FOUND");
      const after = await rest(running, "GET", base);
      expect(after.body.configs.map((c: Json) => c.id).sort()).toEqual(["cfg-2", third.id].sort());
      expect((await rest(running, "DELETE", `${base}/cfg-1`)).status).toBe(200);

      const missing = `/tasks/${randomUUID()}/pushNotificationConfigs`;
      for (const [method, path, body] of [
        ["POST", missing, { url }],
        ["GET", `${missing}/cfg-1`],
        ["GET", missing],
        ["DELETE", `${missing}/cfg-1`],
      ] as const) {
        const answer = await rest(running, method, path, body);
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.body.error.details[0].reason).toBe("TASK_NOT_FOUND");
      }
      await receiver.expectExactly(0);
    });

    it("0.3 JSON-RPC: tasks/pushNotificationConfig/{set,get,list,delete}", async () => {
      const { running, receiver } = await start();
      const taskId = await completedTask(running);
      const url = receiver.url("/v03");
      const named = {
        taskId,
        pushNotificationConfig: {
          id: "cfg-1",
          url,
          token: "tok-1",
          authentication: { schemes: ["Bearer"], credentials: "secret-1" },
        },
      };
      const set = await rpc(running, "tasks/pushNotificationConfig/set", named, V03);
      expect(set.error).toBeUndefined();
      expect(set.result).toEqual(named);
      // Without an id, the config's id is the task's (as the 0.3 reference SDKs do).
      const unnamed = { taskId, pushNotificationConfig: { url } };
      const setUnnamed = await rpc(running, "tasks/pushNotificationConfig/set", unnamed, V03);
      const byTaskId = { taskId, pushNotificationConfig: { id: taskId, url } };
      expect(setUnnamed.result).toEqual(byTaskId);

      const got = await rpc(
        running,
        "tasks/pushNotificationConfig/get",
        { id: taskId, pushNotificationConfigId: "cfg-1" },
        V03,
      );
      expect(got.result).toEqual(named);
      const gotByTask = await rpc(running, "tasks/pushNotificationConfig/get", { id: taskId }, V03);
      expect(gotByTask.result).toEqual(byTaskId);
      const listed = await rpc(running, "tasks/pushNotificationConfig/list", { id: taskId }, V03);
      expect(listed.result).toHaveLength(2);
      expect(listed.result).toEqual(expect.arrayContaining([named, byTaskId]));

      // The same store as 1.0's: the config in 1.0's shape.
      const inV1 = await rpc(running, "GetTaskPushNotificationConfig", { taskId, id: "cfg-1" });
      expect(inV1.result).toEqual({
        id: "cfg-1",
        taskId,
        url,
        token: "tok-1",
        authentication: { scheme: "Bearer", credentials: "secret-1" },
      });

      const deleted = await rpc(
        running,
        "tasks/pushNotificationConfig/delete",
        { id: taskId, pushNotificationConfigId: "cfg-1" },
        V03,
      );
      expect(deleted.error).toBeUndefined();
      expect(deleted.result).toBeNull();
      const gone = await rpc(
        running,
        "tasks/pushNotificationConfig/get",
        { id: taskId, pushNotificationConfigId: "cfg-1" },
        V03,
      );
      expect(gone.error.code).toBe(-32001);
      const after = await rpc(running, "tasks/pushNotificationConfig/list", { id: taskId }, V03);
      expect(after.result).toEqual([byTaskId]);

      const missing = await rpc(
        running,
        "tasks/pushNotificationConfig/list",
        { id: randomUUID() },
        V03,
      );
      expect(missing.error.code).toBe(-32001);
      await receiver.expectExactly(0);
    });
  });

  describe("deliveries", () => {
    it("a SendMessage's config gets every event of the task, in order, with its Authorization (1.0 JSON-RPC)", async () => {
      const { running, receiver } = await start();
      const url = receiver.url("/hook/1?from=a2a");
      const sent = await rpc(running, "SendMessage", {
        message: userMessage("hello"),
        configuration: {
          taskPushNotificationConfig: {
            url,
            token: "tok-1",
            authentication: { scheme: "Bearer", credentials: "secret-1" },
          },
        },
      });
      expect(sent.error).toBeUndefined();
      const taskId: string = sent.result.task.id;
      expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");

      const received = await receiver.expectExactly(5);
      expectDeliveries(received, taskId, "/hook/1?from=a2a", {
        "content-type": A2A_JSON,
        authorization: "Bearer secret-1",
        "x-a2a-notification-token": "tok-1",
      });
      const bodies = receiver.bodies();
      expectHelloEvents(bodies, taskId);
      // The last delivery is the task's final state, as GetTask reads it.
      const final = (await rpc(running, "GetTask", { id: taskId })).result;
      expect(bodies.at(-1).statusUpdate.status).toEqual(final.status);

      // The send's config is the task's, listed like any other.
      const listed = await rpc(running, "ListTaskPushNotificationConfigs", { taskId });
      expect(listed.result.configs).toHaveLength(1);
      expect(listed.result.configs[0]).toMatchObject({
        taskId,
        url,
        token: "tok-1",
        authentication: { scheme: "Bearer", credentials: "secret-1" },
      });
    });

    it("a streaming send's deliveries are the events the stream sent, with their ids (HTTP+JSON)", async () => {
      const { running, receiver } = await start();
      const stream = await running.stream(`${running.url}/message:stream`, {
        method: "POST",
        headers: { "content-type": A2A_JSON, "a2a-version": "1.0" },
        body: JSON.stringify({
          message: userMessage("streamed"),
          configuration: {
            taskPushNotificationConfig: {
              url: receiver.url(),
              authentication: { scheme: "bearer", credentials: "secret-2" },
            },
          },
        }),
      });
      expect(stream.status).toBe(200);
      const events = sseEvents(await stream.rest());
      expect(events).toHaveLength(5);
      const taskId: string = events[0]!.data.task.id;
      expectHelloEvents(
        events.map((e) => e.data),
        taskId,
        "streamed",
      );

      const received = await receiver.expectExactly(5);
      expectDeliveries(received, taskId, "/hook", {
        "content-type": A2A_JSON,
        // Bearer in its usual spelling, however the config spelled it.
        authorization: "Bearer secret-2",
        "x-a2a-notification-token": undefined,
      });
      expect(receiver.bodies()).toEqual(events.map((e) => e.data));
      expect(received.map((r) => r.headers["a2a-notification-id"])).toEqual(
        events.map((e) => e.id),
      );
    });

    it("follows a running task as it goes; a config made meanwhile gets what follows, a deleted one stops", async () => {
      const { agent, running, receiver } = await start();
      const sent = await rpc(running, "SendMessage", {
        message: userMessage("slow"),
        configuration: {
          returnImmediately: true,
          taskPushNotificationConfig: {
            id: "from-send",
            url: receiver.url("/send"),
            authentication: { scheme: "Bearer", credentials: "secret-send" },
          },
        },
      });
      expect(sent.error).toBeUndefined();
      const taskId: string = sent.result.task.id;
      // Submitted and working are delivered while the task is still working.
      const early = await receiver.waitFor(2);
      expect(receiver.bodies().map(stateOf)).toEqual([
        "TASK_STATE_SUBMITTED",
        "TASK_STATE_WORKING",
      ]);
      expect(await taskState(running, taskId)).toBe("TASK_STATE_WORKING");
      const earlySeqs = expectDeliveries(early, taskId, "/send", {
        authorization: "Bearer secret-send",
      });

      const created = await rpc(running, "CreateTaskPushNotificationConfig", {
        taskId,
        id: "made-later",
        url: receiver.url("/later"),
        authentication: { scheme: "Bearer", credentials: "secret-later" },
      });
      expect(created.error).toBeUndefined();
      const deleted = await rpc(running, "DeleteTaskPushNotificationConfig", {
        taskId,
        id: "from-send",
      });
      expect(deleted.error).toBeUndefined();

      agent.release();
      await until(async () => (await taskState(running, taskId)) === "TASK_STATE_COMPLETED");
      const received = await receiver.expectExactly(5);
      const fromSend = received.filter((r) => r.path === "/send");
      const later = received.filter((r) => r.path === "/later");
      expect(fromSend).toHaveLength(2); // nothing after its deletion
      expect(later).toHaveLength(3); // both artifact chunks and COMPLETED, nothing before
      const laterSeqs = expectDeliveries(later, taskId, "/later", {
        authorization: "Bearer secret-later",
      });
      expect(laterSeqs[0]).toBeGreaterThan(earlySeqs.at(-1)!);
      const laterBodies = later.map((r) => JSON.parse(r.body));
      expect(laterBodies.map(kindOf)).toEqual(["artifactUpdate", "artifactUpdate", "statusUpdate"]);
      expect(laterBodies.at(-1).statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
    });

    it("a canceled task's config gets the cancel, and nothing after", async () => {
      const { agent, running, receiver } = await start();
      const sent = await rpc(running, "SendMessage", {
        message: userMessage("slow"),
        configuration: {
          returnImmediately: true,
          taskPushNotificationConfig: { url: receiver.url() },
        },
      });
      const taskId: string = sent.result.task.id;
      await receiver.waitFor(2);
      const canceled = await rpc(running, "CancelTask", { id: taskId });
      expect(canceled.result.status.state).toBe("TASK_STATE_CANCELED");
      await until(() => agent.aborted.has(taskId));
      agent.release();
      const received = await receiver.expectExactly(3);
      expectDeliveries(received, taskId, "/hook", { authorization: undefined });
      expect(receiver.bodies().map(stateOf)).toEqual([
        "TASK_STATE_SUBMITTED",
        "TASK_STATE_WORKING",
        "TASK_STATE_CANCELED",
      ]);
    });

    it("a follow-up message's config gets the events of the continuation only", async () => {
      const { running, receiver } = await start();
      const asked = await rpc(running, "SendMessage", { message: userMessage("ask") });
      const task = asked.result.task;
      expect(task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
      const continued = await rpc(running, "SendMessage", {
        message: userMessage("again", { taskId: task.id, contextId: task.contextId }),
        configuration: {
          taskPushNotificationConfig: {
            url: receiver.url(),
            authentication: { scheme: "Bearer", credentials: "secret-3" },
          },
        },
      });
      expect(continued.result.task.status.state).toBe("TASK_STATE_COMPLETED");

      await until(() => receiver.bodies().some((b) => stateOf(b) === "TASK_STATE_COMPLETED"));
      const received = await receiver.expectExactly(receiver.received.length);
      expectDeliveries(received, task.id, "/hook", { authorization: "Bearer secret-3" });
      const bodies = receiver.bodies();
      // Nothing of the first run (its task snapshot, INPUT_REQUIRED) is delivered.
      expect(bodies.map(stateOf)).not.toContain("TASK_STATE_INPUT_REQUIRED");
      expect(bodies.map(kindOf)).not.toContain("task");
      const agentEvents = bodies.filter((b) => kindOf(b) !== "message");
      expect(agentEvents.map(kindOf)).toEqual([
        "statusUpdate",
        "artifactUpdate",
        "artifactUpdate",
        "statusUpdate",
      ]);
      expect(agentEvents.at(-1).statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
    });

    it("a 0.3 message/send's config gets the 0.3 task as it stands after each event", async () => {
      const { running, receiver } = await start();
      const sent = await rpc(
        running,
        "message/send",
        {
          message: {
            kind: "message",
            messageId: randomUUID(),
            role: "user",
            parts: [{ kind: "text", text: "hello" }],
          },
          configuration: {
            pushNotificationConfig: {
              url: receiver.url("/v03"),
              token: "tok-03",
              authentication: { schemes: ["Bearer"], credentials: "secret-03" },
            },
          },
        },
        V03,
      );
      expect(sent.error).toBeUndefined();
      expect(sent.result.kind).toBe("task");
      const taskId: string = sent.result.id;

      const received = await receiver.expectExactly(5);
      expectDeliveries(received, taskId, "/v03", {
        "content-type": "application/json",
        authorization: "Bearer secret-03",
        "x-a2a-notification-token": "tok-03",
      });
      const tasks = receiver.bodies();
      for (const task of tasks) {
        expect(task.kind).toBe("task");
        expect(task.id).toBe(taskId);
      }
      expect(tasks.map((t) => t.status.state)).toEqual([
        "submitted",
        "working",
        "working",
        "working",
        "completed",
      ]);
      expect(tasks[2].artifacts.map(textOf)).toEqual(["he"]);
      expect(tasks[3].artifacts.map(textOf)).toEqual(["hello"]);
      expect(tasks[4]).toEqual(sent.result);
    });

    it("a send answered with a message (no task) delivers nothing", async () => {
      const { running, receiver } = await start();
      const sent = await rpc(running, "SendMessage", {
        message: userMessage("message"),
        configuration: { taskPushNotificationConfig: { url: receiver.url() } },
      });
      expect(sent.result.message.role).toBe("ROLE_AGENT");
      await receiver.expectExactly(0);
    });

    it("a send whose config's URL is refused fails before the agent runs", async () => {
      const { agent, running, receiver } = await start();
      const sent = await rpc(running, "SendMessage", {
        message: userMessage("hello"),
        // An internal address that is not allow-listed: the SSRF guard refuses it.
        configuration: { taskPushNotificationConfig: { url: "http://10.0.0.1/hook" } },
      });
      expect(sent.result).toBeUndefined();
      expect(sent.error.code).toBe(-32602);
      expect(agent.principals).toHaveLength(0);
      await receiver.expectExactly(0);
    });
  });
});
