import type { HttpInput } from "../../http/exchange.js";
import type { Authenticated } from "../../security/security-policy.js";
import type { EventStream } from "../../server/a2a-server.js";
import type { ProtocolVersion } from "../../types/protocol-version.js";
import { type BindingDeps, buildCallContext } from "../binding-support.js";
import { parseParams } from "../validation.js";
import type { Method } from "./method.js";

/**
 * What an operation gives: a result for a unary one, events for a streaming one, each on
 * its way (a caller awaits the one its method's kind names).
 */
export type Invoked =
  | { kind: "unary"; result: Promise<unknown> }
  | { kind: "stream"; events: Promise<EventStream> };

/**
 * Runs an operation for either binding: reads `raw` with the method's params schema (or
 * throws InvalidParams), builds the call context (checking required extensions) and starts
 * it. Synchronous, so that a request costs no async frame here.
 */
export function invoke(
  deps: BindingDeps,
  input: HttpInput,
  method: Method,
  raw: unknown,
  request: { version: ProtocolVersion; agentUrl: string; auth: Authenticated },
): Invoked {
  const params = parseParams(method.params, raw);
  const tenant = (params as { tenant?: string }).tenant ?? "";
  const call = buildCallContext(input, deps, { ...request, tenant });
  if (method.kind === "unary") {
    return { kind: "unary", result: method.run(deps.server, params, call) };
  }
  return { kind: "stream", events: method.run(deps.server, params, call) };
}
