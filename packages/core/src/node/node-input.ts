import { A2AError } from "../errors/a2a-error.js";
import type { HttpInput, RequestOrigin } from "../http/exchange.js";
import { decodeUtf8, tooLarge } from "../transport/read-body.js";
import type { Principal } from "../types/principal.js";
import { approximateJsonBytes } from "../util/json-measure.js";
import { clientCertificateOf } from "./client-certificate.js";
import type { NodeRequest } from "./node-types.js";
import { readNodeBody } from "./read-node-body.js";
import { requestHeaders, type TargetParts } from "./request-target.js";

/** What reading the body did to the connection, for the bridge to act on after answering. */
export interface BodyOutcome {
  /** The body passed the limit and was not read to its end: close after answering. */
  overflow: boolean;
  /** The client went away mid-upload: there is no one to answer. */
  broken: boolean;
}

export interface NodeInputParts {
  target: TargetParts;
  origin: RequestOrigin;
  basePath: string | undefined;
  principal: Principal | undefined;
  /** What host middleware left in `req.body`. */
  parsedBody: unknown;
  /** The agent's body limit. */
  maxBytes: number;
}

interface Body {
  parsed: unknown;
  text: (maxBytes: number) => Promise<string>;
}

/**
 * A body host middleware already read: `express.raw()` leaves bytes, `express.text()` text,
 * `express.json()` a value. The host's limit may be looser than the agent's: past the
 * agent's, the body is refused with the 413 the agent gives.
 */
function preParsedBody(req: NodeRequest, body: unknown, maxBytes: number): Body {
  let size: number;
  let read = () => "";
  if (body instanceof Uint8Array) {
    size = body.byteLength;
    read = () => decodeUtf8(body);
  } else if (typeof body === "string") {
    size = Buffer.byteLength(body);
    read = () => body;
  } else {
    // A parsed value came from exactly Content-Length bytes; a chunked one is measured,
    // without recursion: the value may be nested far deeper than `JSON.stringify` copes with.
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    size = Number.isFinite(declared) ? declared : approximateJsonBytes(body, maxBytes);
    if (size <= maxBytes) return { parsed: body, text: async () => "" };
  }
  return {
    parsed: undefined,
    text: async (limit) => {
      if (size > limit) throw tooLarge(limit);
      return read();
    },
  };
}

/** The body read off the socket when a binding asks for it, within the limit. */
function socketBody(req: NodeRequest, outcome: BodyOutcome): Body {
  return {
    parsed: undefined,
    text: async (maxBytes) => {
      let read: { bytes: Uint8Array; overflow: boolean };
      try {
        read = await readNodeBody(req, maxBytes);
      } catch {
        outcome.broken = true;
        throw new A2AError("INVALID_REQUEST", "The request body could not be read");
      }
      if (read.overflow) {
        outcome.overflow = true;
        throw tooLarge(maxBytes);
      }
      return decodeUtf8(read.bytes);
    },
  };
}

function joined(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return typeof value === "string" ? value : value.join(", ");
}

/**
 * The bindings' view of a Node request, without Fetch objects: headers are read from
 * `req.headers`, and the body only when a binding asks for it, counting bytes against the
 * limit. What reading did to the connection is left in `outcome`.
 */
export function nodeInput(
  req: NodeRequest,
  parts: NodeInputParts,
  outcome: BodyOutcome,
): HttpInput {
  let headers: Headers | undefined;
  const body =
    req.readableEnded && parts.parsedBody !== undefined
      ? preParsedBody(req, parts.parsedBody, parts.maxBytes)
      : socketBody(req, outcome);
  return {
    method: req.method ?? "GET",
    path: parts.target.path,
    search: parts.target.search,
    origin: parts.origin,
    header: (name) => joined(req.headers[name]),
    headers: () => {
      headers ??= requestHeaders(req);
      return headers;
    },
    text: body.text,
    parsedBody: body.parsed,
    principal: parts.principal,
    basePath: parts.basePath,
    clientCertificate: () => clientCertificateOf(req.socket),
  };
}
