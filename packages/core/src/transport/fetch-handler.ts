import type { JSONWebKeySet } from "jose";
import { cardReply } from "../card/card-response.js";
import type { CardService } from "../card/card-service.js";
import { A2AError } from "../errors/a2a-error.js";
import { type HttpInput, type HttpReply, originUrl, type RequestOrigin } from "../http/exchange.js";
import { type BindingDeps, toA2AError } from "./binding-support.js";
import { fetchInput, type RequestExtras, toResponse } from "./fetch-exchange.js";
import { methodNotAllowed } from "./http-errors.js";
import { errorReply } from "./jsonrpc/envelope.js";
import { handleJsonRpc } from "./jsonrpc/handle-jsonrpc.js";
import { isRestPath } from "./operations/routes.js";
import { checkedOrigin, type OriginPolicy } from "./request-origin.js";
import { decodeSegments, handleRest } from "./rest/handle-rest.js";
import { statusReply } from "./rest/status-error.js";
import { negotiateCardShape, requestedVersion } from "./version.js";

/** Path of the public agent card (spec §8.2). */
export const WELL_KNOWN_CARD_PATH = "/.well-known/agent-card.json";
/**
 * Below the mount point: the public keys push deliveries are signed with, when they are
 * (`pushJwksUrl` names it for signatures).
 */
export const WELL_KNOWN_JWKS_PATH = "/.well-known/jwks.json";

/** The HTTP bindings a2a-mount serves (spec §5.3), as named in `AgentInterface.protocolBinding`. */
export type Binding = "JSONRPC" | "HTTP+JSON";

export interface FetchHandlerConfig extends BindingDeps {
  cards: CardService;
  /** Served bindings, in the order the card lists them. */
  bindings: readonly Binding[];
  basePath: string;
  publicUrl: string | undefined;
  /** Which origins requests may name, and whether a proxy's `X-Forwarded-*` count. */
  origin: OriginPolicy;
  cardMaxAgeSeconds: number;
  /** The public keys of signed push deliveries, served as a JWKS; none: not served. */
  pushKeys?: JSONWebKeySet | undefined;
}

/** The push signing keys as a JWKS response, cached like the card. */
function jwksReply(keys: JSONWebKeySet, maxAgeSeconds: number): HttpReply {
  return {
    status: 200,
    headers: {
      "content-type": "application/jwk-set+json",
      "cache-control": `public, max-age=${maxAgeSeconds}`,
    },
    body: JSON.stringify(keys),
  };
}

/** `/a2a/` -> `/a2a`, `/` -> `` */
export function normalizeBasePath(path: string): string {
  const withSlash = path.startsWith("/") ? path : `/${path}`;
  return withSlash.replace(/\/+$/, "");
}

function notFound(path: string): HttpReply {
  return statusReply(
    new A2AError("METHOD_NOT_FOUND", `No A2A endpoint at ${path}`, { transportStatus: 404 }),
  );
}

/**
 * 405 with `Allow`: a JSON-RPC error body at the JSON-RPC endpoint, whose clients read
 * one; a `google.rpc.Status` body elsewhere (the card is plain HTTP).
 */
function refuseMethod(method: string, allow: string[], endpoint: "jsonrpc" | "card"): HttpReply {
  const error = methodNotAllowed(method, allow);
  const reply =
    endpoint === "jsonrpc" ? errorReply(null, error) : statusReply(error, "application/json");
  reply.headers.allow = allow.join(", ");
  return reply;
}

/** What a path names, before the HTTP method is looked at. */
type Endpoint =
  | { kind: "card" }
  | { kind: "jsonrpc" }
  | { kind: "jwks" }
  | { kind: "rest"; rel: string }
  | { kind: "none" };

/** The endpoints an agent serves, as seen by adapters and by its own fetch handler. */
export interface FetchHandler {
  fetch(request: Request, extras?: RequestExtras): Promise<Response>;
  /** Answers a request in the runtime-neutral form `fetch` and the Node bridge share. */
  handle(input: HttpInput): Promise<HttpReply>;
  /**
   * Whether `pathname` names one of the agent's endpoints (any HTTP method), with the agent
   * mounted at `basePath`: its card at `<basePath>/.well-known/agent-card.json`, never the
   * app's root card unless mounted at the root. Adapters pass everything else on to the
   * host app. (`handle` and `fetch` still answer a root card request routed to them.)
   */
  handles(pathname: string, basePath?: string): boolean;
}

/** Routes a request to the agent card, the JSON-RPC endpoint or an HTTP+JSON route. */
export function createFetchHandler(config: FetchHandlerConfig): FetchHandler {
  const jsonRpc = config.bindings.includes("JSONRPC");
  const rest = config.bindings.includes("HTTP+JSON");

  const endpointOf = (path: string, base: string): Endpoint => {
    if (path === WELL_KNOWN_CARD_PATH || path === base + WELL_KNOWN_CARD_PATH) {
      return { kind: "card" };
    }
    if (config.pushKeys && path === base + WELL_KNOWN_JWKS_PATH) return { kind: "jwks" };
    const rel =
      path === base ? "" : path.startsWith(`${base}/`) ? path.slice(base.length) : undefined;
    if (rel === undefined) return { kind: "none" };
    if (rel === "" || rel === "/") return jsonRpc ? { kind: "jsonrpc" } : { kind: "none" };
    return rest ? { kind: "rest", rel } : { kind: "none" };
  };

  const handles = (pathname: string, basePath?: string): boolean => {
    const base = normalizeBasePath(basePath ?? config.basePath);
    // The app's root card is the app's: an agent mounted below the root answers it only
    // where the app routes it (`a2aWellKnown`, a route file), never by claiming it here.
    if (pathname === WELL_KNOWN_CARD_PATH) return base === "";
    const endpoint = endpointOf(pathname, base);
    if (endpoint.kind !== "rest") return endpoint.kind !== "none";
    try {
      return isRestPath(decodeSegments(endpoint.rel));
    } catch {
      return true; // broken percent-encoding below the mount point: ours to refuse
    }
  };

  /** Where a request goes: its endpoint and the agent's URL, or the answer already. */
  const target = (
    input: HttpInput,
  ): { reply: HttpReply } | { endpoint: Endpoint; origin: RequestOrigin; agentUrl: string } => {
    const base = normalizeBasePath(input.basePath ?? config.basePath);
    const endpoint = endpointOf(input.path, base);
    if (endpoint.kind === "none") return { reply: notFound(input.path) };
    // Checked on every request, so a bad Host is refused whatever the request asks for.
    let origin: RequestOrigin;
    try {
      origin = checkedOrigin(input, config.origin);
    } catch (error) {
      const refusal = toA2AError(error, config.logger);
      const reply = endpoint.kind === "jsonrpc" ? errorReply(null, refusal) : statusReply(refusal);
      return { reply };
    }
    const agentUrl = config.publicUrl ?? `${originUrl(origin)}${base || "/"}`;
    return { endpoint, origin, agentUrl };
  };

  /** Every endpoint but a JSON-RPC POST: the card, the JWKS, HTTP+JSON, a wrong method. */
  const answer = async (
    input: HttpInput,
    endpoint: Endpoint,
    origin: RequestOrigin,
    agentUrl: string,
  ): Promise<HttpReply> => {
    const { path, method } = input;
    try {
      if (endpoint.kind === "card") {
        if (method !== "GET" && method !== "HEAD") {
          return refuseMethod(method, ["GET", "HEAD"], "card");
        }
        // The card's shape follows the requested version (see negotiateCardShape).
        const requested = requestedVersion(input);
        const shape = negotiateCardShape(requested, config.versions);
        // The public card stays public: a caller is identified for the modifier, never refused.
        const context = async () => ({
          // None means 0.3 (spec §3.6.2), whatever shape answers it.
          version: shape === "hybrid" ? ("0.3" as const) : shape,
          shape,
          tenant: "",
          principal: await config.security.identify(input),
          headers: input.headers(),
        });
        const { cards } = config;
        const card = await cards.publicCard(agentUrl, shape, context);
        // The card names the origin: headers it was read from are part of the response's key.
        const vary = config.publicUrl === undefined ? (origin.via ?? []) : [];
        return cardReply(input, card, {
          maxAgeSeconds: config.cardMaxAgeSeconds,
          shared: !cards.perRequest,
          vary,
        });
      }
      if (endpoint.kind === "jwks") {
        if (method !== "GET" && method !== "HEAD") {
          return refuseMethod(method, ["GET", "HEAD"], "card");
        }
        return jwksReply(config.pushKeys!, config.cardMaxAgeSeconds);
      }
      if (endpoint.kind === "jsonrpc") return refuseMethod(method, ["POST"], "jsonrpc");
      if (endpoint.kind === "rest") {
        return (await handleRest(config, input, endpoint.rel, agentUrl)) ?? notFound(path);
      }
      return notFound(path);
    } catch (error) {
      return statusReply(toA2AError(error, config.logger));
    }
  };

  // Not async: a JSON-RPC POST is answered by handleJsonRpc's own promise (which never
  // rejects), with no frame of its own per request.
  const handle = (input: HttpInput): Promise<HttpReply> => {
    try {
      const routed = target(input);
      if ("reply" in routed) return Promise.resolve(routed.reply);
      const { endpoint, origin, agentUrl } = routed;
      if (endpoint.kind === "jsonrpc" && input.method === "POST") {
        return handleJsonRpc(config, input, agentUrl);
      }
      return answer(input, endpoint, origin, agentUrl);
    } catch (error) {
      return Promise.resolve(statusReply(toA2AError(error, config.logger)));
    }
  };

  const fetch = async (request: Request, extras: RequestExtras = {}): Promise<Response> => {
    // A Request's URL is always absolute and valid.
    const reply = await handle(fetchInput(request, new URL(request.url), extras));
    return toResponse(reply, extras.signal ?? request.signal);
  };

  return { fetch, handle, handles };
}
