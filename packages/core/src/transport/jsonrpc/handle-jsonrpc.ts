import { A2AError, errors } from "../../errors/a2a-error.js";
import type { Logger } from "../../ports/logger.js";
import type { A2AServer } from "../../server/a2a-server.js";
import type { CallContext, Principal } from "../../server/call-context.js";
import { describe } from "../../server/execution/execution.js";
import type { AgentExtension } from "../../wire/v1/index.js";
import { isJsonMediaType, readBodyText } from "../read-body.js";
import { sseResponse } from "../sse.js";
import { parseParams } from "../validation.js";
import { negotiateJsonRpcVersion, requestedVersion } from "../version.js";
import {
  errorBody,
  errorResponse,
  type JsonRpcId,
  parseEnvelope,
  readableId,
  resultBody,
  resultResponse,
} from "./envelope.js";
import { METHODS_V1 } from "./methods-v1.js";

export interface JsonRpcDeps {
  server: A2AServer;
  logger: Logger;
  maxBodyBytes: number;
  keepAliveMs: number;
  /** Extensions the card marks `required`: requests must ask for each. */
  requiredExtensions: readonly AgentExtension[];
}

export interface JsonRpcRequestInput {
  request: Request;
  url: URL;
  parsedBody: unknown;
  principal: Principal | undefined;
  signal: AbortSignal | undefined;
}

/** Any failure as an A2AError; anything unexpected is logged and becomes InternalError. */
export function toA2AError(error: unknown, logger: Logger): A2AError {
  if (error instanceof A2AError) return error;
  logger.error("unexpected error while handling a request", { error: describe(error) });
  return errors.internal();
}

function parseExtensions(header: string | null): string[] {
  if (!header) return [];
  return header
    .split(",")
    .map((uri) => uri.trim())
    .filter((uri) => uri !== "");
}

async function readJson(input: JsonRpcRequestInput, maxBodyBytes: number): Promise<unknown> {
  if (input.parsedBody !== undefined) return input.parsedBody;
  const text = await readBodyText(input.request, maxBodyBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new A2AError("JSON_PARSE", "Invalid JSON payload");
  }
}

/** The JSON-RPC binding on one POST endpoint (spec §9). */
export async function handleJsonRpc(
  deps: JsonRpcDeps,
  input: JsonRpcRequestInput,
): Promise<Response> {
  const { request } = input;
  let id: JsonRpcId = null;
  try {
    const contentType = request.headers.get("content-type");
    if (contentType !== null && !isJsonMediaType(contentType)) {
      throw new A2AError(
        "CONTENT_TYPE_NOT_SUPPORTED",
        `Content-Type ${contentType} is not supported; send application/json`,
        { transportStatus: 415, metadata: { contentType } },
      );
    }
    const body = await readJson(input, deps.maxBodyBytes);
    id = readableId(body);
    const rpc = parseEnvelope(body);
    const version = negotiateJsonRpcVersion(requestedVersion(request, input.url), rpc.method);
    const method = METHODS_V1.get(rpc.method);
    if (!method) {
      throw new A2AError("METHOD_NOT_FOUND", `Method not found: ${rpc.method}`, {
        metadata: { method: rpc.method },
      });
    }
    const params = parseParams(method.params, rpc.params);
    const requestedExtensions = parseExtensions(request.headers.get("a2a-extensions"));
    for (const extension of deps.requiredExtensions) {
      if (!requestedExtensions.includes(extension.uri!)) {
        throw new A2AError(
          "EXTENSION_SUPPORT_REQUIRED",
          `This agent requires the extension ${extension.uri}; declare it in A2A-Extensions`,
          { metadata: { extension: extension.uri! } },
        );
      }
    }
    const call: CallContext = {
      version,
      tenant: (params as { tenant?: string }).tenant ?? "",
      principal: input.principal,
      headers: request.headers,
      requestedExtensions,
    };
    if (method.kind === "unary") {
      return resultResponse(rpc.id, await method.run(deps.server, params, call));
    }
    const events = await method.run(deps.server, params, call);
    // Peek the first event: a failure before it is a plain JSON-RPC error, not a stream.
    let first: IteratorResult<unknown>;
    try {
      first = await events.next();
    } catch (error) {
      await events.return?.();
      throw error;
    }
    if (first.done) throw errors.internal();
    const requestId = rpc.id;
    return sseResponse({
      first: first.value,
      rest: events,
      encode: (event) => resultBody(requestId, event),
      encodeError: (error) => errorBody(requestId, toA2AError(error, deps.logger)),
      keepAliveMs: deps.keepAliveMs,
      signal: input.signal,
    });
  } catch (error) {
    return errorResponse(id, toA2AError(error, deps.logger));
  }
}
