import { z } from "zod";
import type { EventStream } from "../../server/a2a-server.js";
import { untilPause } from "../../server/stream-ends.js";
import * as convert from "../../wire/convert/index.js";
import type * as v1 from "../../wire/v1/index.js";
import type { StreamResponse } from "../../wire/v1/responses.js";
import * as v03 from "../../wire/v03/index.js";
import { mapStream } from "../map-stream.js";
import { type JsonRpcMethod, METHODS_V1 } from "./methods-v1.js";

/**
 * A 0.3 method served by a 1.0 operation: params are converted to 1.0 on the way in, and
 * `out` shapes each result (or each event of a stream) on the way out, knowing the params.
 * A stream ends after an event for which `isLast` holds, if given. The core never sees a
 * 0.3 shape.
 */
export function servedBy<S extends z.ZodType>(
  v1Method: string,
  params: S,
  toV1: (params: z.output<S>) => unknown,
  out: (result: never, params: z.output<S>) => unknown,
  isLast?: (event: StreamResponse) => boolean,
): JsonRpcMethod {
  const target = METHODS_V1.get(v1Method)!;
  if (target.kind === "unary") {
    return {
      kind: "unary",
      params,
      run: async (server, p, call) => out((await target.run(server, toV1(p), call)) as never, p),
    };
  }
  return {
    kind: "stream",
    params,
    run: async (server, p, call) =>
      mapStream(
        await target.run(server, toV1(p), call),
        (item) => ({ id: item.id, event: out(item.event as never, p) }),
        isLast && ((item) => isLast(item.event)),
      ) as EventStream,
  };
}

/** A JSON-RPC 0.3 method: results through `resultToV03`, events as 0.3 stream results. */
function via<S extends z.ZodType>(
  v1Method: string,
  params: S,
  toV1: (params: z.output<S>) => unknown,
  resultToV03: (result: never) => unknown = (result) => result,
): JsonRpcMethod {
  const streams = METHODS_V1.get(v1Method)!.kind === "stream";
  return servedBy(
    v1Method,
    params,
    toV1,
    streams ? (event: StreamResponse) => convert.streamResponseToV03(event) : resultToV03,
  );
}

/** The JSON-RPC methods of A2A 0.3 (0.3 spec §7), by name. */
export const METHODS_V03: ReadonlyMap<string, JsonRpcMethod> = new Map<string, JsonRpcMethod>([
  [
    "message/send",
    via(
      "SendMessage",
      v03.MessageSendParams,
      convert.sendMessageRequestFromV03,
      (r: v1.SendMessageResponse) => convert.sendMessageResponseToV03(r),
    ),
  ],
  [
    "message/stream",
    via("SendStreamingMessage", v03.MessageSendParams, convert.sendMessageRequestFromV03),
  ],
  [
    "tasks/get",
    via("GetTask", v03.TaskQueryParams, convert.getTaskRequestFromV03, convert.taskToV03),
  ],
  [
    "tasks/cancel",
    via("CancelTask", v03.TaskIdParams, convert.cancelTaskRequestFromV03, convert.taskToV03),
  ],
  [
    "tasks/resubscribe",
    // 0.3 marks `final` at interrupted states too and closes there (0.3 spec §7.2), so a
    // 0.3 subscription ends where a send stream does.
    servedBy(
      "SubscribeToTask",
      v03.TaskIdParams,
      convert.subscribeToTaskRequestFromV03,
      (event: StreamResponse) => convert.streamResponseToV03(event),
      (event) => untilPause.isLast(event),
    ),
  ],
  [
    "tasks/pushNotificationConfig/set",
    via(
      "CreateTaskPushNotificationConfig",
      v03.TaskPushNotificationConfig,
      convert.createPushConfigRequestFromV03,
      convert.taskPushConfigToV03,
    ),
  ],
  [
    "tasks/pushNotificationConfig/get",
    via(
      "GetTaskPushNotificationConfig",
      v03.GetTaskPushNotificationConfigParams,
      convert.getPushConfigRequestFromV03,
      convert.taskPushConfigToV03,
    ),
  ],
  [
    "tasks/pushNotificationConfig/list",
    via(
      "ListTaskPushNotificationConfigs",
      v03.ListTaskPushNotificationConfigParams,
      convert.listPushConfigsRequestFromV03,
      convert.listPushConfigsResponseToV03,
    ),
  ],
  [
    "tasks/pushNotificationConfig/delete",
    via(
      "DeleteTaskPushNotificationConfig",
      v03.DeleteTaskPushNotificationConfigParams,
      convert.deletePushConfigRequestFromV03,
      () => null,
    ),
  ],
  [
    "agent/getAuthenticatedExtendedCard",
    // The card service shapes (and signs) the card for the call's version itself.
    via("GetExtendedAgentCard", z.object({}), () => ({})),
  ],
]);
