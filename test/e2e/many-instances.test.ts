import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestPostgres,
  type TestPostgres,
} from "../../packages/postgres/test/support/embedded-postgres.js";
import { a2aHeaders, type Json, rpcBody, until, userMessage } from "../harness/client.js";
import {
  exampleDir,
  groupAlive,
  killGroup,
  type Launched,
  launch,
  stop,
  tsxCli,
} from "../harness/example-process.js";
import { openRawStream, type RawStream } from "../harness/raw-stream.js";

/**
 * One agent served by several real processes: examples/express (and, as instance C,
 * examples/koa) started as their READMEs say, with PORT=0, DATABASE_URL naming a database of this file's own and A2A_LEASE_MS=1000, and
 * driven over real HTTP. Streams, cancels, continuations and resumes cross instances; an
 * instance is SIGKILLed; every instance is restarted; the database goes away and comes back.
 *
 * PostgreSQL: a server of the file's own (embedded-postgres), always, for the outage; the
 * other tests use a fresh database on DATABASE_URL's server when that is set, else on it.
 */

// ---------------------------------------------------------------------------------------
// Settings

/** How long a run's lease lasts unless renewed (A2A_LEASE_MS). */
const LEASE_MS = 1000;
/** How long an instance may take to print its ready message. */
const READY_MS = 30_000;
/** How long any one HTTP request may take to be answered. */
const REQUEST_MS = 15_000;
/** How long a stream may take to show an event that is due. */
const EVENT_MS = 5_000;
/** How long a call may take to fail while the database is down. */
const FAIL_FAST_MS = 5_000;
/** How long the instances may take to serve again once the database is back. */
const RECOVERY_MS = 20_000;

/** The example app an instance runs: instance C is the Koa example, the others Express. */
const appOf = (name: string): "express" | "koa" => (name.startsWith("C") ? "koa" : "express");

// ---------------------------------------------------------------------------------------
// Databases

/** A database of the tests' own; `drop` removes it (with the server, when it is ours). */
interface Database {
  url: string;
  drop(): Promise<void>;
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database on the server `serverUrl` points at. */
async function createDatabase(serverUrl: string, prefix: string): Promise<Database> {
  const name = `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

// ---------------------------------------------------------------------------------------
// Instances: examples/express (and examples/koa) processes

interface Instance {
  name: string;
  /** The agent's endpoint, as the instance printed it. */
  endpoint: string;
  /** Its process group (tsx and the node it runs). */
  pid: number;
  launched: Launched;
}

/** Every instance started here, stopped in afterAll. */
const started: Instance[] = [];

/** Starts the instance's example app on the database at `databaseUrl`. */
async function startInstance(name: string, databaseUrl: string): Promise<Instance> {
  const app = appOf(name);
  const dir = exampleDir(app);
  const launched = await launch({
    name: `${app} ${name}`,
    dir,
    args: [tsxCli(dir), "server.ts"],
    readyMs: READY_MS,
    env: { DATABASE_URL: databaseUrl, A2A_LEASE_MS: String(LEASE_MS), PORT: "0" },
  });
  const instance = { name, endpoint: launched.endpoint, pid: launched.child.pid!, launched };
  started.push(instance);
  // Its ready message says its tasks are in that database.
  expect(launched.output()).toMatch(/^Tasks:\s+PostgreSQL \S+$/m);
  expect(launched.output()).toContain(`${new URL(databaseUrl).pathname}\n`);
  return instance;
}

const startInstances = (names: string[], databaseUrl: string) =>
  Promise.all(names.map((name) => startInstance(name, databaseUrl)));

const isAlive = (instance: Instance) => groupAlive(instance.pid);

/** Waits `ms`. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kills an instance's process group with `signal`; resolves once nothing of it is left. */
async function kill(instance: Instance, signal: NodeJS.Signals): Promise<void> {
  killGroup(instance.pid, signal);
  await until(() => !isAlive(instance), 10_000);
}

// ---------------------------------------------------------------------------------------
// JSON-RPC over HTTP

/** A JSON-RPC answer as it came: HTTP status, body text and body. */
interface Answer {
  status: number;
  text: string;
  body: Json;
  ms: number;
}

async function rpc(
  instance: Instance,
  method: string,
  params: unknown,
  timeoutMs = REQUEST_MS,
): Promise<Answer> {
  const startedAt = performance.now();
  const response = await fetch(instance.endpoint, {
    method: "POST",
    headers: a2aHeaders(),
    body: rpcBody(method, params),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: JSON.parse(text),
    ms: performance.now() - startedAt,
  };
}

/** Calls a method that must succeed; its `result`. */
async function call(instance: Instance, method: string, params: unknown): Promise<Json> {
  const { status, body } = await rpc(instance, method, params);
  expect(status, `${method} on ${instance.name}`).toBe(200);
  expect(body.error, `${method} on ${instance.name}`).toBeUndefined();
  return body.result;
}

/** SendMessage of `text` (blocking), with `extra` message fields (taskId, contextId). */
const send = (instance: Instance, text: string, extra: Record<string, unknown> = {}) =>
  call(instance, "SendMessage", { message: userMessage(text, extra) });

const getTask = async (instance: Instance, id: string): Promise<Json> =>
  call(instance, "GetTask", { id });

// ---------------------------------------------------------------------------------------
// SSE streams, read as they arrive

/** One SSE event: its `id:` (`<taskId>:<seq>`), its `data:`, and when it arrived. */
interface Frame {
  id: string;
  seq: number;
  data: Json;
  /** `performance.now()` when the chunk that completed it arrived. */
  at: number;
}

/** A stream read in the background, frame by frame, as the bytes arrive. */
interface Sse {
  frames: Frame[];
  readonly ended: boolean;
  /** The first frame (from `from` on) that `check` accepts; throws after `timeoutMs`. */
  waitFor(check: (frame: Frame) => boolean, timeoutMs?: number, from?: number): Promise<Frame>;
  /** The frame at `index` (0: the first), once it came; throws after `timeoutMs`. */
  nth(index: number, timeoutMs?: number): Promise<Frame>;
  /** Every frame, once the server ended the stream; throws after `timeoutMs`. */
  finished(timeoutMs?: number): Promise<Frame[]>;
  /** Hangs up, as a client going away. */
  close(): void;
}

/** The frames in `buffer` ending with a blank line, and what is left after them. */
function parseFrames(buffer: string, at: number): { frames: Frame[]; rest: string } {
  const frames: Frame[] = [];
  let end = buffer.indexOf("\n\n");
  while (end >= 0) {
    const lines = buffer.slice(0, end).split("\n");
    buffer = buffer.slice(end + 2);
    end = buffer.indexOf("\n\n");
    const id = lines.find((line) => line.startsWith("id: "))?.slice(4);
    const data = lines.find((line) => line.startsWith("data: "))?.slice(6);
    if (data === undefined) continue; // a comment (keep-alive)
    frames.push({ id: id ?? "", seq: seqOf(id ?? ""), data: JSON.parse(data), at });
  }
  return { frames, rest: buffer };
}

/** Reads `raw` to its end in the background, stamping each frame with its arrival time. */
function readSse(raw: RawStream): Sse {
  const frames: Frame[] = [];
  let ended = false;
  void (async () => {
    let buffer = "";
    try {
      for (;;) {
        const chunk = await raw.nextChunk(600_000);
        if (chunk === undefined) break;
        const parsed = parseFrames(buffer + chunk, performance.now());
        buffer = parsed.rest;
        frames.push(...parsed.frames);
      }
    } finally {
      ended = true;
    }
  })();
  return {
    frames,
    get ended() {
      return ended;
    },
    async waitFor(check, timeoutMs = EVENT_MS, from = 0) {
      const found = () => frames.slice(from).find(check);
      await until(() => found() !== undefined || ended, timeoutMs);
      const frame = found();
      if (!frame) throw new Error(`the stream ended without the frame: ${describeFrames(frames)}`);
      return frame;
    },
    async nth(index, timeoutMs = EVENT_MS) {
      await until(() => frames.length > index || ended, timeoutMs);
      const frame = frames[index];
      if (!frame) throw new Error(`the stream ended after ${frames.length} frames`);
      return frame;
    },
    async finished(timeoutMs = EVENT_MS) {
      await until(() => ended, timeoutMs);
      return frames;
    },
    close: () => raw.close(),
  };
}

/** Opens a streaming call (SendStreamingMessage, SubscribeToTask) and reads it as it comes. */
async function openSse(
  instance: Instance,
  method: string,
  params: unknown,
  headers: Record<string, string> = {},
): Promise<Sse> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const raw = await Promise.race([
    openRawStream(instance.endpoint, {
      method: "POST",
      headers: a2aHeaders(headers),
      body: rpcBody(method, params),
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${method}: no answer`)), REQUEST_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  if (raw.headers.get("content-type") !== "text/event-stream") {
    const text = await raw.rest();
    throw new Error(`${method} on ${instance.name} is no stream (${raw.status}): ${text}`);
  }
  return readSse(raw);
}

// ---------------------------------------------------------------------------------------
// Reading events

const seqOf = (eventId: string) => Number(eventId.slice(eventId.lastIndexOf(":") + 1));

const textOf = (parts: { text?: string }[] | undefined) =>
  (parts ?? []).map((part) => part.text ?? "").join("");

/** The status a frame shows: of its task snapshot, or of its status update. */
const statusOf = (data: Json) => data.result?.task?.status ?? data.result?.statusUpdate?.status;
const stateOf = (data: Json): string | undefined => statusOf(data)?.state;
const statusText = (data: Json) => textOf(statusOf(data)?.message?.parts);
const isState = (state: string) => (frame: Frame) => stateOf(frame.data) === state;

/** Is the frame a WORKING status update (not a task snapshot)? */
const isWorkingUpdate = (frame: Frame) =>
  frame.data.result?.statusUpdate?.status?.state === "TASK_STATE_WORKING";

/**
 * What a stream sent, as compared across streams: each frame's id and result (the JSON-RPC
 * envelope around it carries each request's own id).
 */
const wire = (frames: Frame[]) => frames.map((frame) => [frame.id, frame.data.result]);

function describeFrames(frames: Frame[]): string {
  return JSON.stringify(frames.map((f) => [f.id, stateOf(f.data), statusText(f.data)]));
}

/** The frames' sequence numbers run on by one from `first`. */
function expectConsecutive(frames: Frame[], first: number): void {
  expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_, i) => first + i));
}

/** The nearest-rank percentile `q` (0..1) of `values`. */
function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.max(0, Math.ceil(sorted.length * q) - 1)]!;
}

/** A body a client may see: no stack trace, no driver or file details. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\n\s*at |\bat [^\s]+ \(|\.(ts|js|mjs):\d+/);
  expect(text).not.toMatch(/ECONNREFUSED|node_modules|postgres|pg-pool/i);
}

/** Checks a JSON-RPC answer is a spec-shaped InternalError. */
function expectInternalError(answer: Answer, what: string): void {
  expect(answer.status, what).toBe(200);
  expect(answer.body.jsonrpc, what).toBe("2.0");
  expect(answer.body.result, what).toBeUndefined();
  expect(answer.body.error, what).toMatchObject({ code: -32603, message: expect.any(String) });
  expectNoInternals(answer.text);
}

/** Checks a REST answer is a `google.rpc.Status` error with a 5xx status. */
async function expectRestServerError(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status).toBeGreaterThanOrEqual(500);
  expect(response.status).toBeLessThan(600);
  expect(response.headers.get("content-type")).toMatch(/^application\/(a2a\+)?json/);
  expect(JSON.parse(text).error).toMatchObject({
    code: response.status,
    message: expect.any(String),
  });
  expectNoInternals(text);
}

/** GET `<endpoint>/tasks/<id>` over HTTP+JSON. */
const restGetTask = (instance: Instance, id: string, timeoutMs = REQUEST_MS) =>
  fetch(`${instance.endpoint}/tasks/${id}`, {
    headers: { "a2a-version": "1.0" },
    signal: AbortSignal.timeout(timeoutMs),
  });

/** Retries `attempt` until it returns true, every 250 ms, for at most `timeoutMs`. */
async function eventually(attempt: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const startedAt = Date.now();
  for (;;) {
    const done = await attempt().catch(() => false);
    if (done) return Date.now() - startedAt;
    if (Date.now() - startedAt > timeoutMs) throw new Error(`not reached in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// ---------------------------------------------------------------------------------------
// The tests

describe("examples/express: three instances, one agent on one PostgreSQL", () => {
  let postgres: TestPostgres | undefined;
  let shared: Database | undefined;
  /** A, B and C on the shared database (restarted by one test). */
  let a: Instance;
  let b: Instance;
  let c: Instance;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    shared = await createDatabase(process.env.DATABASE_URL || postgres.url, "many_instances");
    [a, b, c] = (await startInstances(["A", "B", "C"], shared.url)) as [
      Instance,
      Instance,
      Instance,
    ];
  }, READY_MS + 30_000);

  afterAll(async () => {
    await Promise.all(started.map((instance) => stop(instance.launched.child)));
    for (const instance of started) expect(isAlive(instance)).toBe(false);
    if (process.env.DATABASE_URL) await shared?.drop();
    await postgres?.remove();
  }, 60_000);

  it("a stream on A and a subscription on B see the same events, in order, within 100 ms", async () => {
    const stream = await openSse(a, "SendStreamingMessage", { message: userMessage("/slow 3") });
    const first = await stream.nth(0);
    const taskId: string = first.data.result.task.id;
    const subscription = await openSse(b, "SubscribeToTask", { id: taskId });

    const onA = await stream.finished(10_000);
    const onB = await subscription.finished(EVENT_MS);
    expect(onA.every((frame) => frame.id.startsWith(`${taskId}:`))).toBe(true);
    expectConsecutive(onA, 1);
    expect(stateOf(onA.at(-1)!.data)).toBe("TASK_STATE_COMPLETED");

    // B starts with the task as it was when it subscribed, then gets every later event A got.
    const snapshot = onB[0]!;
    expect(snapshot.data.result.task.id).toBe(taskId);
    expect(onA.map((frame) => frame.seq)).toContain(snapshot.seq);
    const later = onA.filter((frame) => frame.seq > snapshot.seq);
    expect(wire(onB.slice(1))).toEqual(wire(later));

    const delays = onB
      .slice(1)
      .filter(isWorkingUpdate)
      .map((frame) => frame.at - onA.find((on) => on.id === frame.id)!.at);
    expect(delays.length).toBeGreaterThanOrEqual(3); // 1/3 s, 2/3 s, 3/3 s at least
    const p50 = percentile(delays, 0.5);
    const p99 = percentile(delays, 0.99);
    console.log(
      `A's stream to B's subscription, ${delays.length} WORKING events: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
    );
    expect(p99).toBeLessThan(100);
  }, 20_000);

  it("CancelTask on B cancels a task whose agent runs on A, and A's agent stops", async () => {
    const stream = await openSse(a, "SendStreamingMessage", { message: userMessage("/slow 30") });
    const taskId: string = (await stream.nth(0)).data.result.task.id;
    await stream.waitFor((frame) => statusText(frame.data) === "1/30 s");
    const subscription = await openSse(b, "SubscribeToTask", { id: taskId });
    await subscription.nth(0);

    const askedAt = performance.now();
    const canceled = await call(b, "CancelTask", { id: taskId });
    expect(canceled.id).toBe(taskId);
    expect(canceled.status.state).toBe("TASK_STATE_CANCELED");

    const onA = await stream.finished(EVENT_MS);
    const onB = await subscription.finished(EVENT_MS);
    const canceledOnA = onA.findIndex(isState("TASK_STATE_CANCELED"));
    expect(canceledOnA, describeFrames(onA)).toBe(onA.length - 1);
    expect(stateOf(onB.at(-1)!.data)).toBe("TASK_STATE_CANCELED");
    expect(onB.at(-1)!.id).toBe(onA.at(-1)!.id);
    console.log(`cancel on B reached A's stream in ${(onA.at(-1)!.at - askedAt).toFixed(1)} ms`);

    // A's agent stopped: a second and a half on (more than one /slow step), nothing has
    // been written after CANCELED, and the task is still CANCELED.
    await sleep(1500);
    const after = await openSse(
      a,
      "SubscribeToTask",
      { id: taskId },
      {
        "last-event-id": onA.at(-1)!.id,
      },
    );
    expect(await after.finished(EVENT_MS)).toEqual([]);
    expect((await getTask(a, taskId)).status.state).toBe("TASK_STATE_CANCELED");
  }, 20_000);

  it("an input-required task started on A is continued on B, and completes", async () => {
    const asked = await send(a, "/input");
    const { id: taskId, contextId } = asked.task;
    expect(asked.task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");

    const answered = await send(b, "Ada", { taskId, contextId });
    expect(answered.task.id).toBe(taskId);
    expect(answered.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(textOf(answered.task.status.message.parts)).toBe("Thanks! You answered: Ada");

    const onC = await getTask(c, taskId);
    expect(onC.status.state).toBe("TASK_STATE_COMPLETED");
    expect(onC.history.map((message: Json) => textOf(message.parts))).toEqual(
      expect.arrayContaining(["/input", "Ada"]),
    );
  }, 20_000);

  it("Last-Event-ID resumes a stream of A's on B and on C with exactly the events missed", async () => {
    const stream = await openSse(a, "SendStreamingMessage", { message: userMessage("/slow 2") });
    const taskId: string = (await stream.nth(0)).data.result.task.id;
    const last = await stream.nth(1);
    stream.close();
    const resume = (instance: Instance) =>
      openSse(instance, "SubscribeToTask", { id: taskId }, { "last-event-id": last.id });

    const [onB, onC] = await Promise.all(
      [b, c].map(async (instance) => (await resume(instance)).finished(10_000)),
    );
    // What the task's log holds after that event, read once it is over.
    const reference = await (await resume(a)).finished(EVENT_MS);

    expectConsecutive(reference, last.seq + 1);
    expect(reference.map((frame) => statusText(frame.data))).toEqual([
      "1/2 s",
      "2/2 s",
      "Done after 2 s.",
    ]);
    expect(wire(onB!)).toEqual(wire(reference));
    expect(wire(onC!)).toEqual(wire(reference));
  }, 20_000);

  it(
    "fails, on B, a task whose instance A was SIGKILLed, once A's lease lapses",
    async () => {
      const doomed = await startInstance("A (doomed)", shared!.url);
      const stream = await openSse(doomed, "SendStreamingMessage", {
        message: userMessage("/slow 60"),
      });
      const taskId: string = (await stream.nth(0)).data.result.task.id;
      await stream.waitFor((frame) => statusText(frame.data) === "1/60 s");
      const subscription = await openSse(b, "SubscribeToTask", { id: taskId });
      await subscription.nth(0);

      const killedAt = performance.now();
      await kill(doomed, "SIGKILL");
      const failed = await subscription.waitFor(isState("TASK_STATE_FAILED"), LEASE_MS + 4000);
      console.log(
        `SIGKILL to FAILED on B's subscription: ${(failed.at - killedAt).toFixed(0)} ms (lease ${LEASE_MS} ms)`,
      );
      expect(statusText(failed.data)).toMatch(/run was lost.*server.*stopped/);
      await subscription.finished(EVENT_MS);
      expect(subscription.frames.at(-1)).toBe(failed);
      // The stream A served ended with A's process, before any FAILED.
      const onDoomed = await stream.finished(EVENT_MS);
      expect(onDoomed.some(isState("TASK_STATE_FAILED"))).toBe(false);

      const task = await getTask(b, taskId);
      expect(task.status.state).toBe("TASK_STATE_FAILED");
      expect(textOf(task.status.message.parts)).toBe(statusText(failed.data));
    },
    READY_MS + 20_000,
  );

  it(
    "every instance restarted: tasks, their events and input-required tasks carry on",
    async () => {
      const completed = (await send(a, "hello world")).task;
      const waiting = (await send(b, "/input")).task;
      expect(completed.status.state).toBe("TASK_STATE_COMPLETED");
      expect(waiting.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
      const before = await Promise.all([getTask(c, completed.id), getTask(c, waiting.id)]);
      const resumeCompleted = async (instance: Instance) =>
        (
          await openSse(
            instance,
            "SubscribeToTask",
            { id: completed.id },
            {
              "last-event-id": `${completed.id}:1`,
            },
          )
        ).finished(EVENT_MS);
      const eventsBefore = await resumeCompleted(c);

      await Promise.all(started.filter(isAlive).map((instance) => kill(instance, "SIGKILL")));
      [a, b, c] = (await startInstances(["A2", "B2", "C2"], shared!.url)) as [
        Instance,
        Instance,
        Instance,
      ];

      // Everything of both tasks, as it was: status, history, artifacts.
      expect(await getTask(a, completed.id)).toEqual(before[0]);
      expect(await getTask(a, waiting.id)).toEqual(before[1]);
      expect(before[0].artifacts).toHaveLength(1);
      expect(textOf(before[0].artifacts[0].parts)).toBe("hello world");
      expect(before[0].history.map((message: Json) => textOf(message.parts))).toContain(
        "hello world",
      );
      expect(before[1].history.map((message: Json) => textOf(message.parts))).toContain("/input");
      expect(textOf(before[1].status.message.parts)).toBe("What is your name? Reply on this task.");

      const eventsAfter = await resumeCompleted(b);
      expectConsecutive(eventsAfter, 2);
      expect(stateOf(eventsAfter.at(-1)!.data)).toBe("TASK_STATE_COMPLETED");
      expect(wire(eventsAfter)).toEqual(wire(eventsBefore));

      const answered = await send(c, "Grace", { taskId: waiting.id, contextId: waiting.contextId });
      expect(answered.task.status.state).toBe("TASK_STATE_COMPLETED");
      expect(textOf(answered.task.status.message.parts)).toBe("Thanks! You answered: Grace");
    },
    READY_MS + 30_000,
  );

  it(
    "through a database outage: spec-shaped errors, no process exits, then service again",
    async () => {
      const database = await createDatabase(postgres!.url, "outage");
      const pair = await startInstances(["P", "Q"], database.url);
      const [p, q] = pair as [Instance, Instance];
      const earlier = (await send(p, "before the outage")).task;
      expect(earlier.status.state).toBe("TASK_STATE_COMPLETED");

      // Every instance up now (P and Q; A, B and C too, whose database may be on this server).
      const up = started.filter(isAlive);
      await postgres!.stop();
      try {
        const sent = await rpc(p, "SendMessage", { message: userMessage("during") }, FAIL_FAST_MS);
        expectInternalError(sent, "SendMessage while the database is down");
        const got = await rpc(q, "GetTask", { id: earlier.id }, FAIL_FAST_MS);
        expectInternalError(got, "GetTask while the database is down");
        await expectRestServerError(await restGetTask(p, earlier.id, FAIL_FAST_MS));
        console.log(
          `while the database is down: SendMessage answered in ${sent.ms.toFixed(0)} ms, GetTask in ${got.ms.toFixed(0)} ms`,
        );
        // Give a process that would crash on a lost connection time to do so.
        await sleep(1000);
        for (const instance of up) {
          expect(isAlive(instance), `${instance.name} alive`).toBe(true);
        }
      } finally {
        await postgres!.start();
      }

      for (const instance of up) {
        const ms = await eventually(async () => {
          const { body } = await rpc(instance, "SendMessage", { message: userMessage("after") });
          return body.result?.task?.status?.state === "TASK_STATE_COMPLETED";
        }, RECOVERY_MS);
        console.log(`${instance.name} served a SendMessage again ${ms} ms after the restart`);
      }
      for (const instance of pair) {
        expect((await getTask(instance, earlier.id)).status.state).toBe("TASK_STATE_COMPLETED");
        expect((await restGetTask(instance, earlier.id)).status).toBe(200);
      }
    },
    READY_MS + 60_000,
  );
});
