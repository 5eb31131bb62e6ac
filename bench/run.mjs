// `npm run bench`: every server under test against every scenario, then bench/RESULTS.md.
// Settings (environment): BENCH_SECONDS per run (default 5), BENCH_RUNS (3),
// BENCH_MEMORY_REQUESTS (200000), BENCH_SERVERS and BENCH_SCENARIOS (comma-separated ids,
// default all; "memory" names the memory scenario, "in-process" the in-process one,
// "postgres" the PostgreSQL section: see lib/postgres-bench.mjs and README.md).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { measureCell } from "./lib/measure.mjs";
import { runPostgres } from "./lib/postgres-bench.mjs";
import { writeResults } from "./lib/results.mjs";
import { MEMORY_SCENARIO, SCENARIOS } from "./lib/scenarios.mjs";
import { startServer } from "./lib/server-process.mjs";
import { SERVERS } from "./lib/servers.mjs";
import { ensureWrk, runWrk } from "./lib/wrk.mjs";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const memoryRequests = Number(process.env.BENCH_MEMORY_REQUESTS ?? MEMORY_SCENARIO.requests);
const only = process.env.BENCH_SERVERS?.split(",");
const servers = SERVERS.filter((s) => !only || only.includes(s.id));
const onlyScenarios = process.env.BENCH_SCENARIOS?.split(",");
const picked = (id) => !onlyScenarios || onlyScenarios.includes(id);
const CONCURRENCY = [1, 32];
const root = fileURLToPath(new URL("..", import.meta.url));

ensureWrk();
console.log("Building the packages and examples/next...");
execFileSync("npx", ["turbo", "run", "build", "--output-logs=errors-only"], {
  cwd: root,
  stdio: "inherit",
});
/** What is measured: the commit, and whether the packages or examples differ from it. */
function codeVersion() {
  try {
    const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
    return {
      commit: git("rev-parse", "--short", "HEAD"),
      dirty: git("status", "--porcelain", "--", "packages", "examples") !== "",
    };
  } catch {
    return undefined;
  }
}
const code = codeVersion();
if (servers.some((s) => s.id === "next")) {
  execFileSync(process.execPath, [SERVERS.find((s) => s.id === "next").script, "build"], {
    cwd: `${root}/examples/next`,
    stdio: "ignore",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "a2a-version": "1.0" },
    body,
  });
  return response.text();
}

/** What a2a-mount answers for a scenario, so the floors answer as many bytes. */
async function referenceBody(scenario) {
  const server = await startServer(SERVERS.find((s) => s.id === "core-node"));
  try {
    const taskId = scenario.needsTask ? await createTask(server.url) : undefined;
    return await post(server.url, scenario.body(taskId));
  } finally {
    server.stop();
  }
}

async function createTask(url) {
  const created = JSON.parse(await post(url, SCENARIOS.find((s) => s.id === "task").body()));
  return created.result.task.id;
}

function logRow(scenario, server, row) {
  console.log(
    `${scenario.padEnd(9)} ${server.padEnd(18)} c=${String(row.connections).padEnd(2)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${(row.p50Us / 1000).toFixed(2)} ms  p99 ${(row.p99Us / 1000).toFixed(2)} ms  CPU ${row.cpuUsPerRequest.toFixed(0)} µs/req${row.otherCpuUsPerRequest === undefined ? "" : ` + PostgreSQL ${row.otherCpuUsPerRequest.toFixed(0)} µs/req`}`,
  );
}

const load = [];
for (const scenario of SCENARIOS.filter((s) => picked(s.id))) {
  const floorBody = await referenceBody(scenario);
  for (const server of servers) {
    const running = await startServer(server, server.a2a ? {} : { BENCH_FLOOR_BODY: floorBody });
    try {
      const taskId = scenario.needsTask && server.a2a ? await createTask(running.url) : "none";
      const body = scenario.body(taskId);
      await runWrk({ url: running.url, body, connections: 8, seconds: 1 }); // warm-up
      for (const connections of CONCURRENCY) {
        const row = await measureCell({
          running,
          body,
          connections,
          seconds,
          runs,
          a2a: server.a2a,
        });
        load.push({ scenario: scenario.id, server: server.id, ...row });
        logRow(scenario.id, server.id, row);
      }
    } finally {
      running.stop();
    }
  }
}

const memory = [];
for (const server of picked(MEMORY_SCENARIO.id) ? servers : []) {
  const running = await startServer(
    server,
    server.a2a ? {} : { BENCH_FLOOR_BODY: await referenceBody(MEMORY_SCENARIO) },
  );
  try {
    const before = await running.memory();
    const started = Date.now();
    const result = await runWrk({
      url: running.url,
      body: MEMORY_SCENARIO.body(),
      connections: 32,
      seconds: 900,
      limit: memoryRequests,
    });
    const after = await running.memory();
    memory.push({
      server: server.id,
      requests: result.requests,
      seconds: (Date.now() - started) / 1000,
      before,
      after,
    });
    console.log(
      `memory    ${server.id.padEnd(13)} heap ${(before.heapUsed / 2 ** 20).toFixed(1)} -> ${(after.heapUsed / 2 ** 20).toFixed(1)} MB, peak RSS ${(after.peakRss / 2 ** 20).toFixed(0)} MB`,
    );
  } finally {
    running.stop();
  }
}

// In process: the agent's `handle` alone, each scenario in its own process pinned to CPU 1.
const inProcess = [];
for (const scenario of picked("in-process") ? SCENARIOS : []) {
  const output = execFileSync(
    "taskset",
    [
      "-c",
      "1",
      process.execPath,
      "--expose-gc",
      "--min-semi-space-size=128",
      "--max-semi-space-size=128",
      fileURLToPath(new URL("./in-process.mjs", import.meta.url)),
      scenario.id,
    ],
    { encoding: "utf8" },
  );
  const row = JSON.parse(output.trim().split("\n").at(-1));
  inProcess.push(row);
  console.log(
    `in-process ${scenario.id.padEnd(9)} ${row.microsPerRequest.toFixed(1)} µs  ${(row.bytesPerRequest / 1024).toFixed(1)} KB  ${row.promisesPerRequest.toFixed(0)} promises`,
  );
}

// PostgreSQL: the task scenario with the tasks in a database on the same machine.
const postgres = picked("postgres")
  ? await runPostgres({ seconds, runs, only, log: logRow, concurrency: CONCURRENCY })
  : undefined;

const raw = { seconds, runs, memoryRequests, code, load, memory, inProcess, postgres };
writeFileSync(
  fileURLToPath(new URL("./results.json", import.meta.url)),
  `${JSON.stringify(raw, null, 2)}\n`,
);
writeResults(raw);
console.log("Wrote bench/RESULTS.md");
