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

/** The handlers by HTTP method and the path params of one path, without tenant. */
function routeOf(
  segments: string[],
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
    if (first === "extendedAgentCard")
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
 * Matches a path below the mount point (already split and decoded). A path that fits
 * without a tenant is taken as such; otherwise its first segment is the tenant.
 */
export function matchRoute(httpMethod: string, segments: string[]): RouteResult {
  let tenant: string | undefined;
  let route = routeOf(segments);
  if (!route && segments.length > 1 && segments[0] !== "") {
    tenant = segments[0];
    route = routeOf(segments.slice(1));
  }
  if (!route) return { kind: "no-route" };
  const handler = route.handlers[httpMethod];
  if (!handler) return { kind: "method-not-allowed", allow: Object.keys(route.handlers) };
  return { kind: "match", match: { ...handler, tenant, pathParams: route.pathParams } };
}
