import type { ServerResponse } from "node:http";
import { type EventFrames, type HttpReply, isEventStream } from "../http/exchange.js";

/** What compression middleware adds: sends buffered output now. */
export type Flushable = ServerResponse & { flush?: () => void };

/** Resolves when `res` can take more data, or when the client is gone. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * Writes a reply to a Node response. A whole body goes out in one write with its
 * `Content-Length`; an event stream frame by frame as each comes, honouring back-pressure
 * and flushing compression middleware, so each event reaches the client as it happens.
 * Headers the host already set (CORS, cookies) are kept.
 */
export async function writeReply(reply: HttpReply, res: ServerResponse): Promise<void> {
  const { body } = reply;
  if (isEventStream(body)) return writeEvents(reply, body, res);
  const headers: Record<string, string | number> = reply.headers;
  if (body !== null) headers["content-length"] = Buffer.byteLength(body);
  res.writeHead(reply.status, headers);
  res.end(body ?? undefined);
}

async function writeEvents(reply: HttpReply, frames: EventFrames, res: ServerResponse) {
  // A client that leaves stops the events and releases what feeds them (one that left
  // before the stream opened is found gone at the first frame).
  const onClose = () => frames.close();
  res.once("close", onClose);
  // Frames that come within one turn of the event loop (a burst of events) leave in one
  // write: the socket is corked at the first and uncorked, and compression flushed, after.
  let corked = false;
  const uncork = () => {
    if (!corked) return;
    corked = false;
    res.uncork();
    (res as Flushable).flush?.();
  };
  try {
    res.writeHead(reply.status, reply.headers);
    for (let frame = await frames.next(); frame !== undefined; frame = await frames.next()) {
      if (res.destroyed) return;
      if (!corked) {
        corked = true;
        res.cork();
        setImmediate(uncork);
      }
      if (!res.write(frame)) {
        uncork();
        await drained(res);
      }
    }
    uncork();
    if (!res.destroyed) res.end();
  } finally {
    uncork();
    res.off("close", onClose);
    frames.close();
  }
}
