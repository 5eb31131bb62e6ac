import { afterEach, describe, expect, it, vi } from "vitest";
import type { EventFrames } from "../src/http/exchange.js";
import { eventFrames } from "../src/transport/sse.js";

/**
 * An event source the test steers: `push` hands out the next event (to a waiting `next()`
 * or the next call), `end` finishes it, `fail` makes the next read reject. `nextCalls` and
 * `returnCalls` tell what the frames did with it.
 */
function source<T>() {
  type Settle = { value: T } | { done: true } | { error: unknown };
  const ready: Settle[] = [];
  const waiters: ((settle: Settle) => void)[] = [];
  let nextCalls = 0;
  const returnSpy = vi.fn(async () => ({ value: undefined, done: true as const }));
  const settle = (outcome: Settle): Promise<IteratorResult<T>> => {
    if ("error" in outcome) return Promise.reject(outcome.error);
    if ("done" in outcome) return Promise.resolve({ value: undefined, done: true });
    return Promise.resolve({ value: outcome.value, done: false });
  };
  const give = (outcome: Settle) => {
    const waiter = waiters.shift();
    if (waiter) waiter(outcome);
    else ready.push(outcome);
  };
  const iterator: AsyncIterator<T> = {
    next: () => {
      nextCalls++;
      const outcome = ready.shift();
      if (outcome) return settle(outcome);
      return new Promise<Settle>((resolve) => waiters.push(resolve)).then(settle);
    },
    return: returnSpy,
  };
  return {
    iterator,
    push: (value: T) => give({ value }),
    end: () => give({ done: true }),
    fail: (error: unknown) => give({ error }),
    nextCalls: () => nextCalls,
    returnCalls: () => returnSpy.mock.calls.length,
  };
}

const encode = (event: { n: number }) => JSON.stringify(event);
const encodeError = (error: unknown) =>
  JSON.stringify({ error: error instanceof Error ? error.message : String(error) });

function frames(
  src: ReturnType<typeof source<{ n: number }>>,
  keepAliveMs = 0,
  first = { n: 0 },
): EventFrames {
  return eventFrames({
    first: { event: first },
    rest: src.iterator,
    encode,
    encodeError,
    keepAliveMs,
  });
}

/** Observes a promise without awaiting it: whether and how it settled. */
function watch<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => {
      state.settled = true;
      state.value = value;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

/** Lets pending promise callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe("eventFrames: events", () => {
  it("opens with a comment and the first event, without reading the source for it", async () => {
    const src = source<{ n: number }>();
    const body = frames(src, 0, { n: 7 });
    expect(await body.next()).toBe(': stream open\n\ndata: {"n":7}\n\n');
    expect(src.nextCalls()).toBe(0);
    body.close();
  });

  it("sends every event in order, one data frame each, then ends and releases the source once", async () => {
    const src = source<{ n: number }>();
    const body = frames(src);
    for (let n = 1; n <= 5; n++) src.push({ n });
    src.end();
    const out: string[] = [];
    for (let frame = await body.next(); frame !== undefined; frame = await body.next()) {
      out.push(frame);
    }
    expect(out).toEqual([
      ': stream open\n\ndata: {"n":0}\n\n',
      'data: {"n":1}\n\n',
      'data: {"n":2}\n\n',
      'data: {"n":3}\n\n',
      'data: {"n":4}\n\n',
      'data: {"n":5}\n\n',
    ]);
    expect(src.returnCalls()).toBe(1);
    // Ended for good: more reads and a late close neither read nor release again.
    expect(await body.next()).toBeUndefined();
    body.close();
    expect(src.returnCalls()).toBe(1);
    expect(src.nextCalls()).toBe(6);
  });

  it("delivers an event that arrives while next() waits", async () => {
    const src = source<{ n: number }>();
    const body = frames(src);
    await body.next();
    const pending = watch(body.next());
    await flush();
    expect(pending.settled).toBe(false);
    src.push({ n: 1 });
    await flush();
    expect(pending).toEqual({ settled: true, value: 'data: {"n":1}\n\n' });
    body.close();
  });

  it("turns an error of the source into one error frame, then the end", async () => {
    const src = source<{ n: number }>();
    const body = frames(src);
    src.push({ n: 1 });
    src.fail(new Error("store down"));
    src.push({ n: 2 }); // never read: the stream is over
    expect(await body.next()).toContain("stream open");
    expect(await body.next()).toBe('data: {"n":1}\n\n');
    expect(await body.next()).toBe('data: {"error":"store down"}\n\n');
    expect(src.returnCalls()).toBe(1);
    expect(await body.next()).toBeUndefined();
    expect(await body.next()).toBeUndefined();
    expect(src.returnCalls()).toBe(1);
    expect(src.nextCalls()).toBe(2);
  });

  it("turns an error while next() waits into the error frame too", async () => {
    const src = source<{ n: number }>();
    const body = frames(src);
    await body.next();
    const pending = body.next();
    await flush();
    src.fail("gone");
    expect(await pending).toBe('data: {"error":"gone"}\n\n');
    expect(await body.next()).toBeUndefined();
    expect(src.returnCalls()).toBe(1);
  });
});

describe("eventFrames: close", () => {
  it("ends a pending next() with undefined and releases the source once", async () => {
    const src = source<{ n: number }>();
    const body = frames(src);
    await body.next();
    const pending = watch(body.next());
    await flush();
    expect(pending.settled).toBe(false);
    body.close();
    await flush();
    expect(pending).toEqual({ settled: true, value: undefined });
    expect(src.returnCalls()).toBe(1);
    // An event that comes after the close is not sent.
    src.push({ n: 1 });
    expect(await body.next()).toBeUndefined();
    body.close();
    expect(src.returnCalls()).toBe(1);
  });

  it("before the first next() sends nothing, not even the first event", async () => {
    const src = source<{ n: number }>();
    const body = frames(src);
    body.close();
    expect(await body.next()).toBeUndefined();
    expect(src.returnCalls()).toBe(1);
    expect(src.nextCalls()).toBe(0);
  });
});

describe("eventFrames: keep-alive", () => {
  it("sends a keep-alive comment each interval a next() waits, and keeps waiting for the same event", async () => {
    vi.useFakeTimers();
    const src = source<{ n: number }>();
    const body = frames(src, 100);
    await body.next();

    const first = watch(body.next());
    await vi.advanceTimersByTimeAsync(99);
    expect(first.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(first).toEqual({ settled: true, value: ": keep-alive\n\n" });

    const second = watch(body.next());
    await vi.advanceTimersByTimeAsync(100);
    expect(second).toEqual({ settled: true, value: ": keep-alive\n\n" });

    const third = watch(body.next());
    await vi.advanceTimersByTimeAsync(50);
    expect(third.settled).toBe(false);
    src.push({ n: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(third).toEqual({ settled: true, value: 'data: {"n":1}\n\n' });
    // The keep-alives did not start new reads: the event waited for is the one delivered.
    expect(src.nextCalls()).toBe(1);
    body.close();
  });

  it("sends none to a next() whose event comes within the interval", async () => {
    vi.useFakeTimers();
    const src = source<{ n: number }>();
    const body = frames(src, 100);
    await body.next();
    const pending = watch(body.next());
    await vi.advanceTimersByTimeAsync(90);
    src.push({ n: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(pending).toEqual({ settled: true, value: 'data: {"n":1}\n\n' });
    body.close();
  });

  it("does not pile up keep-alives while nobody waits", async () => {
    vi.useFakeTimers();
    const src = source<{ n: number }>();
    const body = frames(src, 100);
    await body.next();
    // Ten intervals pass with no next() waiting (a slow writer, say).
    await vi.advanceTimersByTimeAsync(1000);
    src.push({ n: 1 });
    src.push({ n: 2 });
    expect(await body.next()).toBe('data: {"n":1}\n\n');
    expect(await body.next()).toBe('data: {"n":2}\n\n');
    body.close();
  });

  it("sends no keep-alive and starts no timer when keepAliveMs is 0", async () => {
    vi.useFakeTimers();
    const src = source<{ n: number }>();
    const body = frames(src, 0);
    expect(vi.getTimerCount()).toBe(0);
    await body.next();
    const pending = watch(body.next());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(pending.settled).toBe(false);
    src.push({ n: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(pending).toEqual({ settled: true, value: 'data: {"n":1}\n\n' });
    body.close();
  });
});

describe("eventFrames: no timer left behind", () => {
  it("clears the keep-alive timer on close", async () => {
    vi.useFakeTimers();
    const src = source<{ n: number }>();
    const body = frames(src, 100);
    await body.next();
    expect(vi.getTimerCount()).toBe(1);
    const pending = body.next();
    await vi.advanceTimersByTimeAsync(100);
    expect(await pending).toBe(": keep-alive\n\n");
    body.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("clears it when the source ends", async () => {
    vi.useFakeTimers();
    const src = source<{ n: number }>();
    const body = frames(src, 100);
    src.end();
    await body.next();
    expect(vi.getTimerCount()).toBe(1);
    expect(await body.next()).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("clears it when the source fails", async () => {
    vi.useFakeTimers();
    const src = source<{ n: number }>();
    const body = frames(src, 100);
    src.fail(new Error("x"));
    await body.next();
    expect(await body.next()).toBe('data: {"error":"x"}\n\n');
    expect(vi.getTimerCount()).toBe(0);
  });
});
