import type { AddressInfo } from "node:net";
import { demoAgentFromEnv, readyMessage } from "@a2a-mount/demo-agent";
import { a2aExpress, a2aWellKnown } from "@a2a-mount/express";
import cors from "cors";
import express from "express";

// Tasks in PostgreSQL when DATABASE_URL is set (every instance with the same URL is one agent).
const { a2a, storage } = await demoAgentFromEnv();
const app = express();

app.use(cors());
app.use((req, res, next) => {
  const started = performance.now();
  res.on("close", () => {
    const ms = (performance.now() - started).toFixed(1);
    console.log(`${req.method} ${req.originalUrl} ${res.statusCode} ${ms} ms`);
  });
  next();
});
app.use("/a2a", a2aExpress(a2a));
app.use(a2aWellKnown(a2a, { agentPath: "/a2a" }));
app.get("/", (_req, res) => {
  res.type("text/plain").send("Your app's own routes keep working. The agent is at /a2a.\n");
});

const server = app.listen(Number(process.env.PORT ?? 3000), () => {
  const { port } = server.address() as AddressInfo;
  console.log(readyMessage(`http://localhost:${port}`, "/a2a", storage));
});
