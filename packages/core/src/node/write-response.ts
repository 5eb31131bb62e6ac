import type { ServerResponse } from "node:http";
import { drained, type Flushable } from "./write-reply.js";

function copyHeaders(response: Response, res: ServerResponse): void {
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) {
    // Keep cookies the host's middleware already set (sessions, CSRF tokens).
    const existing = res.getHeader("set-cookie");
    const before =
      existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
    res.setHeader("set-cookie", [...before, ...cookies]);
  }
}

const LATER = Symbol("later");

/** `promise`'s value if it settles within this turn of the event loop, else `LATER`. */
function withinTurn<T>(promise: Promise<T>): Promise<T | typeof LATER> {
  let immediate: ReturnType<typeof setImmediate> | undefined;
  const later = new Promise<typeof LATER>((resolve) => {
    immediate = setImmediate(resolve, LATER);
  });
  return Promise.race([promise, later]).finally(() => clearImmediate(immediate));
}

/**
 * Writes a Fetch `Response` to a Node response. A body that is complete at once (any
 * ordinary response) goes out in one write with a `Content-Length`; a body still being
 * produced (a stream) is written chunk by chunk as each arrives, headers with the first,
 * honouring back-pressure and flushing compression middleware after every chunk, so each
 * SSE event reaches the client as it happens. When the client goes away first, the body is
 * cancelled, which releases whatever feeds it.
 */
export async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  copyHeaders(response, res);
  const body = response.body;
  if (body === null) {
    res.end();
    return;
  }
  const reader = body.getReader();
  const onClose = () => {
    if (!res.writableFinished) void reader.cancel().catch(() => {});
  };
  res.once("close", onClose);
  try {
    const first = await reader.read();
    if (first.done) {
      res.end();
      return;
    }
    const pending = reader.read();
    const second = await withinTurn(pending);
    if (second !== LATER && second.done) {
      if (!res.hasHeader("content-length")) res.setHeader("content-length", first.value.byteLength);
      res.end(first.value);
      return;
    }
    if (!(await writeChunk(res, first.value))) return;
    let next = second === LATER ? await pending : second;
    while (!next.done) {
      if (!(await writeChunk(res, next.value))) return;
      next = await reader.read();
    }
    if (!res.destroyed) res.end();
  } catch (error) {
    void reader.cancel().catch(() => {});
    throw error;
  } finally {
    res.off("close", onClose);
  }
}

/** Writes and flushes one chunk; false when the client is gone. */
async function writeChunk(res: ServerResponse, chunk: Uint8Array): Promise<boolean> {
  if (res.destroyed) return false;
  const ok = res.write(chunk);
  (res as Flushable).flush?.();
  if (!ok) await drained(res);
  return !res.destroyed;
}
