import type { IncomingMessage, ServerResponse } from "node:http";
import { A2AError, errors } from "../errors/a2a-error.js";
import type { Principal } from "../server/call-context.js";
import type { FetchContext } from "../transport/fetch-handler.js";
import { errorBody } from "../transport/jsonrpc/envelope.js";
import { readNodeBody } from "./read-node-body.js";
import { requestHeaders, requestUrl, toRequest } from "./to-request.js";
import { writeResponse } from "./write-response.js";

/** What the bridge mounts: an agent from `createA2A`, or anything with the same `fetch`. */
export interface FetchHandlerLike {
  fetch(request: Request, context?: FetchContext): Promise<Response>;
  /** Largest body to read; the bridge reads at most one chunk past it. Default 1 MiB. */
  readonly maxBodyBytes?: number;
}

/** An agent an adapter mounts: it also says which paths are its own, so others go to `next()`. */
export interface MountableAgent extends FetchHandlerLike {
  handles(pathname: string, basePath?: string): boolean;
}

/** The path of a request target (`/a2a/tasks?x=1` -> `/a2a/tasks`), as adapters match it. */
export function pathnameOf(url: string): string {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/** A Node request as frameworks leave it: Express adds `originalUrl`, body parsers `body`. */
export type NodeRequest = IncomingMessage & { originalUrl?: string };

/** Per-request inputs an adapter adds to what the bridge reads off `req`. */
export interface NodeRequestOptions {
  /** Absolute URL of the request. Default: from `Host`, the socket and `req.originalUrl`. */
  url?: string;
  /** Where the agent is mounted for this request (e.g. Express's `req.baseUrl`). */
  basePath?: string;
  /** The body as host middleware parsed it, when the stream was consumed. */
  parsedBody?: unknown;
  /** The caller, as authenticated by the host app; may throw to refuse with a 500. */
  principal?: () => Principal | undefined | Promise<Principal | undefined>;
  /** Told about failures that became a 500. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const encoder = new TextEncoder();

/** The JSON-RPC-shaped 500 sent when something fails outside the agent's own error handling. */
const INTERNAL_ERROR_BODY = errorBody(null, errors.internal());

const BAD_REQUEST_BODY = errorBody(
  null,
  new A2AError("INVALID_REQUEST", "The request URL or a header is not valid HTTP"),
);

function sendJson(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}

/**
 * The body to hand to the core: what host middleware already parsed (re-serialised, so the
 * `Request` stays truthful) or the bytes read off the socket within the limit.
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
    const bytes = encoder.encode(JSON.stringify(parsedBody));
    // The host parser's limit may be looser than the agent's: past it, the core reads the
    // bytes instead of the value, and refuses them.
    return { bytes, parsed: bytes.byteLength > maxBytes ? undefined : parsedBody };
  }
  const { bytes, overflow } = await readNodeBody(req, maxBytes);
  return { bytes, parsed: undefined, overflow };
}

/**
 * Answers one Node request with a Fetch handler: builds the `Request` (URL from
 * `originalUrl`, headers, body within the limit), calls `handler.fetch` and writes the
 * `Response` back, streaming when it streams. The request's signal aborts when the client
 * goes away before the response finished. Never rejects: failures become a JSON-RPC-shaped
 * 500 (or a destroyed socket once headers are out).
 */
export async function handleNodeRequest(
  handler: FetchHandlerLike,
  req: NodeRequest,
  res: ServerResponse,
  options: NodeRequestOptions = {},
): Promise<void> {
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) controller.abort();
  };
  res.once("close", onClose);
  try {
    const principal = await options.principal?.();
    const maxBytes = handler.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const body = await bodyOf(req, options.parsedBody, maxBytes).catch(() => undefined);
    if (body === undefined) {
      res.destroy(); // the client left mid-upload, or its stream broke
      return;
    }
    const request = buildRequest(req, options, body, controller.signal);
    if (request === undefined) return sendJson(res, 400, BAD_REQUEST_BODY);
    const response = await handler.fetch(request, {
      parsedBody: body.parsed,
      principal,
      signal: controller.signal,
      basePath: options.basePath,
    });
    // The rest of an oversized upload is not worth reading: close after answering.
    if (body.overflow) res.shouldKeepAlive = false;
    await writeResponse(response, res);
  } catch (error) {
    (options.onError ?? console.error)(error);
    if (!res.destroyed) sendJson(res, 500, INTERNAL_ERROR_BODY);
  } finally {
    res.off("close", onClose);
  }
}

/** The Fetch request, or `undefined` when Node let through a URL or header Fetch refuses. */
function buildRequest(
  req: NodeRequest,
  options: NodeRequestOptions,
  body: { bytes: Uint8Array | undefined; parsed: unknown },
  signal: AbortSignal,
): Request | undefined {
  try {
    const headers = requestHeaders(req);
    if (body.parsed !== undefined && body.bytes !== undefined) {
      headers.set("content-length", String(body.bytes.byteLength));
    }
    return toRequest({
      url: options.url ?? requestUrl(req),
      method: req.method ?? "GET",
      headers,
      body: body.bytes,
      signal,
    });
  } catch {
    return undefined;
  }
}
