import { z } from "zod";
import { acceptProtoNames, protoAliases, protoEnum, protoObject } from "../proto-names.js";
import { oneOf } from "../v1/one-of.js";
import { Bytes, RequiredString, Struct } from "../v1/primitives.js";
import { HistoryLength } from "../v03/primitives.js";

/**
 * Requests of A2A 0.3 HTTP+JSON, as the official SDKs send them: the ProtoJSON of the 0.3
 * gRPC messages (package `a2a.v1` of the 0.3 `a2a.proto`), not the JSON-RPC shapes of the 0.3
 * JSON schema. Parsed values use the lowerCamel json names and enum names, so the converters
 * in `./from-proto` see one spelling only.
 */

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/** 0.3 proto `Role`; `ROLE_UNSPECIFIED` is refused, a message must say who sent it. */
export const Role = protoEnum({ ROLE_USER: 1, ROLE_AGENT: 2 });
export type Role = z.output<typeof Role>;

/** `FilePart`: exactly one of `fileWithUri` / `fileWithBytes` (base64), and a `mimeType`. */
export const FilePart = acceptProtoNames(
  oneOf(
    { fileWithUri: z.string().min(1, "must not be empty"), fileWithBytes: Bytes },
    { mimeType: z.string().optional() },
  ),
  protoAliases(["fileWithUri", "fileWithBytes", "mimeType"]),
).transform((file) => file as FilePart);
export type FilePart =
  | { fileWithUri: string; mimeType?: string }
  | { fileWithBytes: string; mimeType?: string };

/**
 * `DataPart`: a Struct under `data`. An unset Struct reads as `{}`, as the SDKs read it (a
 * proto3 message field left out is its empty default).
 */
export const DataPart = protoObject({ data: Struct.default(() => ({})) });
export type DataPart = z.output<typeof DataPart>;

/**
 * 0.3 proto `Part`: the oneof `part` of `text`, `file` and `data`. It has no `metadata`, and
 * `FilePart` no `name`: the 0.3 proto lacks both.
 */
export const Part = acceptProtoNames(
  oneOf({ text: z.string(), file: FilePart, data: DataPart }),
  {},
).transform((part) => part as Part);
export type Part = { text: string } | { file: FilePart } | { data: DataPart };

/** 0.3 proto `Message`: parts are under `content` (JSON-RPC 0.3 says `parts`), no `kind`. */
export const Message = protoObject({
  messageId: RequiredString,
  contextId: z.string().optional(),
  taskId: z.string().optional(),
  role: Role,
  // A message without parts cannot become a valid 0.3 JSON or 1.0 message: refuse it here,
  // where the error can name the proto field.
  content: z.array(Part).min(1, "must contain at least one part"),
  metadata: Struct.optional(),
  extensions: z.array(z.string()).optional(),
});
export type Message = z.output<typeof Message>;

/** `AuthenticationInfo` of a push config: several scheme names and optional credentials. */
export const AuthenticationInfo = protoObject({
  schemes: z.array(z.string()).optional(),
  credentials: z.string().optional(),
});
export type AuthenticationInfo = z.output<typeof AuthenticationInfo>;

/** `PushNotificationConfig`: the webhook, without its task. */
export const PushNotificationConfig = protoObject({
  id: z.string().optional(),
  url: RequiredString,
  token: z.string().optional(),
  authentication: AuthenticationInfo.optional(),
});
export type PushNotificationConfig = z.output<typeof PushNotificationConfig>;

/**
 * `SendMessageConfiguration`. `blocking` is a proto3 `bool`: absent means `false`, which the
 * converter makes explicit. `historyLength` is an `int32` (number or decimal string).
 */
export const SendMessageConfiguration = protoObject({
  acceptedOutputModes: z.array(z.string()).optional(),
  pushNotification: PushNotificationConfig.optional(),
  historyLength: HistoryLength.optional(),
  blocking: z.boolean().optional(),
});
export type SendMessageConfiguration = z.output<typeof SendMessageConfiguration>;

/**
 * Body of `POST /v1/message:send` and `/v1/message:stream`. The proto field is `request`, its
 * `json_name` is `message`: both are read.
 */
export const SendMessageRequest = protoObject(
  {
    message: Message,
    configuration: SendMessageConfiguration.optional(),
    metadata: Struct.optional(),
  },
  { request: "message" },
);
export type SendMessageRequest = z.output<typeof SendMessageRequest>;

/**
 * `tasks/{taskId}`, `tasks/{taskId}/pushNotificationConfigs/` or
 * `tasks/{taskId}/pushNotificationConfigs/{configId}`. The middle form is what the SDKs send for
 * a config without an id (they build the name from an empty id).
 */
export const PUSH_CONFIG_NAME = /^tasks\/([^/]+)(?:\/pushNotificationConfigs\/([^/]*))?$/;

/**
 * Body of `POST /v1/tasks/{id}/pushNotificationConfigs`. `name` may be left out (or `""`, the
 * proto default): the path carries the task id.
 */
export const TaskPushNotificationConfig = protoObject({
  name: z
    .string()
    .refine(
      (name) => name === "" || PUSH_CONFIG_NAME.test(name),
      "must be tasks/{taskId} or tasks/{taskId}/pushNotificationConfigs/{configId}",
    )
    .optional(),
  pushNotificationConfig: PushNotificationConfig,
});
export type TaskPushNotificationConfig = z.output<typeof TaskPushNotificationConfig>;
