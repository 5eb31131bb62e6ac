import type { ServerResponse } from "node:http";
import { originUrl } from "../http/exchange.js";
import { isValidHost } from "../transport/request-origin.js";
import type { Principal } from "../types/principal.js";
import { clientCertificateOf } from "./client-certificate.js";
import type { FetchHandlerLike, NodeRequest, NodeRequestOptions } from "./node-types.js";
import { readNodeBody } from "./read-node-body.js";
import {
  requestHeaders,
  requestTarget,
  socketOrigin,
  splitTarget,
  toRequest,
} from "./to-request.js";
import { writeResponse } from "./write-response.js";

const encoder = new TextEncoder();

/**
 * The body to hand to a Fetch handler: what host middleware already parsed (re-serialised,
 * so the `Request` stays truthful) or the bytes read off the socket within the limit.
 */
async function bodyOf(
  req: NodeRequest,
  parsedBody: unknown,
  maxBytes: number,
): Promise<{ bytes: Uint8Array | undefined; parsed: unknown; overflow?: boolean }> {
  if (req.readableEnded && parsedBody !== undefined) {
    // express.raw() / express.text() leave bytes or text; express.json() leaves a value.
    if (parsedBody instanceof Uint8Array) return { bytes: parsedBody, parsed: undefined };
    if (typeof parsedBody === "string")
      return { bytes: encoder.encode(parsedBody), parsed: undefined };
    let text: string;
    try {
      text = JSON.stringify(parsedBody);
    } catch {
      // Nested too deep to serialise: the handler gets the value alone (and refuses it).
      return { bytes: undefined, parsed: parsedBody };
    }
    const bytes = encoder.encode(text);
    // The host parser's limit may be looser than the handler's: past it, the handler reads
    // the bytes instead of the value, and refuses them.
    return { bytes, parsed: bytes.byteLength > maxBytes ? undefined : parsedBody };
  }
  const { bytes, overflow } = await readNodeBody(req, maxBytes);
  return { bytes, parsed: undefined, overflow };
}

/**
 * Serves a Node request with any Fetch handler. The request's signal aborts when the client
 * goes away before the response finished. Resolves `false` when the request's URL or a
 * header is one Fetch refuses (the caller answers 400).
 */
export async function serveFetch(
  handler: FetchHandlerLike,
  req: NodeRequest,
  res: ServerResponse,
  options: NodeRequestOptions,
  principal: Principal | undefined,
  maxBytes: number,
): Promise<boolean> {
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) controller.abort();
  };
  res.once("close", onClose);
  try {
    const body = await bodyOf(req, options.parsedBody, maxBytes).catch(() => undefined);
    if (body === undefined) {
      res.destroy(); // the client left mid-upload, or its stream broke
      return true;
    }
    const request = buildRequest(req, options, body, controller.signal);
    if (request === undefined) return false;
    const response = await handler.fetch(request, {
      parsedBody: body.parsed,
      principal,
      signal: controller.signal,
      basePath: options.basePath,
      clientCertificate: clientCertificateOf(req.socket),
      origin: options.origin,
    });
    // The rest of an oversized upload is not worth reading: close after answering.
    if (body.overflow) res.shouldKeepAlive = false;
    await writeResponse(response, res);
    return true;
  } finally {
    res.off("close", onClose);
  }
}

/**
 * The request's URL from the origin and the target's path, or `undefined` when the origin is
 * not `http(s)://host[:port]`: a `Host` must never be able to change the path.
 */
function urlOf(req: NodeRequest, options: NodeRequestOptions): string | undefined {
  const origin = options.origin ?? socketOrigin(req);
  const { protocol, host } = origin;
  if (protocol !== "http" && protocol !== "https") return undefined;
  if (host !== null && !isValidHost(host)) return undefined;
  const { path, search } = splitTarget(requestTarget(req, options));
  if (!path.startsWith("/")) return undefined;
  return `${originUrl(origin)}${path}${search}`;
}

/** The Fetch request, or `undefined` when Node let through a URL or header Fetch refuses. */
function buildRequest(
  req: NodeRequest,
  options: NodeRequestOptions,
  body: { bytes: Uint8Array | undefined; parsed: unknown },
  signal: AbortSignal,
): Request | undefined {
  const url = urlOf(req, options);
  if (url === undefined) return undefined;
  try {
    const headers = requestHeaders(req);
    if (body.parsed !== undefined && body.bytes !== undefined) {
      headers.set("content-length", String(body.bytes.byteLength));
    }
    return toRequest({
      url,
      method: req.method ?? "GET",
      headers,
      body: body.bytes,
      signal,
    });
  } catch {
    return undefined;
  }
}
