import { z } from "zod";
import { untilPause } from "../../server/stream-ends.js";
import * as convert from "../../wire/convert/index.js";
import { protoRequest } from "../../wire/proto-names.js";
import * as v1 from "../../wire/v1/index.js";
import type { StreamResponse } from "../../wire/v1/responses.js";
import * as v03 from "../../wire/v03/index.js";
import * as proto from "../../wire/v03-proto/index.js";
import {
  type Dialected,
  extendedCardOut,
  PushConfigParams,
  pushConfigOut,
  pushConfigOut03,
  SendParams,
  taskOut,
} from "../rest/v03-rest-shapes.js";
import { type Method, servedBy, stream, unary } from "./method.js";

/** HTTP methods of the HTTP+JSON routes. */
export type HttpVerb = "GET" | "POST" | "DELETE";

/**
 * An HTTP+JSON route of an operation: its verb, its path below the mount point (`{name}`
 * takes one path segment, or the part of one before a `:action` suffix, as a param of that
 * name), and whether it reads a JSON body (and whether that may be empty). A `GET` route
 * answers `HEAD` too.
 */
export interface HttpRoute {
  verb: HttpVerb;
  path: string;
  body: "none" | "required" | "optional";
}

/** One A2A operation, described once for every binding and version. */
export interface Operation {
  /** Its name in 1.0: the JSON-RPC method. */
  name: string;
  /** 1.0, both bindings. */
  v1: Method;
  /** Its 1.0 HTTP+JSON routes (spec §11.3), each also under `/{tenant}`. */
  http: readonly HttpRoute[];
  /** 0.3: a JSON-RPC method (0.3 spec §7) and routes under `/v1` (0.3 spec §3.5.6). */
  v03: {
    /** The 0.3 JSON-RPC method name; `undefined` where 0.3 defines none (`tasks/list`). */
    name: string | undefined;
    /** The 0.3 JSON-RPC form (0.3 JSON shapes). */
    jsonrpc: Method | undefined;
    /** The 0.3 HTTP+JSON form (the ProtoJSON of the 0.3 gRPC messages). */
    rest: Method;
    /** Routes below `/v1`, naming path params as the 0.3 params do. */
    http: readonly HttpRoute[];
  };
}

const route = (verb: HttpVerb, path: string, body: HttpRoute["body"] = "none"): HttpRoute => ({
  verb,
  path,
  body,
});

/** 0.3 streams carry each event as a 0.3 stream result. */
const eventToV03 = (event: StreamResponse) => convert.streamResponseToV03(event);
/** A 0.3 HTTP+JSON send answers in the dialect it was sent in. */
const inDialect = <T>(json: T, p: Dialected<unknown>, toProto: (value: T) => unknown) =>
  p.dialect === "json" ? json : toProto(json);

const sendMessage = unary(protoRequest(v1.SendMessageRequest), (s, p, c) => s.sendMessage(p, c));
const sendStreamingMessage = stream(protoRequest(v1.SendMessageRequest), (s, p, c) =>
  s.sendStreamingMessage(p, c),
);
const getTask = unary(protoRequest(v1.GetTaskRequest), (s, p, c) => s.getTask(p, c));
const listTasks = unary(protoRequest(v1.ListTasksRequest), (s, p, c) => s.listTasks(p, c));
const cancelTask = unary(protoRequest(v1.CancelTaskRequest), (s, p, c) => s.cancelTask(p, c));
const subscribeToTask = stream(protoRequest(v1.SubscribeToTaskRequest), (s, p, c) =>
  s.subscribeToTask(p, c),
);
/** 0.3 marks `final` at interrupted states too and closes there (0.3 spec §7.2). */
const subscribeUntilPause = stream(protoRequest(v1.SubscribeToTaskRequest), (s, p, c) =>
  s.subscribeToTask(p, c, untilPause),
);
const createPushConfig = unary(
  protoRequest(v1.CreateTaskPushNotificationConfigRequest),
  (s, p, c) => s.createPushConfig(p, c),
);
const getPushConfig = unary(protoRequest(v1.GetTaskPushNotificationConfigRequest), (s, p, c) =>
  s.getPushConfig(p, c),
);
const listPushConfigs = unary(protoRequest(v1.ListTaskPushNotificationConfigsRequest), (s, p, c) =>
  s.listPushConfigs(p, c),
);
/** google.protobuf.Empty. */
const deletePushConfig = unary(
  protoRequest(v1.DeleteTaskPushNotificationConfigRequest),
  async (s, p, c) => {
    await s.deletePushConfig(p, c);
    return {};
  },
);
const getExtendedCard = unary(protoRequest(v1.GetExtendedAgentCardRequest), (s, _p, c) =>
  s.getExtendedAgentCard(c),
);

/**
 * Every A2A operation: its names, routes, params and forms per version. Both bindings
 * dispatch from this table (1.0 params are read in ProtoJSON, so each field under its proto
 * name too: `protoRequest`).
 */
export const OPERATIONS: readonly Operation[] = [
  {
    name: "SendMessage",
    v1: sendMessage,
    http: [route("POST", "message:send", "required")],
    v03: {
      name: "message/send",
      jsonrpc: servedBy(
        sendMessage,
        v03.MessageSendParams,
        convert.sendMessageRequestFromV03,
        (r: v1.SendMessageResponse) => convert.sendMessageResponseToV03(r),
      ),
      rest: servedBy(
        sendMessage,
        SendParams,
        (p) => convert.sendMessageRequestFromV03(p.value),
        (r: v1.SendMessageResponse, p) =>
          inDialect(convert.sendMessageResponseToV03(r), p, proto.sendMessageResultToProto),
      ),
      http: [route("POST", "message:send", "required")],
    },
  },
  {
    name: "SendStreamingMessage",
    v1: sendStreamingMessage,
    http: [route("POST", "message:stream", "required")],
    v03: {
      name: "message/stream",
      jsonrpc: servedBy(
        sendStreamingMessage,
        v03.MessageSendParams,
        convert.sendMessageRequestFromV03,
        eventToV03,
      ),
      rest: servedBy(
        sendStreamingMessage,
        SendParams,
        (p) => convert.sendMessageRequestFromV03(p.value),
        (event: StreamResponse, p) => inDialect(eventToV03(event), p, proto.streamResultToProto),
      ),
      http: [route("POST", "message:stream", "required")],
    },
  },
  {
    name: "GetTask",
    v1: getTask,
    http: [route("GET", "tasks/{id}")],
    v03: {
      name: "tasks/get",
      jsonrpc: servedBy(
        getTask,
        v03.TaskQueryParams,
        convert.getTaskRequestFromV03,
        convert.taskToV03,
      ),
      rest: servedBy(
        getTask,
        protoRequest(v03.TaskQueryParams),
        convert.getTaskRequestFromV03,
        taskOut,
      ),
      http: [route("GET", "tasks/{id}")],
    },
  },
  {
    name: "ListTasks",
    v1: listTasks,
    http: [route("GET", "tasks")],
    v03: {
      // 0.3 defines `tasks/list` for gRPC and REST only; its tasks in the 1.0 list envelope.
      name: undefined,
      jsonrpc: undefined,
      rest: servedBy(
        listTasks,
        // 0.3 has no tenants: a `tenant` query parameter must not select one.
        protoRequest(v1.ListTasksRequest.omit({ tenant: true })),
        (p) => p,
        (r: v1.ListTasksResponse) => ({ ...r, tasks: r.tasks.map(taskOut) }),
      ),
      http: [route("GET", "tasks")],
    },
  },
  {
    name: "CancelTask",
    v1: cancelTask,
    http: [route("POST", "tasks/{id}:cancel", "optional")],
    v03: {
      name: "tasks/cancel",
      jsonrpc: servedBy(
        cancelTask,
        v03.TaskIdParams,
        convert.cancelTaskRequestFromV03,
        convert.taskToV03,
      ),
      rest: servedBy(cancelTask, v03.TaskIdParams, convert.cancelTaskRequestFromV03, taskOut),
      http: [route("POST", "tasks/{id}:cancel", "optional")],
    },
  },
  {
    name: "SubscribeToTask",
    v1: subscribeToTask,
    http: [
      route("GET", "tasks/{id}:subscribe", "optional"),
      route("POST", "tasks/{id}:subscribe", "optional"),
    ],
    v03: {
      name: "tasks/resubscribe",
      // A 0.3 subscription ends where the task pauses, as a send stream does.
      jsonrpc: servedBy(
        subscribeUntilPause,
        v03.TaskIdParams,
        convert.subscribeToTaskRequestFromV03,
        eventToV03,
      ),
      rest: servedBy(
        subscribeUntilPause,
        v03.TaskIdParams,
        convert.subscribeToTaskRequestFromV03,
        (event: StreamResponse) => proto.streamResultToProto(eventToV03(event)),
      ),
      http: [
        route("GET", "tasks/{id}:subscribe", "optional"),
        route("POST", "tasks/{id}:subscribe", "optional"),
      ],
    },
  },
  {
    name: "CreateTaskPushNotificationConfig",
    v1: createPushConfig,
    http: [route("POST", "tasks/{taskId}/pushNotificationConfigs", "required")],
    v03: {
      name: "tasks/pushNotificationConfig/set",
      jsonrpc: servedBy(
        createPushConfig,
        v03.TaskPushNotificationConfig,
        convert.createPushConfigRequestFromV03,
        pushConfigOut03,
      ),
      rest: servedBy(
        createPushConfig,
        PushConfigParams,
        convert.createPushConfigRequestFromV03,
        pushConfigOut,
      ),
      http: [route("POST", "tasks/{taskId}/pushNotificationConfigs", "required")],
    },
  },
  {
    name: "GetTaskPushNotificationConfig",
    v1: getPushConfig,
    http: [route("GET", "tasks/{taskId}/pushNotificationConfigs/{id}")],
    v03: {
      name: "tasks/pushNotificationConfig/get",
      jsonrpc: servedBy(
        getPushConfig,
        v03.GetTaskPushNotificationConfigParams,
        convert.getPushConfigRequestFromV03,
        pushConfigOut03,
      ),
      rest: servedBy(
        getPushConfig,
        v03.GetTaskPushNotificationConfigParams,
        convert.getPushConfigRequestFromV03,
        pushConfigOut,
      ),
      http: [route("GET", "tasks/{id}/pushNotificationConfigs/{pushNotificationConfigId}")],
    },
  },
  {
    name: "ListTaskPushNotificationConfigs",
    v1: listPushConfigs,
    http: [route("GET", "tasks/{taskId}/pushNotificationConfigs")],
    v03: {
      name: "tasks/pushNotificationConfig/list",
      jsonrpc: servedBy(
        listPushConfigs,
        v03.ListTaskPushNotificationConfigParams,
        convert.listPushConfigsRequestFromV03,
        (r: convert.ListTaskPushNotificationConfigsResponse) =>
          (r.configs ?? []).map(pushConfigOut03),
      ),
      rest: servedBy(
        listPushConfigs,
        v03.ListTaskPushNotificationConfigParams,
        convert.listPushConfigsRequestFromV03,
        // ListTaskPushNotificationConfigResponse, whose empty list ProtoJSON omits.
        (r: convert.ListTaskPushNotificationConfigsResponse) => {
          const configs = (r.configs ?? []).map(pushConfigOut);
          return configs.length > 0 ? { configs } : {};
        },
      ),
      http: [route("GET", "tasks/{id}/pushNotificationConfigs")],
    },
  },
  {
    name: "DeleteTaskPushNotificationConfig",
    v1: deletePushConfig,
    http: [route("DELETE", "tasks/{taskId}/pushNotificationConfigs/{id}")],
    v03: {
      name: "tasks/pushNotificationConfig/delete",
      jsonrpc: servedBy(
        deletePushConfig,
        v03.DeleteTaskPushNotificationConfigParams,
        convert.deletePushConfigRequestFromV03,
        () => null,
      ),
      rest: servedBy(
        deletePushConfig,
        v03.DeleteTaskPushNotificationConfigParams,
        convert.deletePushConfigRequestFromV03,
        // google.protobuf.Empty
        () => ({}),
      ),
      http: [route("DELETE", "tasks/{id}/pushNotificationConfigs/{pushNotificationConfigId}")],
    },
  },
  {
    name: "GetExtendedAgentCard",
    v1: getExtendedCard,
    http: [route("GET", "extendedAgentCard")],
    v03: {
      name: "agent/getAuthenticatedExtendedCard",
      // The card service shapes (and signs) the card for the call's version itself.
      jsonrpc: servedBy(
        getExtendedCard,
        z.object({}),
        () => ({}),
        (card) => card,
      ),
      rest: servedBy(
        getExtendedCard,
        z.object({}),
        () => ({}),
        (card: v03.AgentCard) => extendedCardOut(card),
      ),
      http: [route("GET", "card")],
    },
  },
];
