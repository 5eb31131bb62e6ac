// Cross-instance event latency: a streaming send on instance A and SubscribeToTask on
// instance B (two servers on one database); for every event both streams carry, the time B's
// subscription received it minus the time A's stream did, both read by this process.
import { performance } from "node:perf_hooks";

const rpc = (method, params) => JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });

/**
 * Reads an SSE response, calling `onFrame({ id, data, at })` for each event frame (`at`: when
 * the chunk that completed it arrived, performance.now() ms).
 */
async function readFrames(response, onFrame) {
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
    throw new Error(`not a stream: ${response.status} ${(await response.text()).slice(0, 300)}`);
  }
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body) {
    const at = performance.now();
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
      let id;
      let data;
      for (const line of frame.split("\n")) {
        if (line.startsWith("id: ")) id = line.slice(4);
        else if (line.startsWith("data: ")) data = line.slice(6);
      }
      if (data !== undefined) onFrame({ id, data, at });
    }
  }
}

function post(url, body, signal) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "a2a-version": "1.0" },
    body,
    signal,
  });
}

/**
 * One task: `/slow <seconds>` streamed from A (an event a second), subscribed to on B as soon
 * as A's first event names the task. Resolves with the B − A delays (ms) of the events after
 * B's first frame (the task as it stood when B subscribed), and how many of those B missed.
 */
async function oneTask(a, b, seconds) {
  const signal = AbortSignal.timeout(seconds * 1000 + 30_000);
  const onA = new Map();
  const onB = new Map();
  let subscribed;
  /** The number of the event B's first frame (the task as it stood) came with. */
  let firstOnB;
  const streamA = post(a, rpc("SendStreamingMessage", message(`/slow ${seconds}`)), signal).then(
    (response) =>
      readFrames(response, ({ id, data, at }) => {
        if (id === undefined) throw new Error(`A sent an event without an id: ${data}`);
        onA.set(id, at);
        if (subscribed) return;
        const taskId = JSON.parse(data).result?.task?.id;
        if (!taskId) throw new Error(`A's first event is not a task: ${data}`);
        subscribed = post(b, rpc("SubscribeToTask", { id: taskId }), signal).then((response) =>
          readFrames(response, ({ id, at }) => {
            if (id === undefined) return;
            if (firstOnB === undefined) firstOnB = seqOf(id);
            else onB.set(id, at);
          }),
        );
        subscribed.catch(() => undefined); // awaited below, once A's stream is over
      }),
  );
  await streamA;
  if (!subscribed) throw new Error("A's stream ended without an event");
  await subscribed;
  const delays = [];
  let missed = 0;
  for (const [id, atA] of onA) {
    const atB = onB.get(id);
    if (atB !== undefined) delays.push(atB - atA);
    else if (firstOnB !== undefined && seqOf(id) > firstOnB) missed++;
  }
  return { delays, missed };
}

/** The event number an SSE id (`<taskId>:<seq>`) ends with. */
const seqOf = (id) => Number(id.slice(id.lastIndexOf(":") + 1));

function message(text) {
  return { message: { messageId: crypto.randomUUID(), role: "ROLE_USER", parts: [{ text }] } };
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/**
 * `tasks` tasks of `seconds` seconds each, started `1000 / tasks` ms apart so that their
 * events spread over each second; resolves with the count, p50, p99, min and max of B − A.
 */
export async function crossInstanceLatency({ a, b, tasks, seconds }) {
  const runs = [];
  for (let i = 0; i < tasks; i++) {
    const run = oneTask(a, b, seconds);
    run.catch(() => undefined); // awaited below, with the others
    runs.push(run);
    await new Promise((resolve) => setTimeout(resolve, 1000 / tasks));
  }
  const results = await Promise.all(runs);
  const delays = results.flatMap((r) => r.delays).sort((x, y) => x - y);
  return {
    tasks,
    seconds,
    events: delays.length,
    /** Events A carried after B's first frame that B's subscription never did (should be 0). */
    missed: results.reduce((n, r) => n + r.missed, 0),
    p50Ms: percentile(delays, 50),
    p99Ms: percentile(delays, 99),
    minMs: delays[0],
    maxMs: delays.at(-1),
  };
}
