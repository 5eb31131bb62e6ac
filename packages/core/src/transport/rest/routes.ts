/**
 * The HTTP+JSON routes of spec §11.3 (and a2a.proto's http annotations), each also under
 * `/{tenant}`. A route names the JSON-RPC method whose params schema and operation it shares.
 */
export interface RouteMatch {
  /** JSON-RPC method name of the operation. */
  method: string;
  tenant: string | undefined;
  /** Params taken from the path (`id`, `taskId`). */
  pathParams: Record<string, string>;
  /** Whether the route reads a JSON body, and whether that body may be empty. */
  body: "none" | "required" | "optional";
}

export type RouteResult =
  | { kind: "match"; match: RouteMatch }
  | { kind: "method-not-allowed"; allow: string[] }
  | { kind: "no-route" };

type Handlers = Record<string, Omit<RouteMatch, "tenant" | "pathParams">>;

/** Route vocabularies: 1.0 (spec §11.3) and 0.3 under `/v1` (0.3 spec §3.5.6). */
export type RouteDialect = "1.0" | "0.3";

/** 0.3 method names of the 1.0 operations, for routes under `/v1`. */
const V03_METHOD_NAMES: Readonly<Record<string, string>> = {
  SendMessage: "message/send",
  SendStreamingMessage: "message/stream",
  GetTask: "tasks/get",
  ListTasks: "tasks/list",
  CancelTask: "tasks/cancel",
  SubscribeToTask: "tasks/resubscribe",
  CreateTaskPushNotificationConfig: "tasks/pushNotificationConfig/set",
  GetTaskPushNotificationConfig: "tasks/pushNotificationConfig/get",
  ListTaskPushNotificationConfigs: "tasks/pushNotificationConfig/list",
  DeleteTaskPushNotificationConfig: "tasks/pushNotificationConfig/delete",
  GetExtendedAgentCard: "agent/getAuthenticatedExtendedCard",
};

/** 0.3 params name the task `id` and the push config `pushNotificationConfigId`. */
function v03PathParams(method: string, params: Record<string, string>): Record<string, string> {
  if (method === "CreateTaskPushNotificationConfig") return params;
  const out: Record<string, string> = {};
  if (params.taskId !== undefined) {
    out.id = params.taskId;
    if (params.id !== undefined) out.pushNotificationConfigId = params.id;
  } else if (params.id !== undefined) {
    out.id = params.id;
  }
  return out;
}

/** The handlers by HTTP method and the path params of one path, without tenant. */
function routeOf(
  segments: string[],
  dialect: RouteDialect,
): { handlers: Handlers; pathParams: Record<string, string> } | undefined {
  const [first, second, third, fourth, ...more] = segments;
  if (more.length > 0) return undefined;
  if (segments.length === 1) {
    if (first === "message:send")
      return { handlers: { POST: { method: "SendMessage", body: "required" } }, pathParams: {} };
    if (first === "message:stream")
      return {
        handlers: { POST: { method: "SendStreamingMessage", body: "required" } },
        pathParams: {},
      };
    if (first === "tasks")
      return { handlers: { GET: { method: "ListTasks", body: "none" } }, pathParams: {} };
    if (first === (dialect === "0.3" ? "card" : "extendedAgentCard"))
      return {
        handlers: { GET: { method: "GetExtendedAgentCard", body: "none" } },
        pathParams: {},
      };
    return undefined;
  }
  if (first !== "tasks" || second === undefined || second === "") return undefined;
  if (segments.length === 2) {
    const colon = second.lastIndexOf(":");
    const action = colon > 0 ? second.slice(colon + 1) : "";
    const id = second.slice(0, colon);
    if (action === "cancel")
      return { handlers: { POST: { method: "CancelTask", body: "optional" } }, pathParams: { id } };
    if (action === "subscribe") {
      const subscribe = { method: "SubscribeToTask", body: "optional" } as const;
      return { handlers: { GET: subscribe, POST: subscribe }, pathParams: { id } };
    }
    return { handlers: { GET: { method: "GetTask", body: "none" } }, pathParams: { id: second } };
  }
  if (third !== "pushNotificationConfigs") return undefined;
  if (segments.length === 3) {
    return {
      handlers: {
        GET: { method: "ListTaskPushNotificationConfigs", body: "none" },
        POST: { method: "CreateTaskPushNotificationConfig", body: "required" },
      },
      pathParams: { taskId: second },
    };
  }
  if (fourth === undefined || fourth === "") return undefined;
  return {
    handlers: {
      GET: { method: "GetTaskPushNotificationConfig", body: "none" },
      DELETE: { method: "DeleteTaskPushNotificationConfig", body: "none" },
    },
    pathParams: { taskId: second, id: fourth },
  };
}

/**
 * Matches a path below the mount point (already split and decoded). In 1.0, a path that
 * fits without a tenant is taken as such; otherwise its first segment is the tenant. 0.3
 * paths (below `/v1`, passed without it) have no tenant and use the 0.3 method names.
 */
export function matchRoute(
  httpMethod: string,
  segments: string[],
  dialect: RouteDialect = "1.0",
): RouteResult {
  let tenant: string | undefined;
  let route = routeOf(segments, dialect);
  if (!route && dialect === "1.0" && segments.length > 1 && segments[0] !== "") {
    tenant = segments[0];
    route = routeOf(segments.slice(1), dialect);
  }
  if (!route) return { kind: "no-route" };
  // HEAD is GET without the body (RFC 9110 §9.3.2).
  const handler = route.handlers[httpMethod === "HEAD" ? "GET" : httpMethod];
  if (!handler) {
    const allow = Object.keys(route.handlers).flatMap((m) => (m === "GET" ? [m, "HEAD"] : [m]));
    return { kind: "method-not-allowed", allow };
  }
  if (dialect === "0.3") {
    return {
      kind: "match",
      match: {
        ...handler,
        method: V03_METHOD_NAMES[handler.method]!,
        tenant: undefined,
        pathParams: v03PathParams(handler.method, route.pathParams),
      },
    };
  }
  return { kind: "match", match: { ...handler, tenant, pathParams: route.pathParams } };
}

/** Whether a path below the mount point (split and decoded) names any route, in either dialect. */
export function isRestPath(segments: string[]): boolean {
  if (matchRoute("GET", segments, "1.0").kind !== "no-route") return true;
  return segments[0] === "v1" && matchRoute("GET", segments.slice(1), "0.3").kind !== "no-route";
}
