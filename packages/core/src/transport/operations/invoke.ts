import type { HttpInput } from "../../http/exchange.js";
import type { Authenticated } from "../../security/security-policy.js";
import type { EventStream } from "../../server/a2a-server.js";
import type { ProtocolVersion } from "../../types/protocol-version.js";
import { type BindingDeps, buildCallContext } from "../binding-support.js";
import { parseParams } from "../validation.js";
import type { Method } from "./method.js";

/** What an operation gave: a result for a unary one, events for a streaming one. */
export type Invoked = { kind: "unary"; result: unknown } | { kind: "stream"; events: EventStream };

/**
 * Runs an operation for either binding: reads `raw` with the method's params schema (or
 * throws InvalidParams), builds the call context (checking required extensions) and runs it.
 */
export async function invoke(
  deps: BindingDeps,
  input: HttpInput,
  method: Method,
  raw: unknown,
  request: { version: ProtocolVersion; agentUrl: string; auth: Authenticated },
): Promise<Invoked> {
  const params = parseParams(method.params, raw);
  const tenant = (params as { tenant?: string }).tenant ?? "";
  const call = buildCallContext(input, deps, { ...request, tenant });
  if (method.kind === "unary") {
    return { kind: "unary", result: await method.run(deps.server, params, call) };
  }
  return { kind: "stream", events: await method.run(deps.server, params, call) };
}
