// The core on bare node:http through the bridge, like core-node.mjs, with the demo agent's
// tasks in PostgreSQL (DATABASE_URL) through @a2a-mount/postgres, as an app would open it.
// With BENCH_QUERY_FILE set (the statement count only, not the load runs), it counts the
// queries its pg clients send and writes the count there on SIGUSR2.
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { silentLogger } from "@a2a-mount/core";
import { toNodeHandler } from "@a2a-mount/core/node";
import { createDemoAgent } from "@a2a-mount/demo-agent";
import { createPostgresTaskStore } from "@a2a-mount/postgres";
import pg from "pg";
import { listen } from "../lib/listen.mjs";

const queryFile = process.env.BENCH_QUERY_FILE;
if (queryFile) {
  let queries = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(...args) {
    queries++;
    return query.apply(this, args);
  };
  process.on("SIGUSR2", () => writeFileSync(queryFile, JSON.stringify({ queries })));
}

// BENCH_SYNCHRONOUS_COMMIT=off measures the store's `synchronousCommit: false`.
const taskStore = await createPostgresTaskStore({
  connectionString: process.env.DATABASE_URL,
  logger: silentLogger,
  ...(process.env.BENCH_SYNCHRONOUS_COMMIT === "off" && { synchronousCommit: false }),
});
const a2a = createDemoAgent({ basePath: "/a2a", logger: silentLogger, taskStore });
listen(createServer(toNodeHandler(a2a)));
