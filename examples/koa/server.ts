import type { AddressInfo } from "node:net";
import { demoAgentFromEnv, readyMessage } from "@a2a-mount/demo-agent";
import { a2aKoa, a2aWellKnown } from "@a2a-mount/koa";
import cors from "@koa/cors";
import Koa from "koa";

// Tasks in PostgreSQL when DATABASE_URL is set (every instance with the same URL is one agent).
const { a2a, storage } = await demoAgentFromEnv();
const app = new Koa();

app.use(cors());
app.use(async (ctx, next) => {
  const started = performance.now();
  ctx.res.on("close", () => {
    const ms = (performance.now() - started).toFixed(1);
    console.log(`${ctx.method} ${ctx.originalUrl} ${ctx.res.statusCode} ${ms} ms`);
  });
  await next();
});
app.use(a2aKoa(a2a, { path: "/a2a" }));
app.use(a2aWellKnown(a2a, { agentPath: "/a2a" }));
app.use(async (ctx) => {
  if (ctx.path === "/") ctx.body = "Your app's own routes keep working. The agent is at /a2a.\n";
});

const server = app.listen(Number(process.env.PORT ?? 3000), () => {
  const { port } = server.address() as AddressInfo;
  console.log(readyMessage(`http://localhost:${port}`, "/a2a", storage));
});
