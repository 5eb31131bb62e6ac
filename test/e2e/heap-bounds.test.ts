import { type ChildProcess, fork } from "node:child_process";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { a2aHeaders, rpcBody, until } from "../harness/client.js";

const HEAP_SERVER = fileURLToPath(new URL("../harness/heap-server.mjs", import.meta.url));
const MB = 1024 * 1024;

interface Heap {
  heapUsed: number;
  stats: { activeExecutions: number; subscribers: number };
}

/** A heap server (see heap-server.mjs) in its own process, with --expose-gc. */
async function startServer(scenario: "demo" | "flood") {
  const child: ChildProcess = fork(HEAP_SERVER, [scenario], {
    execArgv: ["--expose-gc"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.push(child);
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`heap server exited with ${code}`)));
    child.on("message", (message: { type: string; port?: number }) => {
      if (message.type === "ready") resolve(message.port!);
    });
  });
  const heap = () =>
    new Promise<Heap>((resolve) => {
      const onMessage = (message: { type: string } & Heap) => {
        if (message.type !== "heap") return;
        child.off("message", onMessage);
        resolve(message);
      };
      child.on("message", onMessage);
      child.send({ type: "heap" });
    });
  return { url: `http://127.0.0.1:${port}/a2a`, heap };
}

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

describe("memory is bounded in bytes (heap measured in a child process)", () => {
  it("anonymous 1 MiB /input requests with a data part of tiny values leave the demo agent's heap bounded", async () => {
    const server = await startServer("demo");
    // Just under the 1 MiB body limit: `/input` (the task waits for input, as the attack's
    // did) and a data part of ~500 000 zeros, ~21 MB of heap each as parsed objects.
    const head = `{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":"m","role":"ROLE_USER","parts":[{"text":"/input"},{"data":{"v":[0`;
    const tail = "]}}]}}}";
    const count = Math.floor((1024 * 1024 - head.length - tail.length) / 2);
    const body = `${head}${",0".repeat(count)}${tail}`;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(1024 * 1024);

    const before = (await server.heap()).heapUsed;
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const response = await fetch(server.url, { method: "POST", headers: a2aHeaders(), body });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    const after = (await server.heap()).heapUsed;
    // Held as parsed objects, 40 such tasks take ~160 MB; as JSON within the budget, 16 MiB.
    expect(after - before).toBeLessThan(40 * MB);
    // The anonymous owner's 16 MiB fill up (each task holds its 1 MiB message twice: in the
    // task and in its log), then the rest are refused with 429.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(20);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  }, 60_000);

  it("a reader that stops reading never grows the server by more than its stream's bound", async () => {
    const server = await startServer("flood");
    const before = (await server.heap()).heapUsed;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(server.url, { method: "POST", headers: a2aHeaders() });
      req.on("error", reject);
      req.on("response", resolve);
      req.end(
        rpcBody("SendStreamingMessage", {
          message: { messageId: "m", role: "ROLE_USER", parts: [{ text: "flood" }] },
        }),
      );
    });
    expect(response.statusCode).toBe(200);
    // Read the first frame, then stop reading.
    await new Promise<void>((resolve) => response.once("data", () => resolve()));
    response.pause();
    // The agent is never held back: it publishes all 3 000 events (~96 MB) and finishes.
    // Queued for the reader, they would stay in the heap (~91 MB) until it hung up.
    let last: Heap | undefined;
    await until(async () => {
      last = await server.heap();
      return last.stats.activeExecutions === 0;
    }, 20_000);
    const grown = last!.heapUsed - before;
    expect(grown).toBeLessThan(30 * MB);
    // The reader was dropped (its listener released); the socket holds what was written.
    expect(last!.stats.subscribers).toBe(0);
    response.destroy();
  }, 60_000);
});
