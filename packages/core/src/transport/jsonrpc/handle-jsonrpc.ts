import { A2AError } from "../../errors/a2a-error.js";
import type { HttpInput, HttpReply } from "../../http/exchange.js";
import {
  type BindingDeps,
  openEventStream,
  readJsonBody,
  sseReply,
  toA2AError,
} from "../binding-support.js";
import { invoke } from "../operations/invoke.js";
import { JSONRPC_METHODS } from "../operations/routes.js";
import { negotiateJsonRpcVersion, requestedVersion } from "../version.js";
import {
  errorBody,
  errorReply,
  type JsonRpcId,
  parseEnvelope,
  readableId,
  resultEnvelope,
  resultReply,
} from "./envelope.js";

/** The JSON-RPC binding on one POST endpoint (spec §9). */
export async function handleJsonRpc(
  deps: BindingDeps,
  input: HttpInput,
  agentUrl: string,
): Promise<HttpReply> {
  let id: JsonRpcId = null;
  try {
    // Credentials first: an unauthenticated body is not even read (so its id is unknown).
    const authenticating = deps.security.authenticate(input);
    const auth = authenticating instanceof Promise ? await authenticating : authenticating;
    const body = await readJsonBody(input, deps);
    id = readableId(body);
    const rpc = parseEnvelope(body);
    const version = negotiateJsonRpcVersion(
      requestedVersion(input),
      JSONRPC_METHODS["0.3"].has(rpc.method),
      deps.versions,
    );
    const method = JSONRPC_METHODS[version].get(rpc.method);
    if (!method) {
      throw new A2AError("METHOD_NOT_FOUND", `Method not found in A2A ${version}: ${rpc.method}`, {
        metadata: { method: rpc.method, version },
      });
    }
    try {
      const invoked = invoke(deps, input, method, rpc.params, { version, agentUrl, auth });
      if (invoked.kind === "unary") return resultReply(rpc.id, await invoked.result);
      return await openEventStream(
        deps,
        await invoked.events,
        (json) => resultEnvelope(rpc.id, json),
        (error) => errorBody(rpc.id, toA2AError(error, deps.logger)),
      );
    } catch (error) {
      // A 0.3 client that asked for a stream reads the error from one (0.3 spec §3.3.1, as
      // the 0.3 SDKs answer); 1.0 answers errors before the first event as plain JSON-RPC.
      if (method.kind !== "stream" || version !== "0.3") throw error;
      return sseReply(errorBody(rpc.id, toA2AError(error, deps.logger)));
    }
  } catch (error) {
    return errorReply(id, toA2AError(error, deps.logger));
  }
}
