import { type A2AError, ERROR_KINDS } from "../../errors/a2a-error.js";
import type { HttpReply } from "../../http/exchange.js";
import { errorObject } from "../jsonrpc/envelope.js";

/** gRPC status names for HTTP-level failures, which have no A2A error type of their own. */
const STATUS_BY_HTTP: Readonly<Record<number, string>> = {
  404: "NOT_FOUND",
  405: "UNIMPLEMENTED",
  413: "INVALID_ARGUMENT",
  415: "INVALID_ARGUMENT",
};

/** The media type of 1.0 HTTP+JSON bodies (spec §11.1). */
export const A2A_JSON = "application/a2a+json";

/** The media type of 0.3 HTTP+JSON bodies (0.3 spec §3.2.3). */
export const PLAIN_JSON = "application/json";

/** A `google.rpc.Status` error body (spec §11.6): HTTP code, status name, message, details. */
export function statusBody(error: A2AError): string {
  const status =
    (error.transportStatus !== undefined ? STATUS_BY_HTTP[error.transportStatus] : undefined) ??
    ERROR_KINDS[error.kind].grpcStatus;
  return JSON.stringify({
    error: { code: error.httpStatus, status, message: error.message, details: error.details() },
  });
}

export function statusReply(error: A2AError, contentType: string = A2A_JSON): HttpReply {
  return {
    status: error.httpStatus,
    headers: { ...error.headers, "content-type": contentType },
    body: statusBody(error),
  };
}

/**
 * A 0.3 HTTP+JSON error body: the 0.3 spec asks only for "a consistent JSON format that
 * maps to A2A error types" (0.3 §3.2.3); the official 0.3 REST clients read the JSON-RPC
 * error object, `{code, message, data}`, and map `code` to their error classes.
 */
export function legacyErrorBody(error: A2AError): string {
  return JSON.stringify(errorObject(error));
}

/** A 0.3 HTTP+JSON error reply: the HTTP status of the error, a {@link legacyErrorBody}. */
export function legacyErrorReply(error: A2AError): HttpReply {
  return {
    status: error.httpStatus,
    headers: { ...error.headers, "content-type": PLAIN_JSON },
    body: legacyErrorBody(error),
  };
}
