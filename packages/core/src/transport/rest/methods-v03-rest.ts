import { z } from "zod";
import { canonicalCard } from "../../card/canonical-card.js";
import { untilPause } from "../../server/stream-ends.js";
import { isRecord } from "../../util/is-record.js";
import * as convert from "../../wire/convert/index.js";
import { protoRequest } from "../../wire/proto-names.js";
import * as v1 from "../../wire/v1/index.js";
import * as v03 from "../../wire/v03/index.js";
import * as proto from "../../wire/v03-proto/index.js";
import type { JsonRpcMethod } from "../jsonrpc/methods-v1.js";
import { servedBy } from "../jsonrpc/methods-v03.js";
import { errorMap } from "../validation.js";

/**
 * A2A 0.3 over HTTP+JSON (`/v1/...`) speaks the ProtoJSON of the 0.3 gRPC messages, as the
 * official SDKs and the 0.3 conformance suite do: `{"message":{"role":"ROLE_USER",
 * "content":[{"text":"hi"}]}}` in, `{"task":{"status":{"state":"TASK_STATE_COMPLETED"}}}` out.
 * A request body in the 0.3 JSON-RPC shapes (`parts` with `kind`), which a few clients send,
 * is read as such and answered in kind; the dialect is told from the whole request, never
 * guessed field by field. Requests without a body (GET) are answered in ProtoJSON.
 */

/** The two spellings of a 0.3 REST body. */
type Dialect = "proto" | "json";

interface Dialected<T> {
  dialect: Dialect;
  value: T;
}

/** A send in the JSON-RPC shapes: its message has `parts` or a `kind`, which ProtoJSON has not. */
function isJsonRpcSend(raw: Record<string, unknown>): boolean {
  const message = raw.message ?? raw.request;
  return isRecord(message) && ("parts" in message || "kind" in message);
}

/** Reads a body with the schema of its dialect, and converts a ProtoJSON one to the 0.3 shape. */
/**
 * Parses `raw` with `schema` inside a transform, then `then` its value; a failure's issues
 * become the transform's.
 */
function parseInside<T, R>(
  schema: z.ZodType<T>,
  raw: unknown,
  ctx: z.RefinementCtx,
  then: (value: T) => R,
): R {
  const result = schema.safeParse(raw, { error: errorMap });
  if (result.success) return then(result.data);
  for (const issue of result.error.issues) {
    ctx.addIssue({ code: "custom", message: issue.message, path: issue.path, input: raw });
  }
  return z.NEVER;
}

function dialected<J, P>(
  json: z.ZodType<J>,
  protoSchema: z.ZodType<P>,
  fromProto: (parsed: P, raw: Record<string, unknown>) => J,
  isJson: (raw: Record<string, unknown>) => boolean,
) {
  return z.record(z.string(), z.unknown()).transform((raw, ctx): Dialected<J> => {
    if (isJson(raw)) return parseInside(json, raw, ctx, (value) => ({ dialect: "json", value }));
    return parseInside(protoSchema, raw, ctx, (parsed) => ({
      dialect: "proto",
      value: fromProto(parsed, raw),
    }));
  });
}

const taskOut = (task: v1.Task) => proto.taskToProto(convert.taskToV03(task));
const pushConfigOut = (config: v1.TaskPushNotificationConfig) =>
  proto.taskPushConfigToProto(convert.taskPushConfigToV03(config));

const SendParams = dialected(
  v03.MessageSendParams,
  proto.SendMessageRequest,
  proto.sendMessageParamsFromProto,
  isJsonRpcSend,
);

/** The push config body: the path names the task; ProtoJSON reads the JSON-RPC shape too. */
const PushConfigParams = z
  .record(z.string(), z.unknown())
  .transform((raw, ctx) =>
    parseInside(proto.TaskPushNotificationConfig, raw, ctx, (body) =>
      proto.taskPushConfigFromProto(body, String(raw.taskId)),
    ),
  );

/**
 * The extended card as the proto `AgentCard`. Its signature covers the 0.3 JSON card; it is
 * kept only where the proto shape is the same JSON (no security to reshape), since a
 * signature that does not verify would make a verifying client refuse the card.
 */
function extendedCardOut(card: v03.AgentCard): proto.AgentCard {
  const shaped = proto.agentCardToProto(card);
  if (!shaped.signatures) return shaped;
  if (canonicalCard(shaped, "0.3") === canonicalCard(card, "0.3")) return shaped;
  const { signatures: _, ...unsigned } = shaped;
  return unsigned;
}

/** The 0.3 HTTP+JSON methods, by the 0.3 method name of their route (0.3 spec §3.5.6). */
export const REST_METHODS_V03: ReadonlyMap<string, JsonRpcMethod> = new Map<string, JsonRpcMethod>([
  [
    "message/send",
    servedBy(
      "SendMessage",
      SendParams,
      (p) => convert.sendMessageRequestFromV03(p.value),
      (r: v1.SendMessageResponse, p) => {
        const result = convert.sendMessageResponseToV03(r);
        return p.dialect === "json" ? result : proto.sendMessageResultToProto(result);
      },
    ),
  ],
  [
    "message/stream",
    servedBy(
      "SendStreamingMessage",
      SendParams,
      (p) => convert.sendMessageRequestFromV03(p.value),
      (event: v1.StreamResponse, p) => {
        const result = convert.streamResponseToV03(event);
        return p.dialect === "json" ? result : proto.streamResultToProto(result);
      },
    ),
  ],
  [
    "tasks/get",
    servedBy("GetTask", protoRequest(v03.TaskQueryParams), convert.getTaskRequestFromV03, taskOut),
  ],
  [
    "tasks/cancel",
    servedBy("CancelTask", v03.TaskIdParams, convert.cancelTaskRequestFromV03, taskOut),
  ],
  [
    "tasks/resubscribe",
    servedBy(
      "SubscribeToTask",
      v03.TaskIdParams,
      convert.subscribeToTaskRequestFromV03,
      (event: v1.StreamResponse) => proto.streamResultToProto(convert.streamResponseToV03(event)),
      // As on JSON-RPC: a 0.3 subscription ends where the task pauses (0.3 spec §7.2).
      (event) => untilPause.isLast(event),
    ),
  ],
  [
    // 0.3 defines `tasks/list` for gRPC and REST only; its tasks in the 1.0 list envelope.
    "tasks/list",
    servedBy(
      "ListTasks",
      // 0.3 has no tenants: a `tenant` query parameter must not select one.
      protoRequest(v1.ListTasksRequest.omit({ tenant: true })),
      (p) => p,
      (r: v1.ListTasksResponse) => ({ ...r, tasks: r.tasks.map(taskOut) }),
    ),
  ],
  [
    "tasks/pushNotificationConfig/set",
    servedBy(
      "CreateTaskPushNotificationConfig",
      PushConfigParams,
      convert.createPushConfigRequestFromV03,
      pushConfigOut,
    ),
  ],
  [
    "tasks/pushNotificationConfig/get",
    servedBy(
      "GetTaskPushNotificationConfig",
      v03.GetTaskPushNotificationConfigParams,
      convert.getPushConfigRequestFromV03,
      pushConfigOut,
    ),
  ],
  [
    "tasks/pushNotificationConfig/list",
    servedBy(
      "ListTaskPushNotificationConfigs",
      v03.ListTaskPushNotificationConfigParams,
      convert.listPushConfigsRequestFromV03,
      (r: convert.ListTaskPushNotificationConfigsResponse) =>
        proto.listPushConfigsToProto(convert.listPushConfigsResponseToV03(r)),
    ),
  ],
  [
    "tasks/pushNotificationConfig/delete",
    servedBy(
      "DeleteTaskPushNotificationConfig",
      v03.DeleteTaskPushNotificationConfigParams,
      convert.deletePushConfigRequestFromV03,
      // google.protobuf.Empty
      () => ({}),
    ),
  ],
  [
    "agent/getAuthenticatedExtendedCard",
    // The card service shapes (and signs) the card for the call's version itself.
    servedBy(
      "GetExtendedAgentCard",
      z.object({}),
      () => ({}),
      (card: v03.AgentCard) => extendedCardOut(card),
    ),
  ],
]);
