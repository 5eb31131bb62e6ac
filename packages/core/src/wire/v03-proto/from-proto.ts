import { errors } from "../../errors/a2a-error.js";
import { compact, nonEmpty } from "../../util/compact.js";
import type * as v03 from "../v03/index.js";
import type * as proto from "./schemas.js";
import { PUSH_CONFIG_NAME } from "./schemas.js";

/**
 * Parsed 0.3 ProtoJSON requests (see `./schemas`) as the 0.3 JSON-RPC shapes, so the 0.3 <->
 * 1.0 converters of `../convert` serve HTTP+JSON unchanged. Proto3 defaults (`""`, `[]`, `0`)
 * are indistinguishable from unset on the proto wire, so they become absent fields here.
 */

const ROLE_FROM_PROTO = {
  ROLE_USER: "user",
  ROLE_AGENT: "agent",
} as const satisfies Record<proto.Role, v03.Role>;

const nonEmptyArray = <T>(values: readonly T[] | undefined): T[] | undefined =>
  values === undefined || values.length === 0 ? undefined : [...values];

/** A proto `Part` as a 0.3 part with its `kind`; `file` -> `uri` / `bytes`. */
export function partFromProto(part: proto.Part): v03.Part {
  if ("text" in part) return { kind: "text", text: part.text };
  if ("file" in part) {
    const { file } = part;
    const mimeType = nonEmpty(file.mimeType);
    return {
      kind: "file",
      file:
        "fileWithUri" in file
          ? compact({ uri: file.fileWithUri, mimeType })
          : compact({ bytes: file.fileWithBytes, mimeType }),
    };
  }
  return { kind: "data", data: part.data.data };
}

/** A proto `Message` as a 0.3 message: `content` -> `parts`, `ROLE_USER` -> `"user"`. */
export function messageFromProto(message: proto.Message): v03.Message {
  return compact({
    kind: "message" as const,
    messageId: message.messageId,
    contextId: nonEmpty(message.contextId),
    taskId: nonEmpty(message.taskId),
    role: ROLE_FROM_PROTO[message.role],
    parts: message.content.map(partFromProto),
    metadata: message.metadata,
    extensions: nonEmptyArray(message.extensions),
  });
}

/** A proto `PushNotificationConfig` as the 0.3 one (`schemes` required there, so `[]`). */
export function pushConfigFromProto(
  config: proto.PushNotificationConfig,
): v03.PushNotificationConfig {
  const { authentication } = config;
  return compact({
    id: nonEmpty(config.id),
    url: config.url,
    token: nonEmpty(config.token),
    authentication:
      authentication &&
      compact({
        schemes: authentication.schemes ?? [],
        credentials: nonEmpty(authentication.credentials),
      }),
  });
}

/**
 * A proto `SendMessageConfiguration` as the 0.3 `MessageSendConfiguration`.
 *
 * `blocking` is a proto3 `bool`, so a configuration that leaves it out asks for `false`: it is
 * made explicit, or the 0.3 -> 1.0 converter would read "absent" as the blocking default.
 * `historyLength` is an `int32` without presence: `0` is its unset default, so it is dropped.
 */
export function sendConfigurationFromProto(
  configuration: proto.SendMessageConfiguration,
): v03.MessageSendConfiguration {
  return compact({
    acceptedOutputModes: nonEmptyArray(configuration.acceptedOutputModes),
    blocking: configuration.blocking ?? false,
    historyLength: configuration.historyLength || undefined,
    pushNotificationConfig:
      configuration.pushNotification && pushConfigFromProto(configuration.pushNotification),
  });
}

/**
 * Body of `POST /v1/message:send` / `:stream` as 0.3 `MessageSendParams`. Without a
 * `configuration` none is made up, so the server's default (blocking) applies.
 */
export function sendMessageParamsFromProto(
  request: proto.SendMessageRequest,
): v03.MessageSendParams {
  return compact({
    message: messageFromProto(request.message),
    configuration: request.configuration && sendConfigurationFromProto(request.configuration),
    metadata: request.metadata,
  });
}

/** The ids in a push config resource name (`configId` absent for `tasks/{id}` or an empty id). */
export interface PushConfigName {
  taskId: string;
  configId?: string;
}

/** Splits `tasks/{taskId}[/pushNotificationConfigs/{configId}]`, or `undefined` if malformed. */
export function parsePushConfigName(name: string): PushConfigName | undefined {
  const match = PUSH_CONFIG_NAME.exec(name);
  if (!match) return undefined;
  return compact({ taskId: match[1]!, configId: nonEmpty(match[2]) });
}

/**
 * Body of `POST /v1/tasks/{id}/pushNotificationConfigs` as the 0.3 `TaskPushNotificationConfig`.
 *
 * The path decides the task. A `name` naming another task, or a config id other than
 * `pushNotificationConfig.id`, contradicts the request and is refused rather than guessed at;
 * a config id only in `name` fills in the missing `id`.
 *
 * @throws InvalidParams (an `A2AError`) on such a contradiction.
 */
export function taskPushConfigFromProto(
  body: proto.TaskPushNotificationConfig,
  taskIdFromPath: string,
): v03.TaskPushNotificationConfig {
  const named = body.name ? parsePushConfigName(body.name) : undefined;
  if (named && named.taskId !== taskIdFromPath) {
    throw errors.invalidParams([
      {
        field: "name",
        description: `names task "${named.taskId}", but the path names task "${taskIdFromPath}"`,
      },
    ]);
  }
  const config = pushConfigFromProto(body.pushNotificationConfig);
  if (named?.configId !== undefined && config.id !== undefined && named.configId !== config.id) {
    throw errors.invalidParams([
      {
        field: "pushNotificationConfig.id",
        description: `is "${config.id}", but name gives config id "${named.configId}"`,
      },
    ]);
  }
  const id = config.id ?? named?.configId;
  return {
    taskId: taskIdFromPath,
    pushNotificationConfig: id === undefined ? config : { ...config, id },
  };
}
