import { describe, expect, it } from "vitest";
import {
  InMemoryTaskStore,
  type TaskHelper,
  type TaskKey,
  type TaskLogEntry,
  type TaskLogListener,
} from "../src/index.js";
import {
  type Frame,
  gate,
  type Json,
  makeAgent,
  readSse,
  rpc,
  rpcRequest,
  sseFrames,
  until,
  userMessage,
} from "./helpers.js";

/*
 * Races on a task's log: a cancel against the agent's own writes, subscribers joining and
 * resuming while events are appended, continuations racing each other, and cancels racing
 * each other. Each randomized round is planned up front from its seed (in the test's name),
 * so a failing round can be run again alone; only the timing of the awaits varies.
 */

const CANCELED = "TASK_STATE_CANCELED";
const COMPLETED = "TASK_STATE_COMPLETED";
const TERMINAL = new Set([CANCELED, COMPLETED, "TASK_STATE_FAILED", "TASK_STATE_REJECTED"]);

/** mulberry32: a tiny seeded generator of numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.#next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.#next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
}

/** One await of a plan: nothing, some microtasks, one macrotask turn, or a 0-2 ms timer. */
type Pause =
  | { kind: "none" }
  | { kind: "micro"; n: number }
  | { kind: "immediate" }
  | { kind: "timer"; ms: number };

function randomPause(rng: Rng): Pause {
  const roll = rng.int(0, 99);
  if (roll < 20) return { kind: "none" };
  if (roll < 55) return { kind: "micro", n: rng.int(1, 30) };
  if (roll < 80) return { kind: "immediate" };
  return { kind: "timer", ms: rng.int(0, 2) };
}

async function pause(p: Pause): Promise<void> {
  switch (p.kind) {
    case "none":
      return;
    case "micro":
      for (let i = 0; i < p.n; i++) await Promise.resolve();
      return;
    case "immediate":
      await new Promise<void>((resolve) => setImmediate(resolve));
      return;
    case "timer":
      await new Promise<void>((resolve) => setTimeout(resolve, p.ms));
      return;
  }
}

/** `promise`, or a rejection naming `what` once `ms` have passed: every wait is bounded. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `signal` has fired, or after `ms` (the caller checks which). */
function abortedWithin(signal: AbortSignal, ms: number): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * An in-memory store that takes its time, as one across a network would: `get`, `append` and
 * `readEvents` wait planned pauses before reaching the store (an append also after it), so a
 * run's append is often in flight while the cancel writes. Watchers still hear of each event
 * synchronously, as it is appended.
 */
class SlowStore extends InMemoryTaskStore {
  readonly #pauses: readonly Pause[];
  #calls = 0;

  constructor(pauses: readonly Pause[]) {
    super();
    this.#pauses = pauses;
  }

  #wait(): Promise<void> {
    return pause(this.#pauses[this.#calls++ % this.#pauses.length]!);
  }

  override async get(key: TaskKey) {
    await this.#wait();
    return super.get(key);
  }

  override async append(key: TaskKey, expected: number, entries: readonly TaskLogEntry[]) {
    await this.#wait();
    const result = await super.append(key, expected, entries);
    await this.#wait();
    return result;
  }

  override async readEvents(key: TaskKey, afterVersion: number) {
    await this.#wait();
    return super.readEvents(key, afterVersion);
  }
}

/** A store for a round: in-memory, slowed down by `slow` pauses when there are some. */
const storeFor = (slow: readonly Pause[] | undefined): InMemoryTaskStore =>
  slow ? new SlowStore(slow) : new InMemoryTaskStore();

const slowPauses = (rng: Rng): Pause[] | undefined =>
  rng.chance(0.5) ? Array.from({ length: 16 }, () => randomPause(rng)) : undefined;

async function collect(frames: AsyncGenerator<Frame>): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

/** The sequence number an SSE id `<taskId>:<seq>` names, checking the task. */
function seqOf(id: string | undefined, taskId: string): number {
  expect(id).toBeDefined();
  const prefix = `${taskId}:`;
  expect(id!.startsWith(prefix)).toBe(true);
  const seq = Number(id!.slice(prefix.length));
  expect(Number.isInteger(seq)).toBe(true);
  return seq;
}

/** The ids of `frames` name consecutive events of the task's log, from the first frame's. */
function expectContiguous(frames: Frame[], taskId: string): number[] {
  const seqs = frames.map((frame) => seqOf(frame.id, taskId));
  expect(seqs.length).toBeGreaterThan(0);
  expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  return seqs;
}

const keyOf = (taskId: string): TaskKey => ({ tenant: "", owner: "", taskId });

/** A task's whole log, checked to be numbered 1..n with no gap. */
async function readLog(store: InMemoryTaskStore, taskId: string): Promise<Json[]> {
  const log = await store.readEvents(keyOf(taskId), 0);
  expect(log).toBeDefined();
  expect(log!.map((e) => e.seq)).toEqual(log!.map((_, i) => i + 1));
  expect(Object.keys(log![0]!.event)).toEqual(["task"]);
  return log!;
}

const stateOfEvent = (event: Json): string | undefined => event.statusUpdate?.status.state;
const isTerminalEvent = (event: Json): boolean => TERMINAL.has(stateOfEvent(event) ?? "");

/**
 * The task a log folds to, computed here independently of the server's reducer: a status
 * update replaces the status (its message joins the history), an artifact update adds or
 * replaces the artifact (with `append`, its parts are added to the existing one's), and a
 * message joins the history.
 */
function fold(log: Json[]): Json {
  let task: Json;
  for (const { event } of log) {
    if ("task" in event) {
      task = structuredClone(event.task);
    } else if ("statusUpdate" in event) {
      const { status } = event.statusUpdate;
      task = { ...task, status };
      if (status.message) task.history = [...(task.history ?? []), status.message];
    } else if ("artifactUpdate" in event) {
      const update = event.artifactUpdate;
      const artifacts: Json[] = [...(task.artifacts ?? [])];
      const index = artifacts.findIndex((a) => a.artifactId === update.artifact.artifactId);
      if (index < 0) artifacts.push(update.artifact);
      else if (update.append) {
        const existing = artifacts[index];
        artifacts[index] = {
          ...existing,
          ...update.artifact,
          parts: [...existing.parts, ...update.artifact.parts],
        };
      } else artifacts[index] = update.artifact;
      task = { ...task, artifacts };
    } else {
      expect(Object.keys(event)).toEqual(["message"]);
      task = { ...task, history: [...(task.history ?? []), event.message] };
    }
  }
  return task;
}

/** The agent's publish markers (`p<i>`, `final`) in the log's status messages and artifact parts. */
function textsOf(log: Json[]): string[] {
  const texts: string[] = [];
  for (const { event } of log) {
    for (const part of event.statusUpdate?.status.message?.parts ?? []) texts.push(part.text);
    for (const part of event.artifactUpdate?.artifact.parts ?? []) texts.push(part.text);
  }
  return texts.filter((text) => /^(p\d+|final)$/.test(text));
}

/**
 * Per artifact of the log, the number of parts it ends with, counted from its update
 * events alone (each carries one part: a replacing update restarts the count).
 */
function chunkCounts(log: Json[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { event } of log) {
    const update = event.artifactUpdate;
    if (!update) continue;
    expect(update.artifact.parts).toHaveLength(1);
    const id: string = update.artifact.artifactId;
    counts[id] = update.append && id in counts ? counts[id]! + 1 : 1;
  }
  return counts;
}

function expectRpcError(body: Json, code: number, reason: string): void {
  expect(body.result).toBeUndefined();
  expect(body.error.code).toBe(code);
  expect(body.error.data[0].reason).toBe(reason);
}

type StepKind = "working" | "artifact" | "chunk";

interface Step {
  pause: Pause;
  kind: StepKind;
  /** The artifact a chunk appends to (one the plan created earlier). */
  artifactId?: string;
  lastChunk?: boolean;
}

/** A random run of agent events: statuses, new artifacts, and chunks appended to them. */
function planSteps(rng: Rng, min: number, max: number): Step[] {
  const steps: Step[] = [];
  const artifacts: string[] = [];
  const count = rng.int(min, max);
  for (let i = 0; i < count; i++) {
    const kinds: StepKind[] =
      artifacts.length > 0 ? ["working", "artifact", "chunk", "chunk"] : ["working", "artifact"];
    const kind = rng.pick(kinds);
    const step: Step = { pause: randomPause(rng), kind };
    if (kind === "artifact") {
      step.artifactId = `art-${artifacts.length}`;
      artifacts.push(step.artifactId);
    } else if (kind === "chunk") {
      step.artifactId = rng.pick(artifacts);
      step.lastChunk = rng.chance(0.3);
    }
    steps.push(step);
  }
  return steps;
}

/** Publishes a step through the helper, its marker the status message or the part text. */
async function publishStep(task: TaskHelper, step: Step, marker: string): Promise<void> {
  if (step.kind === "working") await task.working(marker);
  else if (step.kind === "artifact") {
    await task.artifact({ artifactId: step.artifactId!, parts: [{ text: marker }] });
  } else {
    await task.artifact(
      { artifactId: step.artifactId!, parts: [{ text: marker }] },
      { append: true, lastChunk: step.lastChunk ?? false },
    );
  }
}

const SEEDS = Array.from({ length: 100 }, (_, i) => 0x10c0 + i);

// ---------------------------------------------------------------------------------------

/**
 * How the cancel is timed: at a random moment (`race`), after the agent finished (`late`:
 * the cancel must be refused), or while the agent holds until its signal fires (`hold`: the
 * cancel must win, and the agent's completion after it must be dropped).
 */
type CancelMode = "race" | "late" | "hold";

interface CancelPlan {
  mode: CancelMode;
  /** Send with SendStreamingMessage (and check the stream against the log) or SendMessage. */
  stream: boolean;
  /** The store's pauses (see SlowStore); none: a plain InMemoryTaskStore. */
  slow: Pause[] | undefined;
  steps: Step[];
  finalPause: Pause;
  cancelPauses: Pause[];
}

function planCancelRound(seed: number): CancelPlan {
  const rng = new Rng(seed);
  const roll = rng.int(0, 9);
  const mode: CancelMode = roll === 0 ? "late" : roll === 1 ? "hold" : "race";
  const steps = planSteps(rng, 0, 8);
  return {
    mode,
    stream: rng.chance(0.5),
    slow: slowPauses(rng),
    steps,
    finalPause: randomPause(rng),
    cancelPauses: Array.from({ length: rng.int(0, 2 * steps.length + 2) }, () => randomPause(rng)),
  };
}

interface Published {
  marker: string;
  /** The store held the CANCELED event when the agent made the call. */
  afterCancel: boolean;
  /** `task.current` once the call resolved. */
  current: Json;
}

async function cancelRound(seed: number): Promise<{ canceled: boolean; dropped: number }> {
  const plan = planCancelRound(seed);
  const store = storeFor(plan.slow);
  const finished = gate();
  const seen = {
    executeCalls: 0,
    signal: undefined as AbortSignal | undefined,
    hookCalls: 0,
    hookSawAbort: false,
    canceledInStore: false,
    published: [] as Published[],
    errors: [] as unknown[],
  };

  const a2a = makeAgent({
    taskStore: store,
    executor: {
      execute: async (ctx, task) => {
        seen.executeCalls++;
        seen.signal = ctx.signal;
        const publish = async (marker: string, write: () => Promise<unknown>) => {
          const afterCancel = seen.canceledInStore;
          await write();
          seen.published.push({ marker, afterCancel, current: structuredClone(task.current) });
        };
        try {
          for (const [i, step] of plan.steps.entries()) {
            await pause(step.pause);
            await publish(`p${i}`, () => publishStep(task, step, `p${i}`));
          }
          if (plan.mode === "hold") await abortedWithin(ctx.signal, 3000);
          await pause(plan.finalPause);
          await publish("final", () => task.complete("final"));
        } catch (error) {
          seen.errors.push(error);
        } finally {
          finished.open();
        }
      },
      cancel: (ctx) => {
        seen.hookCalls++;
        seen.hookSawAbort = ctx.signal.aborted;
      },
    },
  });

  let taskId: string;
  let streamed: Promise<Frame[]> | undefined;
  let firstFrame: Frame | undefined;
  if (plan.stream) {
    const response = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("go") }, { id: "send" }),
    );
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const frames = sseFrames(response);
    const first = await within(frames.next(), 2000, "the stream's first frame");
    expect(first.done).toBe(false);
    firstFrame = first.value as Frame;
    taskId = firstFrame.data.result.task.id;
    streamed = within(collect(frames), 5000, "the send stream's end");
  } else {
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("go"),
      configuration: { returnImmediately: true },
    });
    expect(sent.error).toBeUndefined();
    taskId = sent.result.task.id;
  }
  const unwatch = store.watch(keyOf(taskId), ({ event }) => {
    if (stateOfEvent(event) === CANCELED) seen.canceledInStore = true;
  });

  if (plan.mode === "late") {
    await within(finished.promise, 3000, "the agent's end");
    await until(() => a2a.stats().activeExecutions === 0);
  }
  for (const p of plan.cancelPauses) await pause(p);
  const cancel = await rpc(a2a, "CancelTask", { id: taskId }, { id: "cancel" });

  await within(finished.promise, 3000, "the agent's end");
  await until(() => a2a.stats().activeExecutions === 0 && a2a.stats().subscribers === 0);
  unwatch();
  expect(store.watching).toEqual({ tasks: 0, watchers: 0 });
  expect(seen.errors).toEqual([]);
  expect(seen.executeCalls).toBe(1);

  const log = await readLog(store, taskId);
  const got = await rpc(a2a, "GetTask", { id: taskId });
  expect(got.error).toBeUndefined();
  const task = got.result;
  // The stored task is its log folded up; exactly one terminal event, the last.
  expect(task).toEqual(fold(log));
  expect(log.filter(({ event }) => isTerminalEvent(event))).toHaveLength(1);
  expect(isTerminalEvent(log.at(-1).event)).toBe(true);
  expect(task.status).toEqual(log.at(-1).event.statusUpdate.status);
  const counts = chunkCounts(log);
  for (const artifact of task.artifacts ?? []) {
    expect(artifact.parts).toHaveLength(counts[artifact.artifactId]!);
  }
  expect((task.artifacts ?? []).map((a: Json) => a.artifactId).sort()).toEqual(
    Object.keys(counts).sort(),
  );

  // What the agent published reached the log in order; whatever is missing was dropped
  // because the task had ended, and the helper then showed the canceled task.
  const inLog = new Set(textsOf(log));
  const stored = seen.published.filter((p) => inLog.has(p.marker));
  expect(stored.map((p) => p.marker)).toEqual(
    seen.published.slice(0, stored.length).map((p) => p.marker),
  );
  expect(textsOf(log)).toEqual(stored.map((p) => p.marker));
  expect(seen.published).toHaveLength(plan.steps.length + 1);
  const dropped = seen.published.slice(stored.length);
  // Once the agent's last call resolved, its helper shows the task as stored.
  expect(seen.published.at(-1)!.current).toEqual(task);

  if (cancel.error) {
    // The agent finished first.
    expect(plan.mode).not.toBe("hold");
    expectRpcError(cancel, -32002, "TASK_NOT_CANCELABLE");
    expect(task.status.state).toBe(COMPLETED);
    expect(seen.canceledInStore).toBe(false);
    expect(seen.signal!.aborted).toBe(false);
    expect(seen.hookCalls).toBe(0);
    expect(dropped).toEqual([]);
  } else {
    expect(plan.mode).not.toBe("late");
    expect(cancel.result.status.state).toBe(CANCELED);
    expect(task.status.state).toBe(CANCELED);
    expect(task).toEqual(cancel.result);
    expect(seen.canceledInStore).toBe(true);
    expect(seen.signal!.aborted).toBe(true);
    expect(seen.hookCalls).toBe(1);
    expect(seen.hookSawAbort).toBe(true);
    // The agent's completion never lands after a cancel.
    expect(dropped.map((p) => p.marker)).toContain("final");
    for (const p of seen.published) {
      if (p.afterCancel) expect(inLog.has(p.marker)).toBe(false);
    }
    for (const p of dropped) {
      expect(p.current.status.state).toBe(CANCELED);
      expect(p.current).toEqual(task);
    }
  }

  if (streamed) {
    // The send stream is the log, frame for frame: nothing dropped was ever streamed.
    const frames = [firstFrame!, ...(await streamed)];
    for (const frame of frames) {
      expect(frame.data.id).toBe("send");
      expect(frame.data.error).toBeUndefined();
    }
    expect(frames.map((f) => f.id)).toEqual(log.map((e) => `${taskId}:${e.seq}`));
    expect(frames.map((f) => f.data.result)).toEqual(log.map((e) => e.event));
  }
  return { canceled: !cancel.error, dropped: dropped.length };
}

describe("CancelTask racing the agent's writes", () => {
  const outcomes: Array<{ canceled: boolean; dropped: number }> = [];

  for (const seed of SEEDS) {
    it(`seed ${seed}`, async () => {
      outcomes.push(await cancelRound(seed));
    });
  }

  it("covered both outcomes", () => {
    // `late` rounds must complete and `hold` rounds must cancel (with their completion
    // dropped), so both outcomes occur whatever the timing.
    expect(outcomes.filter((o) => o.canceled).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => !o.canceled).length).toBeGreaterThan(0);
    expect(outcomes.some((o) => o.dropped > 0)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------

interface SubscriberPlan {
  steps: Step[];
  slow: Pause[] | undefined;
  /** The agent lets B subscribe before this step (`steps.length`: before it completes). */
  bAt: number;
  bPause: Pause;
  finalPause: Pause;
  /** A third reader, resuming after A's first event, and when it joins. */
  c:
    | {
        via: "SubscribeToTask" | "SendStreamingMessage";
        at: "early" | "withB" | "afterEnd";
        pause: Pause;
      }
    | undefined;
}

function planSubscriberRound(seed: number): SubscriberPlan {
  const rng = new Rng(seed);
  const steps = planSteps(rng, 1, 8);
  return {
    steps,
    slow: slowPauses(rng),
    bAt: rng.int(0, steps.length),
    bPause: randomPause(rng),
    finalPause: randomPause(rng),
    c: rng.chance(0.4)
      ? {
          via: rng.pick(["SubscribeToTask", "SendStreamingMessage"] as const),
          at: rng.pick(["early", "withB", "afterEnd"] as const),
          pause: randomPause(rng),
        }
      : undefined,
  };
}

async function subscriberRound(seed: number): Promise<void> {
  const plan = planSubscriberRound(seed);
  const store = storeFor(plan.slow);
  const attachB = gate();
  const bReady = gate();
  const finished = gate();
  let executeCalls = 0;
  const a2a = makeAgent({
    taskStore: store,
    executor: async (_ctx, task) => {
      executeCalls++;
      try {
        for (const [i, step] of plan.steps.entries()) {
          if (i === plan.bAt) attachB.open();
          await pause(step.pause);
          await publishStep(task, step, `p${i}`);
        }
        attachB.open();
        // B joins before the end: a subscription to a finished task is refused.
        await within(bReady.promise, 3000, "subscriber B");
        await pause(plan.finalPause);
        await task.complete("final");
      } finally {
        finished.open();
      }
    },
  });

  const sendA = await a2a.fetch(
    rpcRequest("SendStreamingMessage", { message: userMessage("go") }, { id: "a" }),
  );
  expect(sendA.headers.get("content-type")).toBe("text/event-stream");
  const aIter = sseFrames(sendA);
  const aFirst = await within(aIter.next(), 2000, "A's first frame");
  expect(aFirst.done).toBe(false);
  const aFirstFrame = aFirst.value as Frame;
  const taskId: string = aFirstFrame.data.result.task.id;
  const aRest = within(collect(aIter), 5000, "A's end");

  const resumeC = async (): Promise<Frame[]> => {
    const c = plan.c!;
    await pause(c.pause);
    const headers = { "last-event-id": aFirstFrame.id! };
    const request =
      c.via === "SubscribeToTask"
        ? rpcRequest("SubscribeToTask", { id: taskId }, { id: "c", headers })
        : rpcRequest(
            "SendStreamingMessage",
            { message: userMessage("resume", { taskId }) },
            { id: "c", headers },
          );
    const response = await a2a.fetch(request);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    return within(collect(sseFrames(response)), 5000, "C's end");
  };

  let cFrames: Promise<Frame[]> | undefined;
  if (plan.c?.at === "early") cFrames = resumeC();

  await within(attachB.promise, 3000, "the moment for B");
  await pause(plan.bPause);
  if (plan.c?.at === "withB") cFrames = resumeC();
  const subB = await a2a.fetch(rpcRequest("SubscribeToTask", { id: taskId }, { id: "b" }));
  expect(subB.headers.get("content-type")).toBe("text/event-stream");
  const bFrames = within(collect(sseFrames(subB)), 5000, "B's end");
  bReady.open();

  const a = [aFirstFrame, ...(await aRest)];
  const b = await bFrames;
  if (plan.c?.at === "afterEnd") cFrames = resumeC();
  const c = cFrames ? await cFrames : undefined;
  await within(finished.promise, 3000, "the agent's end");
  await until(() => a2a.stats().activeExecutions === 0 && a2a.stats().subscribers === 0);
  expect(store.watching).toEqual({ tasks: 0, watchers: 0 });
  expect(executeCalls).toBe(1);

  const log = await readLog(store, taskId);
  const logIds = log.map((e) => `${taskId}:${e.seq}`);
  const readers: Record<string, Frame[]> = { a, b };
  if (c) readers.c = c;
  for (const [name, frames] of Object.entries(readers)) {
    for (const frame of frames) {
      expect(frame.data.id).toBe(name);
      expect(frame.data.error).toBeUndefined();
    }
    expectContiguous(frames, taskId);
    expect(stateOfEvent(frames.at(-1)!.data.result), `${name} ends at the end`).toBe(COMPLETED);
  }

  // A streamed the whole log.
  expect(a.map((f) => f.id)).toEqual(logIds);
  expect(a.map((f) => f.data.result)).toEqual(log.map((e) => e.event));

  // B: a snapshot of the task at the version its id names, then every later event.
  const v = seqOf(b[0]!.id, taskId);
  expect(v).toBeGreaterThanOrEqual(1);
  expect(v).toBeLessThan(log.length);
  expect(Object.keys(b[0]!.data.result)).toEqual(["task"]);
  expect(b[0]!.data.result.task).toEqual(fold(log.slice(0, v)));
  expect(b.slice(1).map((f) => f.id)).toEqual(logIds.slice(v));
  expect(b.slice(1).map((f) => f.data.result)).toEqual(log.slice(v).map((e) => e.event));

  // C resumed after A's first event: the rest of the log, nothing again, nothing missed.
  if (c) {
    expect(c.map((f) => f.id)).toEqual(logIds.slice(1));
    expect(c.map((f) => f.data.result)).toEqual(log.slice(1).map((e) => e.event));
  }

  // Frames of two readers with the same id carry the same event. A subscription's first
  // frame is a snapshot: its id names the version it shows, not an event, so it is left out.
  const events = (frames: Frame[], snapshot: boolean) =>
    new Map((snapshot ? frames.slice(1) : frames).map((f) => [f.id!, f.data.result]));
  const byReader = [events(a, false), events(b, true), ...(c ? [events(c, false)] : [])];
  for (const [i, one] of byReader.entries()) {
    for (const other of byReader.slice(i + 1)) {
      for (const [id, result] of one) {
        if (other.has(id)) expect(other.get(id)).toEqual(result);
      }
    }
  }

  const got = await rpc(a2a, "GetTask", { id: taskId });
  expect(got.result).toEqual(fold(log));
}

describe("subscribers joining and resuming while the log grows", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}`, async () => {
      await subscriberRound(seed);
    });
  }
});

// ---------------------------------------------------------------------------------------

/** An agent that asks for input, then holds the continuation's run until `release` opens. */
function continuedAgent() {
  const store = new InMemoryTaskStore();
  const entered = gate();
  const release = gate();
  const texts: string[] = [];
  const a2a = makeAgent({
    taskStore: store,
    executor: async (ctx, task) => {
      texts.push(ctx.text);
      if (!ctx.task) {
        await task.inputRequired("which one?");
        return;
      }
      await task.working("on it");
      entered.open();
      await within(release.promise, 3000, "the release");
      await task.complete(`done with ${ctx.text}`);
    },
  });
  return { a2a, store, entered, release, texts };
}

async function startWaitingTask(a2a: ReturnType<typeof makeAgent>): Promise<Json> {
  const sent = await rpc(a2a, "SendMessage", { message: userMessage("start") });
  expect(sent.result.task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
  await until(() => a2a.stats().activeExecutions === 0);
  return sent.result.task;
}

/** The user messages the log holds after its first event (those that continued the task). */
const continuations = (log: Json[]): Json[] =>
  log.filter(({ event }) => "message" in event).map(({ event }) => event.message);

describe("a second continuation while one is being processed", () => {
  it("is refused (-32004) over SendMessage and SendStreamingMessage; the first proceeds", async () => {
    const { a2a, store, entered, release, texts } = continuedAgent();
    const task = await startWaitingTask(a2a);
    const first = userMessage("red", { taskId: task.id, contextId: task.contextId });
    const second = userMessage("blue", { taskId: task.id, contextId: task.contextId });

    const firstSend = rpc(a2a, "SendMessage", { message: first }, { id: "first" });
    await within(entered.promise, 2000, "the first continuation's run");

    const refused = await rpc(a2a, "SendMessage", { message: second }, { id: "second" });
    expect(refused.id).toBe("second");
    expectRpcError(refused, -32004, "UNSUPPORTED_OPERATION");
    expect(refused.error.message).toContain("still being processed");

    const streamed = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: second }, { id: "third" }),
    );
    expect(streamed.headers.get("content-type")).toBe("application/json");
    const streamedBody = await streamed.json();
    expectRpcError(streamedBody, -32004, "UNSUPPORTED_OPERATION");
    expect(streamedBody.error.message).toContain("still being processed");

    release.open();
    const answer = await within(firstSend, 3000, "the first continuation's answer");
    expect(answer.error).toBeUndefined();
    expect(answer.result.task.status.state).toBe(COMPLETED);
    expect(answer.result.task.status.message.parts).toEqual([{ text: "done with red" }]);
    await until(() => a2a.stats().activeExecutions === 0);
    expect(texts).toEqual(["start", "red"]);

    const log = await readLog(store, task.id);
    expect(continuations(log).map((m) => m.messageId)).toEqual([first.messageId]);
    const got = await rpc(a2a, "GetTask", { id: task.id });
    expect(got.result).toEqual(fold(log));
    const historyIds = got.result.history.map((m: Json) => m.messageId);
    expect(historyIds).toContain(first.messageId);
    expect(historyIds).not.toContain(second.messageId);
    expect(log.map(({ event }) => stateOfEvent(event) ?? Object.keys(event)[0])).toEqual([
      "task",
      "TASK_STATE_INPUT_REQUIRED",
      "message",
      "TASK_STATE_WORKING",
      COMPLETED,
    ]);
  });

  it("two continuations sent at once: exactly one is taken, the other refused", async () => {
    for (let round = 0; round < 5; round++) {
      const { a2a, store, entered, release, texts } = continuedAgent();
      const task = await startWaitingTask(a2a);
      const messages = ["left", "right"].map((text) =>
        userMessage(text, { taskId: task.id, contextId: task.contextId }),
      );
      const sends = messages.map((message, i) =>
        rpc(a2a, "SendMessage", { message }, { id: `send-${i}` }),
      );
      await within(entered.promise, 2000, "the accepted continuation's run");
      release.open();
      const answers = await within(Promise.all(sends), 3000, "both answers");
      const accepted = answers.filter((answer) => answer.error === undefined);
      const refused = answers.filter((answer) => answer.error !== undefined);
      expect(accepted).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expectRpcError(refused[0], -32004, "UNSUPPORTED_OPERATION");
      expect(refused[0].error.message).toContain("still being processed");
      expect(accepted[0].result.task.status.state).toBe(COMPLETED);
      await until(() => a2a.stats().activeExecutions === 0);

      const winner = messages[answers.indexOf(accepted[0])]!;
      expect(texts).toEqual(["start", winner.parts[0]!.text]);
      const log = await readLog(store, task.id);
      expect(continuations(log).map((m) => m.messageId)).toEqual([winner.messageId]);
      const got = await rpc(a2a, "GetTask", { id: task.id });
      expect(got.result).toEqual(fold(log));
    }
  });
});

// ---------------------------------------------------------------------------------------

describe("cancels racing each other", () => {
  it("ten concurrent CancelTask on an input-required task: one CANCELED, nine -32002", async () => {
    for (let round = 0; round < 5; round++) {
      const store = new InMemoryTaskStore();
      const a2a = makeAgent({
        taskStore: store,
        executor: async (_ctx, task) => {
          await task.inputRequired("more?");
        },
      });
      const task = await startWaitingTask(a2a);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => rpc(a2a, "CancelTask", { id: task.id }, { id: i })),
      );
      const won = answers.filter((answer) => answer.error === undefined);
      const lost = answers.filter((answer) => answer.error !== undefined);
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(9);
      expect(won[0].result.status.state).toBe(CANCELED);
      for (const answer of lost) expectRpcError(answer, -32002, "TASK_NOT_CANCELABLE");
      expect(answers.map((answer) => answer.id)).toEqual(answers.map((_, i) => i));

      const log = await readLog(store, task.id);
      expect(log.filter(({ event }) => stateOfEvent(event) === CANCELED)).toHaveLength(1);
      expect(log.map(({ event }) => stateOfEvent(event) ?? Object.keys(event)[0])).toEqual([
        "task",
        "TASK_STATE_INPUT_REQUIRED",
        CANCELED,
      ]);
      const got = await rpc(a2a, "GetTask", { id: task.id });
      expect(got.result).toEqual(won[0].result);
      expect(got.result).toEqual(fold(log));
    }
  });

  it("ten concurrent CancelTask on a running task: one CANCELED, the agent told once", async () => {
    const store = new InMemoryTaskStore();
    const started = gate();
    const finished = gate();
    let hookCalls = 0;
    let signal: AbortSignal | undefined;
    const a2a = makeAgent({
      taskStore: store,
      executor: {
        execute: async (ctx, task) => {
          signal = ctx.signal;
          await task.working();
          started.open();
          await abortedWithin(ctx.signal, 3000);
          await task.complete("too late");
          finished.open();
        },
        cancel: () => {
          hookCalls++;
        },
      },
    });
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("go"),
      configuration: { returnImmediately: true },
    });
    const taskId: string = sent.result.task.id;
    await within(started.promise, 2000, "the agent's start");
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => rpc(a2a, "CancelTask", { id: taskId })),
    );
    const won = answers.filter((answer) => answer.error === undefined);
    expect(won).toHaveLength(1);
    for (const answer of answers) {
      if (answer !== won[0]) expectRpcError(answer, -32002, "TASK_NOT_CANCELABLE");
    }
    await within(finished.promise, 3000, "the agent's end");
    await until(() => a2a.stats().activeExecutions === 0);
    expect(signal!.aborted).toBe(true);
    expect(hookCalls).toBe(1);
    const log = await readLog(store, taskId);
    expect(log.map(({ event }) => stateOfEvent(event) ?? Object.keys(event)[0])).toEqual([
      "task",
      "TASK_STATE_WORKING",
      CANCELED,
    ]);
    const got = await rpc(a2a, "GetTask", { id: taskId });
    expect(got.result).toEqual(won[0].result);
  });

  it("the store's append is compare-and-swap: ten appends at one version, one wins", async () => {
    const store = new InMemoryTaskStore();
    const key = keyOf("cas-task");
    const task = {
      id: "cas-task",
      contextId: "ctx",
      status: { state: "TASK_STATE_INPUT_REQUIRED" as const },
    };
    expect(await store.append(key, 0, [{ event: { task }, task }])).toEqual({
      ok: true,
      version: 1,
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const status = { state: CANCELED as typeof CANCELED, timestamp: `2025-01-01T00:00:0${i}Z` };
        return store.append(key, 1, [
          {
            event: { statusUpdate: { taskId: task.id, contextId: task.contextId, status } },
            task: { ...task, status },
          },
        ]);
      }),
    );
    const ok = results.filter((result) => result.ok);
    expect(ok).toEqual([{ ok: true, version: 2 }]);
    const winner = results.indexOf(ok[0]!);
    for (const result of results) {
      if (result.ok) continue;
      expect(result.current!.version).toBe(2);
      expect(result.current!.task.status.timestamp).toBe(`2025-01-01T00:00:0${winner}Z`);
    }
    const log = await readLog(store, "cas-task");
    expect(log).toHaveLength(2);
    expect(log[1].event.statusUpdate.status.timestamp).toBe(`2025-01-01T00:00:0${winner}Z`);
    expect((await store.get(key))!.version).toBe(2);
  });
});

describe("stores whose watchers and appends take their time", () => {
  /** A store whose watchers hear of each event a macrotask later, in order (the contract allows it). */
  class LateWatchStore extends InMemoryTaskStore {
    override watch(key: TaskKey, listener: TaskLogListener): () => void {
      let live = true;
      const stop = super.watch(key, (event) => setImmediate(() => live && listener(event)));
      return () => {
        live = false;
        stop();
      };
    }
  }

  it("a send stream carries every event to the end when watchers hear after the run is over", async () => {
    const a2a = makeAgent({
      taskStore: new LateWatchStore(),
      executor: async (_ctx, task) => {
        await task.working();
        await task.complete("done");
      },
    });
    const response = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("go") }),
    );
    const states = (await readSse(response)).map(
      (e: Json) => e.result.task?.status.state ?? e.result.statusUpdate?.status.state,
    );
    expect(states).toEqual(["TASK_STATE_SUBMITTED", "TASK_STATE_WORKING", "TASK_STATE_COMPLETED"]);
  });

  /** Holds the resolution of the WORKING append (after it is stored) until `hold` opens. */
  class HeldStore extends InMemoryTaskStore {
    hold = gate();
    override async append(key: TaskKey, v: number, entries: readonly TaskLogEntry[]) {
      const result = await super.append(key, v, entries);
      const working = entries.some(
        ({ event }) =>
          "statusUpdate" in event && event.statusUpdate.status.state === "TASK_STATE_WORKING",
      );
      if (working) {
        await this.hold.promise;
      }
      return result;
    }
  }

  it("the run's view of the task never goes back once it heard of a cancel", async () => {
    const store = new HeldStore();
    const seen: { signal?: AbortSignal; after?: string; abortedThen?: boolean } = {};
    const done = gate();
    const a2a = makeAgent({
      taskStore: store,
      executor: async (ctx, task) => {
        seen.signal = ctx.signal;
        await task.working("one"); // stored as event 2; its append resolves once released
        seen.abortedThen = ctx.signal.aborted;
        seen.after = task.current?.status.state;
        done.open();
      },
    });
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("go"),
      configuration: { returnImmediately: true },
    });
    const taskId = sent.result.task.id;
    const key = { tenant: "", owner: "", taskId };
    await until(() => seen.signal !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 30)); // the WORKING append is stored
    expect((await store.get(key))!.version).toBe(2);
    const canceled = await rpc(a2a, "CancelTask", { id: taskId });
    expect(canceled.result.status.state).toBe("TASK_STATE_CANCELED"); // event 3
    await until(() => seen.signal!.aborted);
    store.hold.open();
    await done.promise;
    expect(seen.abortedThen).toBe(true);
    expect(seen.after).toBe("TASK_STATE_CANCELED");
  });
});

describe("a continuation racing a cancel", () => {
  /** A store whose next `get` reads the task at once but answers only when `release` opens. */
  class SlowReadStore extends InMemoryTaskStore {
    holdNext = false;
    release = gate();
    override async get(key: TaskKey) {
      const read = await super.get(key);
      if (this.holdNext) {
        this.holdNext = false;
        await this.release.promise;
      }
      return read;
    }
  }

  it("never runs the agent for a message whose task was canceled before it joined", async () => {
    const store = new SlowReadStore();
    const runs: string[] = [];
    const logged: string[] = [];
    const a2a = makeAgent({
      taskStore: store,
      logger: { debug() {}, info() {}, warn() {}, error: (message) => logged.push(message) },
      executor: async (ctx, task) => {
        runs.push(ctx.text);
        if (!ctx.task) await task.inputRequired("more?");
        else await task.complete("thanks");
      },
    });
    const first = await rpc(a2a, "SendMessage", { message: userMessage("first") });
    const taskId = first.result.task.id;
    expect(first.result.task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    // The continuation reads the waiting task, and is held there while a cancel lands.
    store.holdNext = true;
    const continuation = rpc(a2a, "SendMessage", {
      message: userMessage("second", { taskId }),
    });
    await until(() => !store.holdNext);
    const canceled = await rpc(a2a, "CancelTask", { id: taskId });
    expect(canceled.result.status.state).toBe("TASK_STATE_CANCELED");
    store.release.open();
    const answer = await continuation;
    // Its message lost the race to the terminal state: the caller gets the task as it ended.
    expect(answer.result.task.status.state).toBe("TASK_STATE_CANCELED");
    expect(runs).toEqual(["first"]);
    // Nothing went wrong: no error is logged.
    expect(logged).toEqual([]);
    const log = (await store.readEvents({ tenant: "", owner: "", taskId }, 0))!;
    expect(log.map((e) => Object.keys(e.event)[0])).toEqual([
      "task",
      "statusUpdate",
      "statusUpdate",
    ]);
    await until(() => a2a.stats().activeExecutions === 0);
  });
});
