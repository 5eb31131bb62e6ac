import { A2AError } from "../../errors/a2a-error.js";
import { type HttpInput, type HttpReply, isEventStream } from "../../http/exchange.js";
import { resultJson } from "../../wire/task-json.js";
import { type BindingDeps, openEventStream, readJsonBody, toA2AError } from "../binding-support.js";
import { methodNotAllowed } from "../http-errors.js";
import { invoke } from "../operations/invoke.js";
import { matchRoute, type RouteMatch, type RouteResult } from "../operations/routes.js";
import { negotiateRestVersion, requestedVersion } from "../version.js";
import {
  A2A_JSON,
  legacyErrorBody,
  legacyErrorReply,
  PLAIN_JSON,
  statusBody,
  statusReply,
} from "./status-error.js";

/** Query parameters that are booleans in the proto (spec §11.5: lowercase strings). */
const BOOLEAN_QUERY = new Set(["includeArtifacts", "include_artifacts"]);

function queryParams(search: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(search)) {
    if (key in params) continue; // first value wins; no repeated fields here
    params[key] =
      BOOLEAN_QUERY.has(key) && (value === "true" || value === "false") ? value === "true" : value;
  }
  return params;
}

/** The path's segments, percent-decoded; INVALID_REQUEST when the encoding is broken. */
export function decodeSegments(rel: string): string[] {
  try {
    return rel
      .split("/")
      .filter((s) => s !== "")
      .map(decodeURIComponent);
  } catch {
    throw new A2AError("INVALID_REQUEST", "The path is not valid percent-encoding");
  }
}

async function rawParams(match: RouteMatch, input: HttpInput, deps: BindingDeps): Promise<unknown> {
  let body: unknown;
  if (match.body !== "none") {
    body = await readJsonBody(input, deps, { optional: match.body === "optional" });
    if (body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body))) {
      throw new A2AError("INVALID_PARAMS", "The body must be a JSON object", {
        fieldViolations: [{ field: "", description: "must be a JSON object" }],
      });
    }
  }
  const params: Record<string, unknown> = {
    ...(match.body === "none" ? queryParams(input.search) : {}),
    ...(body as Record<string, unknown> | undefined),
    ...match.pathParams,
  };
  if (match.tenant !== undefined) params.tenant = match.tenant;
  return params;
}

function json(result: unknown, contentType: string): HttpReply {
  return {
    status: 200,
    headers: { "content-type": contentType },
    body: resultJson(result ?? {}),
  };
}

/**
 * The HTTP+JSON binding for a path below the mount point: 1.0 routes (spec §11) and 0.3
 * routes under `/v1` (0.3 spec §3.5.6, with 0.3 JSON objects as bodies and results).
 * Returns `undefined` when no route matches, so the caller can answer 404.
 */
export async function handleRest(
  deps: BindingDeps,
  input: HttpInput,
  rel: string,
  agentUrl: string,
): Promise<HttpReply | undefined> {
  const reply = await answerRest(deps, input, rel, agentUrl);
  if (reply === undefined || input.method !== "HEAD") return reply;
  // HEAD answers like GET, without the body: a stream is released at once.
  if (isEventStream(reply.body)) reply.body.close();
  return { ...reply, body: null };
}

async function answerRest(
  deps: BindingDeps,
  input: HttpInput,
  rel: string,
  agentUrl: string,
): Promise<HttpReply | undefined> {
  let contentType = A2A_JSON;
  let errorReply = (error: A2AError) => statusReply(error);
  let errorBody = statusBody;
  try {
    const segments = decodeSegments(rel);
    const underV1 = segments[0] === "v1";
    const version = negotiateRestVersion(requestedVersion(input), underV1, deps.versions);
    let routed: RouteResult;
    if (version === "1.0") {
      routed = matchRoute(input.method, segments, "1.0");
    } else {
      // 0.3 routes exist only below /v1.
      contentType = PLAIN_JSON;
      errorReply = legacyErrorReply;
      errorBody = legacyErrorBody;
      routed = underV1 ? matchRoute(input.method, segments.slice(1), "0.3") : { kind: "no-route" };
    }
    if (routed.kind === "no-route") return undefined;
    if (routed.kind === "method-not-allowed") {
      const reply = errorReply(methodNotAllowed(input.method, routed.allow));
      reply.headers.allow = routed.allow.join(", ");
      return reply;
    }
    const { match } = routed;
    // Credentials before the body: an unauthenticated one is never read.
    const authenticating = deps.security.authenticate(input);
    const auth = authenticating instanceof Promise ? await authenticating : authenticating;
    const raw = await rawParams(match, input, deps);
    const invoked = invoke(deps, input, match.method, raw, { version, agentUrl, auth });
    if (invoked.kind === "unary") {
      const reply = json(await invoked.result, contentType);
      // The extended card is the caller's own (spec §13.3): no cache keeps it for anyone else.
      if (match.operation.name === "GetExtendedAgentCard") {
        reply.headers["cache-control"] = "private, no-store";
      }
      return reply;
    }
    return await openEventStream(
      deps,
      await invoked.events,
      (json) => json,
      (error) => errorBody(toA2AError(error, deps.logger)),
      // REST clients tell an error frame from an event by its type, not by its data.
      "error",
    );
  } catch (error) {
    return errorReply(toA2AError(error, deps.logger));
  }
}
