import { z } from "zod";
import { canonicalCard } from "../../card/canonical-card.js";
import { isRecord } from "../../util/is-record.js";
import * as convert from "../../wire/convert/index.js";
import type * as v1 from "../../wire/v1/index.js";
import * as v03 from "../../wire/v03/index.js";
import * as proto from "../../wire/v03-proto/index.js";
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

export interface Dialected<T> {
  dialect: Dialect;
  value: T;
}

/** A send in the JSON-RPC shapes: its message has `parts` or a `kind`, which ProtoJSON has not. */
function isJsonRpcSend(raw: Record<string, unknown>): boolean {
  const message = raw.message ?? raw.request;
  return isRecord(message) && ("parts" in message || "kind" in message);
}

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

/** Reads a body with the schema of its dialect, and converts a ProtoJSON one to the 0.3 shape. */
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

/** A task as 0.3 HTTP+JSON answers it. */
export const taskOut = (task: v1.Task) => proto.taskToProto(convert.taskToV03(task));
/** A config as the server shows it: with `deliveryStatus` once its deliveries stopped. */
type ShownPushConfig = v1.TaskPushNotificationConfig & { deliveryStatus?: object };

/** Carries a config's `deliveryStatus` (a field of this server's own) into a 0.3 shape. */
const withDeliveryStatus = <T extends object>(shape: T, config: ShownPushConfig): T =>
  config.deliveryStatus ? { ...shape, deliveryStatus: config.deliveryStatus } : shape;

/** A push config as 0.3 JSON-RPC answers it. */
export const pushConfigOut03 = (config: ShownPushConfig) =>
  withDeliveryStatus(convert.taskPushConfigToV03(config), config);
/** A push config as 0.3 HTTP+JSON answers it. */
export const pushConfigOut = (config: ShownPushConfig) =>
  withDeliveryStatus(proto.taskPushConfigToProto(convert.taskPushConfigToV03(config)), config);

/** A send's body, in either dialect. */
export const SendParams = dialected(
  v03.MessageSendParams,
  proto.SendMessageRequest,
  proto.sendMessageParamsFromProto,
  isJsonRpcSend,
);

/** The push config body: the path names the task; ProtoJSON reads the JSON-RPC shape too. */
export const PushConfigParams = z
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
export function extendedCardOut(card: v03.AgentCard): proto.AgentCard {
  const shaped = proto.agentCardToProto(card);
  if (!shaped.signatures) return shaped;
  if (canonicalCard(shaped, "0.3") === canonicalCard(card, "0.3")) return shaped;
  const { signatures: _, ...unsigned } = shaped;
  return unsigned;
}
