import { type A2A, type A2AOptions, createA2A, silentLogger } from "../src/index.js";

export const BASE = "http://agent.test/a2a";

export const testCard: A2AOptions["card"] = {
  name: "Test agent",
  description: "An agent for tests",
  version: "1.0.0",
  skills: [{ id: "echo", name: "Echo", description: "Echoes text", tags: ["test"] }],
};

/** An agent with test defaults: mounted at /a2a, silent logger. */
export function makeAgent(overrides: Partial<A2AOptions> & Pick<A2AOptions, "executor">): A2A {
  return createA2A({ card: testCard, basePath: "/a2a", logger: silentLogger, ...overrides });
}

let nextId = 1;

/** A user message with one text part. */
export function userMessage(text: string, extra: Record<string, unknown> = {}) {
  return { messageId: `m-${nextId++}`, role: "ROLE_USER", parts: [{ text }], ...extra };
}

export function rpcRequest(
  method: string,
  params?: unknown,
  options: { headers?: Record<string, string>; id?: unknown; url?: string } = {},
): Request {
  const body: Record<string, unknown> = { jsonrpc: "2.0", id: options.id ?? 1, method };
  if (params !== undefined) body.params = params;
  return new Request(options.url ?? BASE, {
    method: "POST",
    headers: { "content-type": "application/json", "a2a-version": "1.0", ...options.headers },
    body: JSON.stringify(body),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
export type Json = any;

/** Calls a unary method and returns the parsed JSON-RPC response body. */
export async function rpc(
  a2a: A2A,
  method: string,
  params?: unknown,
  options?: Parameters<typeof rpcRequest>[2],
): Promise<Json> {
  const response = await a2a.fetch(rpcRequest(method, params, options));
  return response.json();
}

/** Parses a complete SSE body into its `data:` payloads (JSON) and comments. */
export function parseSse(text: string): { events: Json[]; comments: string[] } {
  const events: Json[] = [];
  const comments: string[] = [];
  for (const block of text.split("\n\n")) {
    for (const line of block.split("\n")) {
      if (line.startsWith("data: ")) events.push(JSON.parse(line.slice(6)));
      else if (line.startsWith(":")) comments.push(line.slice(1).trim());
    }
  }
  return { events, comments };
}

/** Reads a whole SSE response. */
export async function readSse(response: Response): Promise<Json[]> {
  return parseSse(await response.text()).events;
}

/** One SSE frame: its `id:` (if any) and its `data:` as JSON. */
export interface Frame {
  id: string | undefined;
  data: Json;
}

/** The frames of an SSE response as they arrive, keeping each frame's id (comments skipped). */
export async function* sseFrames(response: Response): AsyncGenerator<Frame> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        if (buffer.trim() !== "") throw new Error(`the stream ended inside a frame: ${buffer}`);
        return;
      }
      buffer += value;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let id: string | undefined;
        let data: Json;
        for (const line of block.split("\n")) {
          if (line.startsWith("id: ")) id = line.slice(4);
          else if (line.startsWith("data: ")) data = JSON.parse(line.slice(6));
        }
        if (data !== undefined) yield { id, data };
        end = buffer.indexOf("\n\n");
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Reads SSE events one by one as they arrive. */
export async function* sseEvents(response: Response): AsyncGenerator<Json> {
  for await (const frame of sseFrames(response)) yield frame.data;
}

/** A promise with its resolver, for steering an executor from a test. */
export function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

/** Waits until `check` is true, polling on the event loop (bounded). */
export async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A request for the agent card in its A2A 1.0 shape (without a version, 0.3 is served). */
export function cardRequest(url: string, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  if (!headers.has("a2a-version")) headers.set("a2a-version", "1.0");
  return new Request(url, { ...init, headers });
}
