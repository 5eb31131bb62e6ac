import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { toNodeHandler } from "@a2a-mount/core/node";
import { afterEach, describe, expect, it } from "vitest";
import { makeTestAgent, withInternals } from "../harness/agent.js";
import { a2aHeaders, rpcBody, userMessage } from "../harness/client.js";
import { openRawStream } from "../harness/raw-stream.js";

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(
  handler: Parameters<typeof toNodeHandler>[0],
  options?: Parameters<typeof toNodeHandler>[1],
) {
  server = createServer(toNodeHandler(handler, options));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Sends raw bytes and returns the raw response text (until the server closes or 1 s). */
function rawHttp(
  origin: string,
  text: string,
  options: { hangUp?: boolean } = {},
): Promise<string> {
  const { port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), "127.0.0.1", () =>
      socket.write(text, () => options.hangUp && setTimeout(() => socket.destroy(), 20)),
    );
    let out = "";
    socket.on("data", (chunk) => (out += chunk.toString()));
    const done = () => resolve(out);
    socket.on("close", done);
    setTimeout(() => socket.destroy(), 1000);
  });
}

describe("node bridge: requests Fetch cannot express", () => {
  it("answers a Host header that makes no URL with a JSON-RPC 400, not a crash", async () => {
    const origin = await serve(makeTestAgent().a2a);
    const body = rpcBody("GetTask", { id: "x" });
    const response = await rawHttp(
      origin,
      `POST / HTTP/1.1\r\nHost: bad host\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(response).toMatch(/^HTTP\/1.1 400/);
    expect(response).toContain('"code":-32600');
    // and the server still serves
    expect((await fetch(`${origin}/.well-known/agent-card.json`)).status).toBe(200);
  });
});

describe("node bridge: failures outside the agent", () => {
  it("turns a throwing getPrincipal into a JSON-RPC 500 and tells onError", async () => {
    const seen: unknown[] = [];
    const origin = await serve(makeTestAgent().a2a, {
      getPrincipal: () => {
        throw new Error("session store down /srv/app/session.js:12");
      },
      onError: (error) => seen.push(error),
    });
    const response = await fetch(origin, {
      method: "POST",
      headers: a2aHeaders(),
      body: rpcBody("GetTask", { id: "x" }),
    });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32603, message: "Internal error", data: [{ reason: "INTERNAL" }] },
    });
    expect(text).not.toContain("session store");
    expect(seen).toHaveLength(1);
  });

  it("stamps each 500 with the time it was sent, not the time the module loaded", async () => {
    const origin = await serve(makeTestAgent().a2a, {
      getPrincipal: () => Promise.reject(new Error("boom")),
      onError: () => {},
    });
    const timestamps: number[] = [];
    for (let i = 0; i < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      const before = Date.now();
      const body = await (await fetch(origin)).json();
      const stamped = Date.parse(body.error.data[0].metadata.timestamp);
      expect(stamped).toBeGreaterThanOrEqual(before);
      timestamps.push(stamped);
    }
    expect(timestamps[1]).toBeGreaterThan(timestamps[0]!);
  });

  it("turns a rejecting getPrincipal into a JSON-RPC 500", async () => {
    const seen: unknown[] = [];
    const origin = await serve(makeTestAgent().a2a, {
      getPrincipal: () => Promise.reject(new Error("boom")),
      onError: (e) => seen.push(e),
    });
    const response = await fetch(origin);
    expect(response.status).toBe(500);
    expect((await response.json()).error.code).toBe(-32603);
    expect(seen).toHaveLength(1);
  });

  it("cuts the connection when a stream fails after its headers went out, and keeps serving", async () => {
    const seen: unknown[] = [];
    let count = 0;
    // The agent's first reply is an event stream whose second frame fails.
    const agent = withInternals(makeTestAgent().a2a, ({ handle }) => ({
      handle: async (input) => {
        count++;
        if (count > 1) return handle(input);
        let frames = 0;
        return {
          status: 200,
          headers: { "content-type": "text/event-stream" },
          body: {
            next: () =>
              frames++ === 0
                ? Promise.resolve("data: 1\n\n")
                : new Promise<never>((_, reject) =>
                    setTimeout(() => reject(new Error("producer died")), 20),
                  ),
            close: () => {},
          },
        };
      },
    }));
    const origin = await serve(agent, { onError: (e) => seen.push(e) });
    const stream = await openRawStream(origin);
    expect(stream.status).toBe(200);
    expect(await stream.nextChunk()).toBe("data: 1\n\n");
    expect(await stream.nextChunk()).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect((await fetch(`${origin}/.well-known/agent-card.json`)).status).toBe(200);
  });
});

describe("node bridge: responses", () => {
  it("sends a complete body in one write with Content-Length", async () => {
    const origin = await serve(makeTestAgent().a2a);
    const response = await rawHttp(
      origin,
      "GET /.well-known/agent-card.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    expect(response).toMatch(/\r\ncontent-length: \d+\r\n/i);
    expect(response).not.toMatch(/transfer-encoding: chunked/i);
  });
});

describe("node bridge: a client that leaves", () => {
  it("survives a client that leaves mid-upload without running the agent", async () => {
    const agent = makeTestAgent();
    const origin = await serve(agent.a2a);
    await rawHttp(
      origin,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"jsonrpc":',
      { hangUp: true },
    );
    const response = await fetch(origin, {
      method: "POST",
      headers: a2aHeaders(),
      body: rpcBody("SendMessage", { message: userMessage("still here") }),
    });
    expect((await response.json()).result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(agent.principals).toHaveLength(1); // the executor ran for the second request only
  });
});
