import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { PushReplayCache, verifyPushNotification } from "@a2a-mount/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestPostgres,
  type TestPostgres,
} from "../../packages/postgres/test/support/embedded-postgres.js";
import { a2aHeaders, type Json, rpcBody, until, userMessage } from "../harness/client.js";
import {
  type Example,
  exampleDir,
  groupAlive,
  type Launched,
  launch,
  stop,
  tsxCli,
} from "../harness/example-process.js";
import { openRawStream, type RawStream } from "../harness/raw-stream.js";

/**
 * Each example started the way its README says (`npm start`, `npm run example:koa`,
 * `npm run example:next` run these same commands in the example's directory), with PORT=0,
 * and the demo agent checked over the URLs it prints.
 */
const examples: Example[] = [
  {
    name: "express",
    dir: exampleDir("express"),
    args: [tsxCli(exampleDir("express")), "server.ts"],
    readyMs: 30_000,
    env: { A2A_PUSH_ALLOW_HOSTS: "127.0.0.1" },
  },
  {
    name: "koa",
    dir: exampleDir("koa"),
    args: [tsxCli(exampleDir("koa")), "server.ts"],
    readyMs: 30_000,
    env: { A2A_PUSH_ALLOW_HOSTS: "127.0.0.1" },
  },
  {
    name: "next",
    dir: exampleDir("next"),
    args: ["start.mjs"],
    readyMs: 180_000,
    env: { A2A_PUSH_ALLOW_HOSTS: "127.0.0.1" },
  },
];

/** All the `data:` events of an SSE stream, up to its end. */
async function allEvents(stream: RawStream, timeoutMs = 5000): Promise<Json[]> {
  const events: Json[] = [];
  for (;;) {
    const event = await stream.nextEvent(timeoutMs);
    if (event === undefined) return events;
    events.push(event);
  }
}

/** The `data:` events of SSE text. */
function sseEvents(text: string): Json[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)));
}

const textOf = (parts: { text?: string }[] | undefined) =>
  (parts ?? []).map((part) => part.text ?? "").join("");

/** Checks a SendStreamingMessage of "hello world": two chunks of one artifact, completed. */
function expectEchoStream(events: Json[]): void {
  const results = events.map((event) => event.result);
  expect(results[0].task.status.state).toBe("TASK_STATE_SUBMITTED");
  const chunks = results.filter((r) => r.artifactUpdate).map((r) => r.artifactUpdate);
  expect(chunks).toHaveLength(2);
  expect(chunks[0].append).toBeFalsy();
  expect(chunks[0].lastChunk).toBeFalsy();
  expect(chunks[1]).toMatchObject({ append: true, lastChunk: true });
  expect(chunks[1].artifact.artifactId).toBe(chunks[0].artifact.artifactId);
  expect(chunks.map((c) => textOf(c.artifact.parts)).join("")).toBe("hello world");
  expect(results.at(-1).statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
}

describe.each(examples)("examples/$name, started as its README says", (example) => {
  let launched: Launched | undefined;
  let endpoint = "";

  beforeAll(async () => {
    launched = await launch(example);
    endpoint = launched.endpoint;
  }, example.readyMs + 20_000);

  afterAll(async () => {
    if (!launched) return;
    const { child } = launched;
    await stop(child);
    expect(groupAlive(child.pid!)).toBe(false);
  }, 20_000);

  const post = (url: string, body: string) =>
    fetch(url, { method: "POST", headers: a2aHeaders(), body });
  const call = async (method: string, params: unknown): Promise<Json> => {
    const response = await post(endpoint, rpcBody(method, params));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.error).toBeUndefined();
    return body.result;
  };
  const send = (text: string, extra: Record<string, unknown> = {}, configuration?: unknown) =>
    call("SendMessage", {
      message: userMessage(text, extra),
      ...(configuration === undefined ? {} : { configuration }),
    });

  it("prints the real port, and the card at the root names the printed endpoint", async () => {
    const { card, output } = launched!;
    const origin = new URL(endpoint).origin;
    expect(Number(new URL(endpoint).port)).toBeGreaterThan(0);
    expect(card).toBe(`${origin}/.well-known/agent-card.json`);
    expect(output()).toContain("A2A demo agent ready.");
    const response = await fetch(card, { headers: { "a2a-version": "1.0" } });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.name).toBe("a2a-mount demo agent");
    expect(body.capabilities.streaming).toBe(true);
    expect(body.supportedInterfaces).toEqual([
      { url: endpoint, protocolBinding: "JSONRPC", protocolVersion: "1.0" },
      { url: endpoint, protocolBinding: "HTTP+JSON", protocolVersion: "1.0" },
    ]);
  });

  it("the printed curl command works as printed", async () => {
    const { curl } = launched!;
    expect(curl.endsWith(` ${endpoint}`)).toBe(true);
    const { stdout } = await promisify(execFile)("sh", ["-c", curl], { timeout: 10_000 });
    expect(stdout).toContain("TASK_STATE_COMPLETED");
    expectEchoStream(sseEvents(stdout));
  });

  it("echoes text as one artifact streamed in two chunks, then completes", async () => {
    const stream = await openRawStream(endpoint, {
      method: "POST",
      headers: a2aHeaders(),
      body: rpcBody("SendStreamingMessage", { message: userMessage("hello world") }),
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    const events = await allEvents(stream);
    expectEchoStream(events);
    const task = await call("GetTask", { id: events[0].result.task.id });
    expect(task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(task.artifacts).toHaveLength(1);
    expect(textOf(task.artifacts[0].parts)).toBe("hello world");
  });

  it("/message answers with a plain message, no task", async () => {
    const result = await send("/message hi");
    expect(result.task).toBeUndefined();
    expect(result.message.role).toBe("ROLE_AGENT");
    expect(textOf(result.message.parts)).toBe("hi");
    expect(result.message.taskId).toBeUndefined();
  });

  it("/slow reports progress to a subscriber each second, and cancels", async () => {
    const sentAt = Date.now();
    const sent = await send("/slow 30", {}, { returnImmediately: true });
    const taskId: string = sent.task.id;
    // Returned at once: the task exists and is not finished.
    expect(["TASK_STATE_SUBMITTED", "TASK_STATE_WORKING"]).toContain(sent.task.status.state);
    expect(Date.now() - sentAt).toBeLessThan(900);

    const subscription = await openRawStream(endpoint, {
      method: "POST",
      headers: a2aHeaders(),
      body: rpcBody("SubscribeToTask", { id: taskId }),
    });
    try {
      expect(subscription.status).toBe(200);
      expect(subscription.headers.get("content-type")).toBe("text/event-stream");
      const snapshot = ((await subscription.nextEvent()) as Json).result.task;
      expect(snapshot.id).toBe(taskId);
      expect(["TASK_STATE_SUBMITTED", "TASK_STATE_WORKING"]).toContain(snapshot.status.state);

      // Status updates until the first progress report, which comes a second in.
      let progress: Json;
      for (;;) {
        const event = (await subscription.nextEvent(3000)) as Json;
        expect(event, "the subscription ended before any progress").toBeDefined();
        const update = event.result.statusUpdate;
        expect(update.taskId).toBe(taskId);
        expect(update.status.state).toBe("TASK_STATE_WORKING");
        const text = textOf(update.status.message?.parts);
        if (text === "1/30 s") {
          progress = update;
          break;
        }
        expect(text).toBe("Working for 30 s");
      }
      const elapsed = Date.now() - sentAt;
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(elapsed).toBeLessThan(3000);
      expect(progress.status.state).toBe("TASK_STATE_WORKING");

      const canceled = await call("CancelTask", { id: taskId });
      expect(canceled.id).toBe(taskId);
      expect(canceled.status.state).toBe("TASK_STATE_CANCELED");

      const rest = await allEvents(subscription);
      expect(rest.length).toBeGreaterThanOrEqual(1);
      const last = rest.at(-1).result.statusUpdate;
      expect(last.taskId).toBe(taskId);
      expect(last.status.state).toBe("TASK_STATE_CANCELED");
      // Nothing but that final update (and no more progress) after the cancel.
      for (const event of rest.slice(0, -1)) {
        expect(textOf(event.result.statusUpdate?.status.message?.parts)).toMatch(/^\d+\/30 s$/);
      }
      const got = await call("GetTask", { id: taskId });
      expect(got.status.state).toBe("TASK_STATE_CANCELED");
    } finally {
      subscription.close();
    }
  });

  it("/input asks for input and completes with the answer on the same task", async () => {
    const first = await send("/input");
    const { id: taskId, contextId } = first.task;
    expect(first.task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    expect(textOf(first.task.status.message.parts)).toBe("What is your name? Reply on this task.");
    const second = await send("Ada", { taskId, contextId });
    expect(second.task.id).toBe(taskId);
    expect(second.task.contextId).toBe(contextId);
    expect(second.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(textOf(second.task.status.message.parts)).toBe("Thanks! You answered: Ada");
    expect(second.task.history.map((m: Json) => textOf(m.parts))).toEqual(
      expect.arrayContaining(["/input", "Ada"]),
    );
  });

  it("/fail fails and /reject rejects, each with a status message", async () => {
    const failed = await send("/fail");
    expect(failed.task.status.state).toBe("TASK_STATE_FAILED");
    expect(textOf(failed.task.status.message.parts)).toBe("Failed on purpose (/fail).");
    const rejected = await send("/reject");
    expect(rejected.task.status.state).toBe("TASK_STATE_REJECTED");
    expect(textOf(rejected.task.status.message.parts)).toBe("Rejected on purpose (/reject).");
  });

  it("/help lists the commands in a message", async () => {
    const result = await send("/help");
    expect(result.task).toBeUndefined();
    const lines = textOf(result.message.parts).split("\n");
    const commands = lines.map((line) => line.split(/\s+/)[0]);
    expect(commands).toEqual(["<any", "/message", "/slow", "/input", "/fail", "/reject", "/help"]);
  });

  it("answers JSON-RPC and HTTP+JSON from the same task store", async () => {
    const sent = await send("hi there");
    expect(sent.task.status.state).toBe("TASK_STATE_COMPLETED");
    const response = await fetch(`${endpoint}/tasks/${sent.task.id}`, {
      headers: { "a2a-version": "1.0" },
    });
    expect(response.status).toBe(200);
    const task = await response.json();
    expect(task.id).toBe(sent.task.id);
    expect(textOf(task.artifacts[0].parts)).toBe("hi there");

    const restSent = await post(
      `${endpoint}/message:send`,
      JSON.stringify({ message: userMessage("over rest") }),
    );
    expect(restSent.status).toBe(200);
    const { task: restTask } = await restSent.json();
    const got = await call("GetTask", { id: restTask.id });
    expect(got.status.state).toBe("TASK_STATE_COMPLETED");
    expect(textOf(got.artifacts[0].parts)).toBe("over rest");
  });

  it("delivers push notifications to an allow-listed receiver, signed with the keys it serves", async () => {
    const received: Array<{ body: string; headers: Record<string, string> }> = [];
    const receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        received.push({ body, headers: request.headers as Record<string, string> });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const card = await (
        await fetch(launched!.card, { headers: { "a2a-version": "1.0" } })
      ).json();
      expect(card.capabilities.pushNotifications).toBe(true);
      const result = await send("hello world", {}, { taskPushNotificationConfig: { url: hook } });
      expect(result.task.status.state).toBe("TASK_STATE_COMPLETED");
      await until(() => received.length >= 5, 10_000);
      const replayCache = new PushReplayCache();
      const bodies = [];
      for (const delivery of received) {
        const verified = await verifyPushNotification(
          new Request(hook, { method: "POST", headers: delivery.headers, body: delivery.body }),
          {
            jwksUrl: `${endpoint}/.well-known/jwks.json`,
            audience: hook,
            issuer: endpoint,
            replayCache,
          },
        );
        bodies.push(verified.body as Json);
      }
      expect(bodies.map((body) => Object.keys(body)[0])).toEqual([
        "task",
        "statusUpdate",
        "artifactUpdate",
        "artifactUpdate",
        "statusUpdate",
      ]);
    } finally {
      receiver.closeAllConnections();
      receiver.close();
    }
  });

  it("answers the core's errors, not the host's", async () => {
    const malformed = await post(endpoint, "{not json");
    expect(malformed.status).toBe(200);
    expect((await malformed.json()).error.code).toBe(-32700);
    const missing = await fetch(`${endpoint}/tasks/nope`, { headers: { "a2a-version": "1.0" } });
    expect(missing.status).toBe(404);
    const body = await missing.json();
    expect(body.error.code).toBe(404);
    expect(body.error.status).toBe("NOT_FOUND");
  });
});

/**
 * The Next.js example with DATABASE_URL (built and started as `npm run example:next` does,
 * after the examples above, so no two `next build`s run at once): its tasks are rows of the
 * database, and they outlive the process.
 */
describe("examples/next on PostgreSQL (DATABASE_URL)", () => {
  const next = examples.find((example) => example.name === "next")!;
  let postgres: TestPostgres | undefined;
  let launched: Launched | undefined;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    launched = await launch({ ...next, env: { DATABASE_URL: postgres.url } });
  }, next.readyMs + 30_000);

  afterAll(async () => {
    if (launched) await stop(launched.child);
    await postgres?.remove();
  }, 30_000);

  const send = async (text: string, extra: Record<string, unknown> = {}): Promise<Json> => {
    const response = await fetch(launched!.endpoint, {
      method: "POST",
      headers: a2aHeaders(),
      body: rpcBody("SendMessage", { message: userMessage(text, extra) }),
    });
    const body = await response.json();
    expect(body.error).toBeUndefined();
    return body.result.task;
  };

  it("says its tasks are in PostgreSQL, and keeps them there, continuation included", async () => {
    expect(launched!.output()).toMatch(/^Tasks:\s+PostgreSQL 127\.0\.0\.1:\d+\/postgres$/m);
    const asked = await send("/input");
    expect(asked.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    const answered = await send("Grace", { taskId: asked.id, contextId: asked.contextId });
    expect(answered.status.state).toBe("TASK_STATE_COMPLETED");
    const client = new pg.Client({ connectionString: postgres!.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        "SELECT state, version FROM a2a_tasks WHERE task_id = $1",
        [asked.id],
      );
      // Created, asked for input, the answer joined, completed: every event a row's version.
      expect(rows).toHaveLength(1);
      expect(rows[0].state).toBe("TASK_STATE_COMPLETED");
      expect(rows[0].version).toBeGreaterThanOrEqual(4);
    } finally {
      await client.end();
    }
  });
});
