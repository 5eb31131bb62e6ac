import {
  type A2A,
  createA2A,
  type PushDeliveryFailure,
  type RequestContext,
  silentLogger,
  type TaskHelper,
  type TaskKey,
  type WebhookSender,
} from "@a2a-mount/core";
import { webhookSender } from "@a2a-mount/core/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Answer, PushReceiver } from "../../core/test/push-receiver.js";
import { createPostgresTaskStore, type PostgresTaskStore } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import { sleep, waitUntil } from "./support/fixtures.js";
import { type Json, message, rpc } from "./support/instances.js";

/**
 * Push deliveries kept in PostgreSQL: configs and their progress outlive the instance that
 * made them, and each config is delivered by one instance at a time. Every instance here is
 * a `createA2A` on its own store over one database (a schema per test), delivering to real
 * receivers on 127.0.0.1.
 */
let database: TestDatabase;
let schemas = 0;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** Everything a test opened, closed after it (instances first: they deliver to receivers). */
const instances: PushInstance[] = [];
const receivers: PushReceiver[] = [];
afterEach(async () => {
  await Promise.all(instances.splice(0).map((instance) => instance.close()));
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  channels.clear();
});

async function receiver(answers: Answer[] = []): Promise<PushReceiver> {
  const started = await PushReceiver.start(answers);
  receivers.push(started);
  return started;
}

/** Words for the `steps` agent, by channel name: each one it reads is one more event. */
const channels = new Map<string, { words: string[]; wake?: () => void }>();

function channel(name: string) {
  let found = channels.get(name);
  if (!found) {
    found = { words: [] };
    channels.set(name, found);
  }
  return found;
}

/** Gives the `steps` agent reading `name` its next word. */
function say(name: string, word: string): void {
  const found = channel(name);
  found.words.push(word);
  found.wake?.();
}

async function nextWord(name: string, signal: AbortSignal): Promise<string | undefined> {
  const found = channel(name);
  while (found.words.length === 0) {
    if (signal.aborted) return undefined;
    await new Promise<void>((resolve) => {
      found.wake = resolve;
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    found.wake = undefined;
  }
  return found.words.shift();
}

/**
 * The agent. `emit <n> [ms]`: WORKING, `n` artifacts (`ms` apart), COMPLETED. `steps <name>`:
 * WORKING, then an artifact per word said on channel `name`, COMPLETED on "finish".
 */
async function execute(ctx: RequestContext, task: TaskHelper): Promise<void> {
  const [verb, arg, ms] = ctx.text.split(" ");
  await task.working();
  if (verb === "emit") {
    for (let i = 1; i <= Number(arg); i++) {
      if (ms) await sleep(Number(ms));
      await task.artifact(`part ${i}`);
    }
  } else if (verb === "steps") {
    for (;;) {
      const word = await nextWord(arg!, ctx.signal);
      if (word === undefined) return;
      if (word === "finish") break;
      await task.artifact(word);
    }
  }
  await task.complete();
}

const baseSender = webhookSender({ allowHosts: ["127.0.0.1"] });

/** One server instance: an agent with push, on its own store over the test's schema. */
interface PushInstance {
  name: string;
  a2a: A2A;
  store: PostgresTaskStore;
  /** The delivery id of every POST this instance made, in order. */
  posts: string[];
  failures: PushDeliveryFailure[];
  close(): Promise<void>;
}

async function openInstance(
  name: string,
  schema: string,
  options: { leaseMs: number; pollIntervalMs?: number },
): Promise<PushInstance> {
  const store = await createPostgresTaskStore({
    connectionString: database.url,
    schema,
    logger: silentLogger,
    pollIntervalMs: options.pollIntervalMs,
  });
  const posts: string[] = [];
  const failures: PushDeliveryFailure[] = [];
  // The real sender, telling the test which instance made each attempt.
  const sender: WebhookSender = {
    check: (url) => baseSender.check(url),
    post: (request) => {
      posts.push(request.headers["a2a-notification-id"]!);
      return baseSender.post(request);
    },
  };
  const a2a = createA2A({
    card: {
      name: "push",
      description: "test",
      version: "1.0.0",
      skills: [{ id: "work", name: "Work", description: "Works", tags: ["test"] }],
    },
    executor: execute,
    taskStore: store,
    basePath: "/a2a",
    logger: silentLogger,
    leaseMs: options.leaseMs,
    push: {
      sender,
      retryBaseMs: 100,
      retryMaxMs: 200,
      maxConsecutiveFailures: 50,
      timeoutMs: 5000,
      onDeliveryFailure: (failure) => failures.push(failure),
    },
  });
  const instance: PushInstance = {
    name,
    a2a,
    store,
    posts,
    failures,
    close: () => store.close(),
  };
  instances.push(instance);
  return instance;
}

/** The key of a task made by an anonymous caller with no tenant. */
const keyOf = (taskId: string): TaskKey => ({ tenant: "", owner: "", taskId });

/** The sequence number a delivery id names (`<taskId>:<seq>`). */
const seqOf = (id: string): number => Number(id.slice(id.lastIndexOf(":") + 1));

const ids = (hook: PushReceiver): string[] =>
  hook.received.map((r) => r.headers["a2a-notification-id"] as string);

const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

async function sendWithPush(instance: PushInstance, text: string, url: string): Promise<Json> {
  const sent = await rpc(instance.a2a, "SendMessage", {
    message: message(text),
    configuration: { taskPushNotificationConfig: { url } },
  });
  expect(sent.error).toBeUndefined();
  return sent.result.task;
}

describe("push deliveries on PostgreSQL", () => {
  it("are taken up by another instance when the one retrying them stops, none lost, in order", async () => {
    const schema = `push_restart_${++schemas}`;
    const failFirst = 4;
    const hook = await receiver(Array.from({ length: failFirst }, () => ({ status: 503 })));
    const a = await openInstance("A", schema, { leaseMs: 600 });
    const task = await sendWithPush(a, "emit 3", hook.url());
    expect(task.status.state).toBe("TASK_STATE_COMPLETED");
    const key = keyOf(task.id);
    const n = (await a.store.get(key))!.version;
    expect(n).toBe(6); // task, working, three artifacts, completed

    // A is retrying the first event: it stops there, as a crash would leave it.
    await hook.waitFor(2, 5000);
    await a.close();
    expect(a.failures.map((f) => f.outcome)).toContain("retrying");
    expect(a.failures.every((f) => f.deliveryId === `${task.id}:1`)).toBe(true);

    // B starts on the same database: once A's claim lapses, it delivers everything.
    const b = await openInstance("B", schema, { leaseMs: 600 });
    const succeeded = () => {
      // The receiver answered the first `failFirst` requests 503, every later one 200.
      const ok = new Set(ids(hook).filter((_, i) => i >= failFirst));
      return range(1, n).every((seq) => ok.has(`${task.id}:${seq}`));
    };
    await waitUntil(succeeded, 10_000, "every event to be delivered");
    // Nothing more comes afterwards (a lapsed claim of B's own, a late look, ...).
    await sleep(1000);

    const received = ids(hook);
    const statuses = received.map((_, i) => (i < failFirst ? 503 : 200));
    const successes = received.filter((_, i) => statuses[i] === 200);
    expect(new Set(successes)).toEqual(new Set(range(1, n).map((seq) => `${task.id}:${seq}`)));
    // The last success of each event comes in event order.
    const lastSuccess = range(1, n).map((seq) => received.lastIndexOf(`${task.id}:${seq}`));
    expect(lastSuccess).toEqual([...lastSuccess].sort((x, y) => x - y));
    expect(statuses[lastSuccess[0]!]).toBe(200);
    // An event delivered twice can only be one A had in flight when it stopped.
    const twice = new Set(successes.filter((id, i) => successes.indexOf(id) !== i));
    for (const id of twice) expect(a.posts, `${id} delivered twice`).toContain(id);
    // B went through the log from the first event, in order, retrying as needed.
    expect(b.posts.length).toBeGreaterThanOrEqual(n);
    expect([...new Set(b.posts)].map(seqOf)).toEqual(range(1, n));
    expect(b.posts.map(seqOf)).toEqual([...b.posts.map(seqOf)].sort((x, y) => x - y));
    // The config's progress is stored: all delivered, no failure outstanding.
    const [config] = (await b.store.pushConfigs.list(key, { pageSize: 10 })).records;
    expect(config).toMatchObject({ deliveredSeq: n, failures: 0 });
    expect(config!.disabled).toBeUndefined();
    expect(await b.store.pushConfigs.claims.pending(10)).toEqual([]);
  });

  it("follow a config set again through B while A retries it: the new URL gets them", async () => {
    const schema = `push_reset_${++schemas}`;
    const dead = await receiver(Array.from({ length: 100 }, () => ({ status: 503 })));
    const fixed = await receiver();
    const a = await openInstance("A", schema, { leaseMs: 60_000 });
    const b = await openInstance("B", schema, { leaseMs: 60_000 });
    const task = await sendWithPush(a, "emit 1", dead.url());
    await dead.waitFor(2);
    const [config] = (await b.store.pushConfigs.list(keyOf(task.id), { pageSize: 10 })).records;
    const reset = await rpc(b.a2a, "CreateTaskPushNotificationConfig", {
      taskId: task.id,
      id: config!.config.id,
      url: fixed.url(),
    });
    expect(reset.error).toBeUndefined();
    await fixed.waitFor(4);
    expect(ids(fixed).map(seqOf)).toEqual([1, 2, 3, 4]);
    const shown = await rpc(b.a2a, "GetTaskPushNotificationConfig", {
      taskId: task.id,
      id: config!.config.id,
    });
    expect(shown.result.url).toBe(fixed.url());
    expect(shown.result.deliveryStatus).toBeUndefined();
  });

  it("stop when B deletes the config A is retrying", async () => {
    const schema = `push_delete_${++schemas}`;
    const dead = await receiver(Array.from({ length: 100 }, () => ({ status: 503 })));
    const a = await openInstance("A", schema, { leaseMs: 60_000 });
    const b = await openInstance("B", schema, { leaseMs: 60_000 });
    const task = await sendWithPush(a, "emit 1", dead.url());
    await dead.waitFor(2);
    const [config] = (await b.store.pushConfigs.list(keyOf(task.id), { pageSize: 10 })).records;
    await rpc(b.a2a, "DeleteTaskPushNotificationConfig", {
      taskId: task.id,
      id: config!.config.id,
    });
    const after = dead.received.length;
    await sleep(1000);
    // At most the attempt that was in flight, none after it.
    expect(dead.received.length).toBeLessThanOrEqual(after + 1);
  });

  it("are handed over by an instance that closes: another takes them up at its next look", async () => {
    const schema = `push_close_${++schemas}`;
    const hook = await receiver(Array.from({ length: 3 }, () => ({ status: 503 })));
    const a = await openInstance("A", schema, { leaseMs: 60_000 });
    const b = await openInstance("B", schema, { leaseMs: 600 });
    const task = await sendWithPush(a, "emit 1", hook.url());
    await hook.waitFor(2);
    await a.a2a.close({ graceMs: 0 });
    const handedOver = Date.now();
    await waitUntil(() => ids(hook).length >= 3 + 4, 5000);
    // Far sooner than A's claim (60 s) could have lapsed.
    expect(Date.now() - handedOver).toBeLessThan(5000);
    expect(b.posts.length).toBeGreaterThan(0);
    const delivered = hook.received
      .filter((_, i) => i >= 3)
      .map((r) => seqOf(r.headers["a2a-notification-id"] as string));
    expect(delivered).toEqual([1, 2, 3, 4]);
    expect(task.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("a closing instance fails the runs it still has at once, for every instance to see", async () => {
    const schema = `push_close_runs_${++schemas}`;
    const a = await openInstance("A", schema, { leaseMs: 60_000 });
    const b = await openInstance("B", schema, { leaseMs: 60_000 });
    const sent = await rpc(a.a2a, "SendMessage", {
      message: message(`steps close-${schemas}`),
      configuration: { returnImmediately: true },
    });
    const taskId = sent.result.task.id;
    await waitUntil(
      async () =>
        (await rpc(b.a2a, "GetTask", { id: taskId })).result?.status.state === "TASK_STATE_WORKING",
      5000,
    );
    await a.a2a.close({ graceMs: 0 });
    const task = (await rpc(b.a2a, "GetTask", { id: taskId })).result;
    expect(task.status.state).toBe("TASK_STATE_FAILED");
    expect(task.status.message.parts[0].text).toBe(
      "The server running the agent shut down before the task finished.",
    );
  });

  it("are made once each while two instances deliver and look for pending configs", async () => {
    const schema = `push_both_${++schemas}`;
    const hook = await receiver();
    // Short leases: each instance looks for pending configs every 200 ms.
    const a = await openInstance("A", schema, { leaseMs: 600 });
    const b = await openInstance("B", schema, { leaseMs: 600 });
    // Several tasks on A, each some hundreds of ms long, so both instances' looks fall
    // while configs are created and delivered.
    const tasks: Json[] = await Promise.all(
      range(1, 6).map(() => sendWithPush(a, "emit 8 40", hook.url())),
    );
    const versions = new Map<string, number>();
    for (const task of tasks) {
      expect(task.status.state).toBe("TASK_STATE_COMPLETED");
      versions.set(task.id, (await a.store.get(keyOf(task.id)))!.version);
    }
    const total = [...versions.values()].reduce((sum, v) => sum + v, 0);
    expect(total).toBe(6 * 11);
    await hook.waitFor(total, 10_000);
    // Longer than a claim: anything left pending or delivered again would show by now.
    await sleep(1500);

    const received = ids(hook);
    const repeated = received.filter((id, i) => received.indexOf(id) !== i);
    expect(repeated, "deliveries received twice").toEqual([]);
    expect(received).toHaveLength(total);
    for (const [taskId, version] of versions) {
      const own = received.filter((id) => id.startsWith(`${taskId}:`)).map(seqOf);
      expect(own, `task ${taskId}`).toEqual(range(1, version));
    }
    // Every attempt succeeded: as many POSTs as deliveries, between the two instances.
    expect(a.posts.length + b.posts.length).toBe(total);
    expect([...a.failures, ...b.failures]).toEqual([]);
    expect(await a.store.pushConfigs.claims.pending(100)).toEqual([]);
  });

  it("bring a config created through B the events A appends, woken by NOTIFY", async () => {
    const schema = `push_via_b_${++schemas}`;
    const hook = await receiver();
    // Long leases: neither looks for pending configs during the test (only at its start),
    // and B's store does not poll its watched tasks: only NOTIFY can wake B's deliveries.
    const a = await openInstance("A", schema, { leaseMs: 60_000 });
    const b = await openInstance("B", schema, { leaseMs: 60_000, pollIntervalMs: 60_000 });
    const sent = await rpc(a.a2a, "SendMessage", {
      message: message("steps run"),
      configuration: { returnImmediately: true },
    });
    expect(sent.error).toBeUndefined();
    const taskId: string = sent.result.task.id;
    const key = keyOf(taskId);
    await waitUntil(
      async () => (await b.store.get(key))?.task.status.state === "TASK_STATE_WORKING",
      5000,
      "the task to be working",
    );
    const before = (await b.store.get(key))!.version;

    const created = await rpc(b.a2a, "CreateTaskPushNotificationConfig", {
      taskId,
      url: hook.url(),
    });
    expect(created.error).toBeUndefined();
    expect((await b.store.pushConfigs.get(key, created.result.id))?.deliveredSeq).toBe(before);

    const words = ["one", "two", "three", "four"];
    for (const [i, word] of words.entries()) {
      say("run", word);
      // Delivered soon after A appends it: NOTIFY, not a poll (none runs within 60 s).
      await hook.waitFor(i + 1, 3000);
    }
    say("run", "finish");
    await hook.waitFor(words.length + 1, 3000);
    await sleep(300);

    const final = (await a.store.get(key))!;
    expect(final.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(final.version).toBe(before + words.length + 1);
    expect(ids(hook)).toEqual(range(before + 1, final.version).map((seq) => `${taskId}:${seq}`));
    const bodies = hook.bodies();
    expect(
      bodies.slice(0, words.length).map((body) => body.artifactUpdate.artifact.parts[0].text),
    ).toEqual(words);
    expect(bodies.at(-1).statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
    // B delivered every one; A, running the task, none.
    expect(b.posts).toEqual(ids(hook));
    expect(a.posts).toEqual([]);
    expect((await a.store.pushConfigs.get(key, created.result.id))?.deliveredSeq).toBe(
      final.version,
    );
  });
});
