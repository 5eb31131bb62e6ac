// A server in a process of its own, for heap measurements: started with --expose-gc, it
// answers the parent's { type: "heap" } with its heap after a full collection, and its stats.
// argv[2] picks the server:
// - "demo": the demo agent in Express 5, as `npm start` serves it;
// - "flood": an agent that answers "flood" with 3 000 events of 32 KB each, on node:http.
import { createServer } from "node:http";
import { createA2A, silentLogger } from "@a2a-mount/core";
import { toNodeHandler } from "@a2a-mount/core/node";
import { createDemoAgent } from "@a2a-mount/demo-agent";
import { a2aExpress } from "@a2a-mount/express";
import express from "express";

const scenario = process.argv[2];

function floodAgent() {
  return createA2A({
    card: {
      name: "Flood",
      description: "Publishes many large events",
      version: "1.0.0",
      skills: [{ id: "flood", name: "Flood", description: "Floods", tags: ["test"] }],
    },
    basePath: "/a2a",
    logger: silentLogger,
    executor: async (_ctx, task) => {
      for (let i = 0; i < 3000; i++) {
        // 32 KB of text of its own (no string shared between events, as with real data),
        // in the same artifact replaced each time: the task stays small, the stream does not.
        const text = Buffer.alloc(32 * 1024, 97 + (i % 26)).toString("latin1");
        await task.artifact({ artifactId: "out", parts: [{ text }] });
      }
      await task.complete("flooded");
    },
  });
}

let a2a;
let server;
if (scenario === "demo") {
  a2a = createDemoAgent();
  const app = express();
  app.use("/a2a", a2aExpress(a2a));
  server = createServer(app);
} else if (scenario === "flood") {
  a2a = floodAgent();
  server = createServer(toNodeHandler(a2a));
} else {
  throw new Error(`unknown scenario ${scenario}`);
}

process.on("message", (message) => {
  if (message?.type !== "heap") return;
  globalThis.gc();
  globalThis.gc();
  process.send({ type: "heap", heapUsed: process.memoryUsage().heapUsed, stats: a2a.stats() });
});
process.on("disconnect", () => process.exit(0));

server.listen(0, "127.0.0.1", () => {
  process.send({ type: "ready", port: server.address().port });
});
