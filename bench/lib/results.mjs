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
export function writeResults({ seconds, runs, memoryRequests, load, memory, inProcess = [] }) {
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
  writeFileSync(fileURLToPath(new URL("../RESULTS.md", import.meta.url)), `${lines.join("\n")}\n`);
}
