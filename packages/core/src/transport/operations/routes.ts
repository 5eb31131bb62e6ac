import type { Method } from "./method.js";
import { type HttpRoute, OPERATIONS, type Operation } from "./operations.js";

/** Route vocabularies: 1.0 (spec §11.3) and 0.3 under `/v1` (0.3 spec §3.5.6). */
export type RouteDialect = "1.0" | "0.3";

/** A request matched to an operation's route. */
export interface RouteMatch {
  operation: Operation;
  /** The operation as the dialect serves it over HTTP+JSON. */
  method: Method;
  tenant: string | undefined;
  /** Params taken from the path (`id`, `taskId`, ...). */
  pathParams: Record<string, string>;
  body: HttpRoute["body"];
}

export type RouteResult =
  | { kind: "match"; match: RouteMatch }
  | { kind: "method-not-allowed"; allow: string[] }
  | { kind: "no-route" };

/** `Allow` lists methods in this order; HEAD wherever GET is. */
const ALLOW_ORDER = ["GET", "HEAD", "POST", "DELETE"] as const;

/** One segment of a route's path: a literal, or a param with an optional `:action` suffix. */
type SegmentPattern = { literal: string } | { param: string; suffix: string };

interface CompiledRoute {
  operation: Operation;
  method: Method;
  route: HttpRoute;
  segments: SegmentPattern[];
  /** The path with param names erased: routes of one shape share a path. */
  shape: string;
  /** Literal characters: a route with more of them is tried first (`{id}:cancel` before `{id}`). */
  specificity: number;
}

function compile(operation: Operation, method: Method, route: HttpRoute): CompiledRoute {
  const segments = route.path.split("/").map((part): SegmentPattern => {
    const param = /^\{(\w+)\}(.*)$/.exec(part);
    return param ? { param: param[1]!, suffix: param[2]! } : { literal: part };
  });
  const shape = route.path.replace(/\{\w+\}/g, "{}");
  return {
    operation,
    method,
    route,
    segments,
    shape,
    specificity: shape.replace(/\{\}/g, "").length,
  };
}

function compileAll(dialect: RouteDialect): CompiledRoute[] {
  const routes = OPERATIONS.flatMap((operation) =>
    dialect === "1.0"
      ? operation.http.map((route) => compile(operation, operation.v1, route))
      : operation.v03.http.map((route) => compile(operation, operation.v03.rest, route)),
  );
  return routes.sort((a, b) => b.specificity - a.specificity);
}

const ROUTES: Readonly<Record<RouteDialect, CompiledRoute[]>> = {
  "1.0": compileAll("1.0"),
  "0.3": compileAll("0.3"),
};

/** The path params of `segments` on `route`, or `undefined` when it does not match. */
function paramsOf(route: CompiledRoute, segments: string[]): Record<string, string> | undefined {
  if (segments.length !== route.segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const pattern = route.segments[i]!;
    const segment = segments[i]!;
    if ("literal" in pattern) {
      if (segment !== pattern.literal) return undefined;
      continue;
    }
    if (segment.length <= pattern.suffix.length || !segment.endsWith(pattern.suffix)) {
      return undefined;
    }
    params[pattern.param] = segment.slice(0, segment.length - pattern.suffix.length);
  }
  return params;
}

/** The routes of the first shape `segments` fit, with the params they take. */
function routesFor(
  segments: string[],
  dialect: RouteDialect,
): Array<{ route: CompiledRoute; params: Record<string, string> }> {
  const found: Array<{ route: CompiledRoute; params: Record<string, string> }> = [];
  for (const route of ROUTES[dialect]) {
    if (found.length > 0 && route.shape !== found[0]!.route.shape) continue;
    const params = paramsOf(route, segments);
    if (params) found.push({ route, params });
  }
  return found;
}

/**
 * Matches a path below the mount point (already split and decoded). In 1.0, a path that
 * fits without a tenant is taken as such; otherwise its first segment is the tenant. 0.3
 * paths (below `/v1`, passed without it) have no tenant.
 */
export function matchRoute(
  httpMethod: string,
  segments: string[],
  dialect: RouteDialect = "1.0",
): RouteResult {
  let tenant: string | undefined;
  let found = routesFor(segments, dialect);
  if (found.length === 0 && dialect === "1.0" && segments.length > 1 && segments[0] !== "") {
    tenant = segments[0];
    found = routesFor(segments.slice(1), dialect);
  }
  if (found.length === 0) return { kind: "no-route" };
  // HEAD is GET without the body (RFC 9110 §9.3.2).
  const verb = httpMethod === "HEAD" ? "GET" : httpMethod;
  const hit = found.find(({ route }) => route.route.verb === verb);
  if (!hit) {
    const verbs = new Set<string>(found.map(({ route }) => route.route.verb));
    const allow = ALLOW_ORDER.filter((name) => verbs.has(name === "HEAD" ? "GET" : name));
    return { kind: "method-not-allowed", allow };
  }
  const { route, params } = hit;
  return {
    kind: "match",
    match: {
      operation: route.operation,
      method: route.method,
      tenant,
      pathParams: params,
      body: route.route.body,
    },
  };
}

/** Whether a path below the mount point (split and decoded) names any route, in either dialect. */
export function isRestPath(segments: string[]): boolean {
  if (matchRoute("GET", segments, "1.0").kind !== "no-route") return true;
  return segments[0] === "v1" && matchRoute("GET", segments.slice(1), "0.3").kind !== "no-route";
}

/** The JSON-RPC methods of each version, by name (1.0: spec §9.4; 0.3: 0.3 spec §7). */
export const JSONRPC_METHODS: Readonly<Record<RouteDialect, ReadonlyMap<string, Method>>> = {
  "1.0": new Map(OPERATIONS.map((operation) => [operation.name, operation.v1])),
  "0.3": new Map(
    OPERATIONS.flatMap(({ v03 }) =>
      v03.name && v03.jsonrpc ? [[v03.name, v03.jsonrpc] as const] : [],
    ),
  ),
};
