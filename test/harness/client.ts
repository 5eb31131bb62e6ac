import type { Running } from "./targets/index.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
export type Json = any;

let nextId = 1;

/** A user message with one text part. */
export function userMessage(text: string, extra: Record<string, unknown> = {}) {
  return { messageId: `m-${nextId++}`, role: "ROLE_USER", parts: [{ text }], ...extra };
}

/** JSON-RPC 2.0 request text. */
export function rpcBody(method: string, params?: unknown, id: string | number = nextId++): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id,
    method,
    ...(params === undefined ? {} : { params }),
  });
}

/** Headers of an A2A 1.0 JSON request, plus `extra`. */
export function a2aHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { "content-type": "application/json", "a2a-version": "1.0", ...extra };
}

/** POSTs a JSON-RPC call to the agent endpoint and returns the response. */
export function postRpc(
  running: Running,
  method: string,
  params?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return running.fetch(running.url, {
    method: "POST",
    headers: a2aHeaders(headers),
    body: rpcBody(method, params),
  });
}

/** Calls a unary JSON-RPC method and returns the parsed response body. */
export async function rpc(
  running: Running,
  method: string,
  params?: unknown,
  headers: Record<string, string> = {},
): Promise<Json> {
  return (await postRpc(running, method, params, headers)).json();
}

/** Waits until `check` is true, polling (bounded). */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 3000,
): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
