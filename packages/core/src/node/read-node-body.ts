import type { IncomingMessage } from "node:http";

/** A request body as read off the socket. */
export interface NodeBody {
  bytes: Uint8Array;
  /** True when reading stopped because the body passed `maxBytes`. */
  overflow: boolean;
}

const EMPTY: NodeBody = { bytes: new Uint8Array(0), overflow: false };

/**
 * Reads a request body, counting bytes: it stops at the first chunk that passes `maxBytes`
 * and returns what it read so far, so the core answers 413 in the shape of the endpoint.
 * A declared `Content-Length` over the limit is not read at all.
 */
export function readNodeBody(req: IncomingMessage, maxBytes: number): Promise<NodeBody> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.resolve({ bytes: new Uint8Array(0), overflow: true });
  }
  if (req.readableEnded) return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    // `error` stays attached after an error, so a second one is not unhandled.
    const detach = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
    };
    const done = (overflow: boolean) => {
      detach();
      req.off("error", onError);
      if (overflow) req.pause();
      resolve({ bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total), overflow });
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      chunks.push(buffer);
      total += buffer.byteLength;
      if (total > maxBytes) done(true);
    };
    const onEnd = () => done(false);
    const onError = (error: Error) => {
      detach();
      reject(error);
    };
    // A client that goes away mid-upload leaves neither `end` nor always `error`.
    const onClose = () => {
      if (!req.readableEnded) onError(new Error("request closed before its body was read"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}
