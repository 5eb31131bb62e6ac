import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { a2aExpress } from "@a2a-mount/express";
import express5 from "express5";
import { afterEach, describe, expect, it } from "vitest";
import { makeTestAgent } from "../harness/agent.js";
import { a2aHeaders, rpcBody, userMessage } from "../harness/client.js";

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

async function start(app: express5.Express): Promise<string> {
  server = createServer(app);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/a2a`;
}

describe("bodies host middleware already read", () => {
  it("still holds the agent's limit when the host parser's is looser", async () => {
    const app = express5();
    app.use(express5.json({ limit: "10mb" }));
    app.use("/a2a", a2aExpress(makeTestAgent({ maxBodyBytes: 2048 }).a2a));
    const url = await start(app);
    const response = await fetch(url, {
      method: "POST",
      headers: a2aHeaders(),
      body: rpcBody("SendMessage", { message: userMessage("x".repeat(10_000)) }),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe(-32600);
  });

  it("serves a body express.text() left as a string", async () => {
    const app = express5();
    app.use(express5.text({ type: "*/*" }));
    app.use("/a2a", a2aExpress(makeTestAgent().a2a));
    const url = await start(app);
    const response = await fetch(url, {
      method: "POST",
      headers: a2aHeaders(),
      body: rpcBody("SendMessage", { message: userMessage("as text") }),
    });
    expect((await response.json()).result.task.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("serves a body express.raw() left as bytes", async () => {
    const app = express5();
    app.use(express5.raw({ type: "*/*" }));
    app.use("/a2a", a2aExpress(makeTestAgent().a2a));
    const url = await start(app);
    const response = await fetch(url, {
      method: "POST",
      headers: a2aHeaders(),
      body: rpcBody("SendMessage", { message: userMessage("as bytes") }),
    });
    expect((await response.json()).result.task.status.state).toBe("TASK_STATE_COMPLETED");
  });
});
