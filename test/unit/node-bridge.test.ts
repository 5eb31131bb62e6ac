import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import type { FetchContext } from "@a2a-mount/core";
import { toNodeHandler } from "@a2a-mount/core/node";
import { afterEach, describe, expect, it } from "vitest";
import { makeTestAgent } from "../harness/agent.js";
import { a2aHeaders, rpcBody, until, userMessage } from "../harness/client.js";
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
    const origin = await serve(
      { fetch: () => Promise.reject(new Error("boom")) },
      { onError: () => {} },
    );
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

  it("turns a rejecting handler into a JSON-RPC 500", async () => {
    const seen: unknown[] = [];
    const origin = await serve(
      { fetch: () => Promise.reject(new Error("boom")) },
      { onError: (e) => seen.push(e) },
    );
    const response = await fetch(origin);
    expect(response.status).toBe(500);
    expect((await response.json()).error.code).toBe(-32603);
    expect(seen).toHaveLength(1);
  });

  it("cuts the connection when a stream fails after its headers went out, and keeps serving", async () => {
    let count = 0;
    const origin = await serve(
      {
        fetch: async () => {
          count++;
          if (count > 1) return new Response("ok");
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode("data: 1\n\n"));
            },
            pull(controller) {
              return new Promise((_, reject) =>
                setTimeout(() => {
                  controller.error(new Error("producer died"));
                  reject(new Error("producer died"));
                }, 20),
              );
            },
          });
          return new Response(body, { headers: { "content-type": "text/event-stream" } });
        },
      },
      { onError: () => {} },
    );
    const stream = await openRawStream(origin);
    expect(stream.status).toBe(200);
    expect(await stream.nextChunk()).toBe("data: 1\n\n");
    expect(await stream.nextChunk()).toBeUndefined();
    expect(await (await fetch(origin)).text()).toBe("ok");
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

  it("delivers a large stream intact to a slow reader (back-pressure, no loss)", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(97);
    const chunks = 128; // 8 MiB
    let produced = 0;
    const origin = await serve({
      fetch: async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              if (produced === chunks) return controller.close();
              produced++;
              controller.enqueue(chunk);
            },
          }),
        ),
    });
    const stream = await openRawStream(origin);
    let received = 0;
    for (;;) {
      const text = await stream.nextChunk();
      if (text === undefined) break;
      received += text.length;
      if (received < 1024 * 1024) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(received).toBe(chunk.length * chunks);
  });

  it("keeps Set-Cookie headers apart", async () => {
    const origin = await serve({
      fetch: async () => {
        const headers = new Headers();
        headers.append("set-cookie", "a=1; Path=/");
        headers.append("set-cookie", "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT");
        return new Response("{}", { headers });
      },
    });
    expect((await fetch(origin)).headers.getSetCookie()).toEqual([
      "a=1; Path=/",
      "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT",
    ]);
  });
});

describe("node bridge: the request's signal", () => {
  it("aborts when the client leaves mid-response, and not after a finished one", async () => {
    const signals: AbortSignal[] = [];
    const origin = await serve({
      fetch: async (request: Request, context?: FetchContext) => {
        signals.push(request.signal, context!.signal!);
        if (new URL(request.url).pathname === "/done") return new Response("done");
        return new Response(
          new ReadableStream({ start: (c) => c.enqueue(new Uint8Array([58, 10, 10])) }),
          {
            headers: { "content-type": "text/event-stream" },
          },
        );
      },
    });
    await (await fetch(`${origin}/done`)).text();
    const stream = await openRawStream(`${origin}/stream`);
    await stream.nextChunk();
    stream.close();
    await until(() => signals[2]!.aborted && signals[3]!.aborted);
    expect(signals[0]!.aborted).toBe(false);
    expect(signals[1]!.aborted).toBe(false);
  });

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
