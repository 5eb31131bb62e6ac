import type { z } from "zod";
import type { A2AServer, EventStream } from "../../server/a2a-server.js";
import type { CallContext } from "../../server/call-context.js";
import { protoRequest } from "../../wire/proto-names.js";
import {
  CancelTaskRequest,
  CreateTaskPushNotificationConfigRequest,
  DeleteTaskPushNotificationConfigRequest,
  GetExtendedAgentCardRequest,
  GetTaskPushNotificationConfigRequest,
  GetTaskRequest,
  ListTaskPushNotificationConfigsRequest,
  ListTasksRequest,
  SendMessageRequest,
  SubscribeToTaskRequest,
} from "../../wire/v1/index.js";

interface UnaryMethod<S extends z.ZodType> {
  kind: "unary";
  params: S;
  run(server: A2AServer, params: z.output<S>, call: CallContext): Promise<unknown>;
}

interface StreamMethod<S extends z.ZodType> {
  kind: "stream";
  params: S;
  run(server: A2AServer, params: z.output<S>, call: CallContext): Promise<EventStream>;
}

// biome-ignore lint/suspicious/noExplicitAny: a table of methods with heterogeneous params
export type JsonRpcMethod = UnaryMethod<any> | StreamMethod<any>;

const unary = <S extends z.ZodType>(params: S, run: UnaryMethod<S>["run"]): UnaryMethod<S> => ({
  kind: "unary",
  params,
  run,
});

const stream = <S extends z.ZodType>(params: S, run: StreamMethod<S>["run"]): StreamMethod<S> => ({
  kind: "stream",
  params,
  run,
});

/**
 * The A2A 1.0 JSON-RPC methods (spec §9.4), by name. Params are read in ProtoJSON, so each
 * field under its proto name too (`protoRequest`).
 */
export const METHODS_V1: ReadonlyMap<string, JsonRpcMethod> = new Map<string, JsonRpcMethod>([
  ["SendMessage", unary(protoRequest(SendMessageRequest), (s, p, c) => s.sendMessage(p, c))],
  [
    "SendStreamingMessage",
    stream(protoRequest(SendMessageRequest), (s, p, c) => s.sendStreamingMessage(p, c)),
  ],
  ["GetTask", unary(protoRequest(GetTaskRequest), (s, p, c) => s.getTask(p, c))],
  ["ListTasks", unary(protoRequest(ListTasksRequest), (s, p, c) => s.listTasks(p, c))],
  ["CancelTask", unary(protoRequest(CancelTaskRequest), (s, p, c) => s.cancelTask(p, c))],
  [
    "SubscribeToTask",
    stream(protoRequest(SubscribeToTaskRequest), (s, p, c) => s.subscribeToTask(p, c)),
  ],
  [
    "CreateTaskPushNotificationConfig",
    unary(protoRequest(CreateTaskPushNotificationConfigRequest), (s, _p, c) =>
      s.pushNotificationConfig(c),
    ),
  ],
  [
    "GetTaskPushNotificationConfig",
    unary(protoRequest(GetTaskPushNotificationConfigRequest), (s, _p, c) =>
      s.pushNotificationConfig(c),
    ),
  ],
  [
    "ListTaskPushNotificationConfigs",
    unary(protoRequest(ListTaskPushNotificationConfigsRequest), (s, _p, c) =>
      s.pushNotificationConfig(c),
    ),
  ],
  [
    "DeleteTaskPushNotificationConfig",
    unary(protoRequest(DeleteTaskPushNotificationConfigRequest), (s, _p, c) =>
      s.pushNotificationConfig(c),
    ),
  ],
  [
    "GetExtendedAgentCard",
    unary(protoRequest(GetExtendedAgentCardRequest), (s, _p, c) => s.getExtendedAgentCard(c)),
  ],
]);
