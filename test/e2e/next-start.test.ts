import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { a2aHeaders, rpc, rpcBody, userMessage } from "../harness/client.js";
import { openRawStream } from "../harness/raw-stream.js";
import type { Running } from "../harness/targets/index.js";

const exampleDir = fileURLToPath(new URL("../../examples/next", import.meta.url));
const nextBin = createRequire(`${exampleDir}/package.json`).resolve("next/dist/bin/next");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

let server: ChildProcess | undefined;
let origin = "";

/** Starts `next start` on a free port and resolves with the URL it prints. */
function nextStart(): Promise<string> {
  return new Promise((resolve, reject) => {
    server = spawn(process.execPath, [nextBin, "start", "-p", "0", "-H", "127.0.0.1"], {
      cwd: exampleDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`next start did not get ready:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Local:\s+(http:\/\/\S+)/.exec(output)?.[1];
      if (url && output.includes("Ready")) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    server.stdout!.on("data", onData);
    server.stderr!.on("data", onData);
    server.on("exit", (code) => reject(new Error(`next start exited with ${code}:\n${output}`)));
  });
}

describe("examples/next under next build && next start", () => {
  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [nextBin, "build"], { cwd: exampleDir, env });
    origin = await nextStart();
  }, 180_000);

  afterAll(() => {
    server?.kill();
  });

  const running = (): Running => ({
    origin,
    url: `${origin}/api/a2a`,
    fetch: (url, init) => fetch(url, init),
    stream: (url, init) => openRawStream(url, init),
    close: async () => {},
  });

  it("serves the card at the root well-known path, naming the catch-all route", async () => {
    const response = await fetch(`${origin}/.well-known/agent-card.json`, {
      headers: { "a2a-version": "1.0" },
    });
    expect(response.status).toBe(200);
    const card = await response.json();
    expect(card.supportedInterfaces.map((i: { url: string }) => i.url)).toEqual([
      `${origin}/api/a2a`,
      `${origin}/api/a2a`,
    ]);
  });

  it("answers JSON-RPC and HTTP+JSON from the same task store", async () => {
    const sent = await rpc(running(), "SendMessage", { message: userMessage("hi there") });
    expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const response = await fetch(`${origin}/api/a2a/tasks/${sent.result.task.id}`, {
      headers: { "a2a-version": "1.0" },
    });
    expect(response.status).toBe(200);
    const task = await response.json();
    expect(task.artifacts[0].parts.map((p: { text: string }) => p.text).join("")).toBe("hi there");
  });

  it("streams SSE event by event", async () => {
    const stream = await openRawStream(`${origin}/api/a2a`, {
      method: "POST",
      headers: a2aHeaders(),
      body: rpcBody("SendStreamingMessage", { message: userMessage("one two three four") }),
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    // The words are 50 ms apart: each must arrive as its own chunk, not all at the end.
    let chunks = 0;
    let text = "";
    for (;;) {
      const chunk = await stream.nextChunk();
      if (chunk === undefined) break;
      chunks++;
      text += chunk;
    }
    expect(chunks).toBeGreaterThanOrEqual(4);
    expect(text).toContain("TASK_STATE_COMPLETED");
  });

  it("answers the core's errors, not Next's", async () => {
    const response = await fetch(`${origin}/api/a2a`, {
      method: "POST",
      headers: a2aHeaders(),
      body: "{not json",
    });
    expect((await response.json()).error.code).toBe(-32700);
    const missing = await fetch(`${origin}/api/a2a/tasks/nope`, {
      headers: { "a2a-version": "1.0" },
    });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.status).toBe("NOT_FOUND");
  });
});
