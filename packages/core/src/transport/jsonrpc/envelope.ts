import { A2AError } from "../../errors/a2a-error.js";
import type { HttpReply } from "../../http/exchange.js";
import { isRecord } from "../../util/is-record.js";
import { resultJson } from "../../wire/task-json.js";

export type JsonRpcId = string | number | null;

export interface JsonRpcRequest {
  id: JsonRpcId;
  method: string;
  params: unknown;
}

/** The id to answer with, even for an invalid request, when one can be read. */
export function readableId(body: unknown): JsonRpcId {
  if (!isRecord(body)) return null;
  const { id } = body;
  return typeof id === "string" || (typeof id === "number" && Number.isFinite(id)) ? id : null;
}

/** Checks a JSON-RPC 2.0 request object; throws InvalidRequest saying what is wrong. */
export function parseEnvelope(body: unknown): JsonRpcRequest {
  const invalid = (message: string) => new A2AError("INVALID_REQUEST", message);
  if (Array.isArray(body)) throw invalid("Batch requests are not supported; send one request");
  if (!isRecord(body)) throw invalid("The body is not a JSON-RPC request object");
  if (body.jsonrpc !== "2.0") throw invalid('jsonrpc must be "2.0"');
  if (typeof body.method !== "string" || body.method === "") {
    throw invalid("method must be a non-empty string");
  }
  if (!("id" in body)) throw invalid("id is required: A2A does not use notifications");
  const { id } = body;
  if (!(typeof id === "string" || typeof id === "number" || id === null)) {
    throw invalid("id must be a string, a number or null");
  }
  if (body.params !== undefined && !isRecord(body.params)) {
    throw new A2AError("INVALID_PARAMS", "params must be an object");
  }
  return { id, method: body.method, params: body.params ?? {} };
}

/** A JSON-RPC success response body; it always has `result` (`null` for no value). */
export function resultBody(id: JsonRpcId, result: unknown): string {
  if (result === undefined) return JSON.stringify({ jsonrpc: "2.0", id, result: null });
  return resultEnvelope(id, resultJson(result));
}

/** A JSON-RPC success response body around a result already serialised. */
export function resultEnvelope(id: JsonRpcId, resultJsonText: string): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${resultJsonText}}`;
}

/** A JSON-RPC error response body, with `google.rpc` details in `error.data`. */
export function errorBody(id: JsonRpcId, error: A2AError): string {
  return JSON.stringify({ jsonrpc: "2.0", id, error: errorObject(error) });
}

/** The JSON-RPC error object: `code`, `message`, and the `google.rpc` details as `data`. */
export function errorObject(error: A2AError) {
  return { code: error.code, message: error.message, data: error.details() };
}

export function resultReply(id: JsonRpcId, result: unknown): HttpReply {
  return {
    status: 200,
    headers: { "content-type": "application/json" },
    body: resultBody(id, result),
  };
}

/** JSON-RPC errors travel with HTTP 200, except failures at the HTTP level (413, 415, ...). */
export function errorReply(id: JsonRpcId, error: A2AError): HttpReply {
  return {
    status: error.transportStatus ?? 200,
    headers: { ...error.headers, "content-type": "application/json" },
    body: errorBody(id, error),
  };
}
