// The PostgreSQL section of `npm run bench` (scenario id `postgres`): the task scenario on
// the core with its tasks in PostgreSQL against the same core in memory, the statements a
// task request sends, and the latency of an event from one instance to another.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { crossInstanceLatency } from "./cross-instance.mjs";
import { measureCell } from "./measure.mjs";
import { startPostgres, transactions } from "./postgres.mjs";
import { treeCpuMicros } from "./process-stats.mjs";
import { SCENARIOS } from "./scenarios.mjs";
import { SERVER_CPU, startServer } from "./server-process.mjs";
import { POSTGRES_SERVER, SERVERS } from "./servers.mjs";
import { runWrk } from "./wrk.mjs";

/** Longer than PostgreSQL's PGSTAT_IDLE_INTERVAL (10 s): idle backends have published. */
const STATS_SETTLE_MS = 12_000;

const setting = (name, fallback) => Number(process.env[name] ?? fallback);

/**
 * Runs the section; `only` is BENCH_SERVERS (core-node and core-node-postgres take part),
 * `log(scenario, server, row)` prints a load row. Resolves with the section's results.
 */
export async function runPostgres({ seconds, runs, only, log, concurrency }) {
  const cpu = process.env.BENCH_POSTGRES_CPU ?? SERVER_CPU;
  const statementRequests = setting("BENCH_POSTGRES_STATEMENT_REQUESTS", 2000);
  const latencyTasks = setting("BENCH_POSTGRES_LATENCY_TASKS", 16);
  const latencySeconds = setting("BENCH_POSTGRES_LATENCY_SECONDS", 15);
  const task = SCENARIOS.find((s) => s.id === "task");
  const servers = [SERVERS.find((s) => s.id === "core-node"), POSTGRES_SERVER].filter(
    (s) => !only || only.includes(s.id),
  );
  const db = await startPostgres({ cpu });
  console.log(
    `postgres  ${db.external ? "DATABASE_URL" : `embedded on CPU ${cpu}`}: ${db.version.split(" on ")[0]}`,
  );
  const postgresCpu = db.pid ? () => treeCpuMicros(db.pid) : undefined;
  const dir = mkdtempSync(join(tmpdir(), "a2a-bench-pg-"));
  const start = (server, env = {}) =>
    startServer(server, server === POSTGRES_SERVER ? { DATABASE_URL: db.url, ...env } : env);
  try {
    const load = [];
    for (const server of servers) {
      const running = await start(server);
      try {
        await runWrk({ url: running.url, body: task.body(), connections: 8, seconds: 1 }); // warm-up
        for (const connections of concurrency) {
          const row = await measureCell({
            running,
            body: task.body(),
            connections,
            seconds,
            runs,
            a2a: true,
            otherCpu: postgresCpu,
          });
          const { otherCpuUsPerRequest, ...rest } = row;
          // PostgreSQL's CPU (for the in-memory store: what the idle database used meanwhile).
          load.push({
            scenario: "task",
            server: server.id,
            ...rest,
            postgresCpuUsPerRequest: otherCpuUsPerRequest,
          });
          log("pg-task", server.id, row);
        }
      } finally {
        running.stop();
      }
    }
    const section = { version: db.version, cpu, external: db.external, load };
    if (!servers.includes(POSTGRES_SERVER)) return section;

    const statements = await countStatements({ db, start, dir, requests: statementRequests });
    console.log(
      `postgres  ${statements.perRequest.toFixed(2)} statements per task request (pg_stat_database), ${statements.clientPerRequest.toFixed(2)} queries sent (client side), over ${statements.requests}`,
    );

    const latency = [];
    const a = await start(POSTGRES_SERVER);
    const b = await start(POSTGRES_SERVER).catch((error) => {
      a.stop();
      throw error;
    });
    try {
      for (const underLoad of [false, true]) {
        const loadOnA = underLoad
          ? runWrk({
              url: a.url,
              body: task.body(),
              connections: 32,
              seconds: latencySeconds + 4,
            })
          : undefined;
        loadOnA?.catch(() => undefined); // awaited below, once the latency is measured
        if (loadOnA) await sleep(1000);
        const result = await crossInstanceLatency({
          a: a.url,
          b: b.url,
          tasks: latencyTasks,
          seconds: latencySeconds,
        });
        const wrk = await loadOnA;
        const row = {
          condition: underLoad ? "load" : "idle",
          ...result,
          ...(wrk && { loadRps: (wrk.requests * 1e6) / wrk.durationUs }),
        };
        latency.push(row);
        console.log(
          `postgres  cross-instance (${row.condition}) ${row.events} events, ${row.missed} missed: p50 ${row.p50Ms.toFixed(2)} ms  p99 ${row.p99Ms.toFixed(2)} ms  max ${row.maxMs.toFixed(2)} ms`,
        );
      }
    } finally {
      a.stop();
      b.stop();
    }
    return { ...section, statements, latency };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.stop();
  }
}

/**
 * Statements per task request, two ways: PostgreSQL's count of transactions in the bench
 * database (`xact_commit + xact_rollback` in pg_stat_database; each statement the store sends
 * outside BEGIN ... COMMIT is one) before and after `requests` task requests, 8 at a time,
 * on an otherwise idle database; and the server's own count of the queries its pg clients
 * sent (each one round trip). Both after a warm-up, read once the backends have been idle
 * long enough to publish their counts.
 */
async function countStatements({ db, start, dir, requests }) {
  const queryFile = join(dir, "queries.json");
  const running = await start(POSTGRES_SERVER, { BENCH_QUERY_FILE: queryFile });
  try {
    const body = SCENARIOS.find((s) => s.id === "task").body();
    await send(running.url, body, 200, 8);
    await sleep(STATS_SETTLE_MS);
    const before = await transactions(db.adminUrl, db.database);
    const queriesBefore = await queriesSent(running.pid, queryFile);
    await send(running.url, body, requests, 8);
    await sleep(STATS_SETTLE_MS);
    const after = await transactions(db.adminUrl, db.database);
    const queriesAfter = await queriesSent(running.pid, queryFile);
    return {
      requests,
      transactions: after - before,
      perRequest: (after - before) / requests,
      queries: queriesAfter - queriesBefore,
      clientPerRequest: (queriesAfter - queriesBefore) / requests,
    };
  } finally {
    running.stop();
  }
}

/** `count` requests, `parallel` at a time; each must answer 200 with a completed task. */
async function send(url, body, count, parallel) {
  let left = count;
  const worker = async () => {
    while (left > 0) {
      left--;
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "a2a-version": "1.0" },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      if (response.status !== 200 || !text.includes("TASK_STATE_COMPLETED")) {
        throw new Error(`unexpected answer ${response.status}: ${text.slice(0, 300)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** The server's count of queries sent (core-node-postgres.mjs writes it on SIGUSR2). */
async function queriesSent(pid, file) {
  rmSync(file, { force: true });
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 200; i++) {
    await sleep(25);
    try {
      return JSON.parse(readFileSync(file, "utf8")).queries;
    } catch {}
  }
  throw new Error("core-node-postgres: no query count");
}
