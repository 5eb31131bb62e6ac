// One in-process measurement of the agent's `handle` (what `a2a.fetch` wraps) (no sockets, no HTTP parsing): time, bytes
// allocated and promises created per request, for one scenario. Run by run.mjs in its own
// process, pinned to one CPU, with `--expose-gc` and a young generation large enough that no
// garbage collection runs while allocation is measured.
// Usage: node --expose-gc --min-semi-space-size=128 --max-semi-space-size=128 in-process.mjs <scenario>
// (IN_FLIGHT=32 times the requests with 32 under way at once instead of one after another.)
import { createHook } from "node:async_hooks";
import { silentLogger } from "@a2a-mount/core";
import { internalsOf } from "@a2a-mount/core/internal";
import { createDemoAgent } from "@a2a-mount/demo-agent";
import { SCENARIOS } from "./lib/scenarios.mjs";

const scenario = SCENARIOS.find((s) => s.id === process.argv[2]);
if (!scenario) throw new Error(`unknown scenario ${process.argv[2]}`);
const a2a = createDemoAgent({ basePath: "/a2a", logger: silentLogger });
// The agent's one entry point, which `a2a.fetch` and the Node bridge wrap.
const { handle } = internalsOf(a2a);

const HEADERS = { "content-type": "application/json", "a2a-version": "1.0" };
const origin = { protocol: "http", host: "127.0.0.1" };

/** The input a bridge would build for one request of the scenario. */
function input(body) {
  return {
    method: "POST",
    path: "/a2a",
    search: "",
    origin,
    header: (name) => HEADERS[name] ?? null,
    headers: () => new Headers(HEADERS),
    text: async () => body,
  };
}

/** One request, its reply read to the end (a stream frame by frame). */
async function once(body) {
  const reply = await handle(input(body));
  if (typeof reply.body === "object" && reply.body !== null) {
    while ((await reply.body.next()) !== undefined) {}
  }
}

async function taskId() {
  const reply = await handle(input(SCENARIOS.find((s) => s.id === "task").body()));
  return JSON.parse(reply.body).result.task.id;
}

const body = scenario.body(scenario.needsTask ? await taskId() : undefined);
for (let i = 0; i < 20_000; i++) await once(body); // warm-up: optimised code, a full store

// Time: many requests in a row, or with IN_FLIGHT of them under way at once (as a server
// under load has them), each worker starting its next request when one ends.
const timed = 50_000;
const inFlight = Number(process.env.IN_FLIGHT ?? 1);
const start = process.hrtime.bigint();
await Promise.all(
  Array.from({ length: inFlight }, async (_, worker) => {
    for (let i = worker; i < timed; i += inFlight) await once(body);
  }),
);
const microsPerRequest = Number(process.hrtime.bigint() - start) / 1000 / timed;

// Bytes: the heap's growth over requests between two full collections, none in between.
const counted = 1000;
globalThis.gc();
const heapBefore = process.memoryUsage().heapUsed;
for (let i = 0; i < counted; i++) await once(body);
const bytesPerRequest = (process.memoryUsage().heapUsed - heapBefore) / counted;

// Promises: every one created while the requests run.
let promises = 0;
const hook = createHook({
  init(_id, type) {
    if (type === "PROMISE") promises++;
  },
});
hook.enable();
for (let i = 0; i < counted; i++) await once(body);
hook.disable();

console.log(
  JSON.stringify({
    scenario: scenario.id,
    inFlight,
    microsPerRequest,
    bytesPerRequest,
    promisesPerRequest: promises / counted,
  }),
);
