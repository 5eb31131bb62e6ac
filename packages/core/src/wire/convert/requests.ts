import { compact } from "../../util/compact.js";
import type * as v1 from "../v1/index.js";
import type * as v03 from "../v03/index.js";
import { messageFromV03, messageToV03 } from "./message.js";
import { pushConfigFromV03, pushConfigToV03 } from "./push.js";

/**
 * 0.3 `MessageSendConfiguration` as 1.0 `SendMessageConfiguration`.
 *
 * `blocking` -> `returnImmediately`, negated. The 0.3 spec gives `blocking` no default; the
 * 0.3 reference SDKs block unless it is `false`, and 1.0 blocks unless `returnImmediately` is
 * `true`, so absent stays absent and both versions agree on "absent means blocking".
 */
export function sendConfigurationFromV03(
  configuration: v03.MessageSendConfiguration,
): v1.SendMessageConfiguration {
  return compact({
    acceptedOutputModes: configuration.acceptedOutputModes,
    taskPushNotificationConfig:
      configuration.pushNotificationConfig &&
      pushConfigFromV03(configuration.pushNotificationConfig),
    historyLength: configuration.historyLength,
    returnImmediately: configuration.blocking === undefined ? undefined : !configuration.blocking,
  });
}

/**
 * 1.0 `SendMessageConfiguration` as 0.3 `MessageSendConfiguration`; the push config loses
 * `taskId` and `tenant`, which the 0.3 config has no place for.
 */
export function sendConfigurationToV03(
  configuration: v1.SendMessageConfiguration,
): v03.MessageSendConfiguration {
  const { returnImmediately } = configuration;
  return compact({
    acceptedOutputModes: configuration.acceptedOutputModes,
    blocking: returnImmediately === undefined ? undefined : !returnImmediately,
    historyLength: configuration.historyLength,
    pushNotificationConfig:
      configuration.taskPushNotificationConfig &&
      pushConfigToV03(configuration.taskPushNotificationConfig),
  });
}

/** `message/send` and `message/stream` params as a 1.0 `SendMessageRequest`. */
export function sendMessageRequestFromV03(params: v03.MessageSendParams): v1.SendMessageRequest {
  return compact({
    message: messageFromV03(params.message),
    configuration: params.configuration && sendConfigurationFromV03(params.configuration),
    metadata: params.metadata,
  });
}

/** A 1.0 `SendMessageRequest` as 0.3 `MessageSendParams` (`tenant` dropped). */
export function sendMessageRequestToV03(request: v1.SendMessageRequest): v03.MessageSendParams {
  return compact({
    message: messageToV03(request.message),
    configuration: request.configuration && sendConfigurationToV03(request.configuration),
    metadata: request.metadata,
  });
}

/** `tasks/get` params as a 1.0 `GetTaskRequest`; `metadata` has no 1.0 place and is dropped. */
export function getTaskRequestFromV03(params: v03.TaskQueryParams): v1.GetTaskRequest {
  return compact({ id: params.id, historyLength: params.historyLength });
}

/** A 1.0 `GetTaskRequest` as 0.3 `TaskQueryParams` (`tenant` dropped). */
export function getTaskRequestToV03(request: v1.GetTaskRequest): v03.TaskQueryParams {
  return compact({ id: request.id, historyLength: request.historyLength });
}

/** `tasks/cancel` params as a 1.0 `CancelTaskRequest`; `metadata` is kept. */
export function cancelTaskRequestFromV03(params: v03.TaskIdParams): v1.CancelTaskRequest {
  return compact({ id: params.id, metadata: params.metadata });
}

/** A 1.0 `CancelTaskRequest` as 0.3 `TaskIdParams` (`tenant` dropped). */
export function cancelTaskRequestToV03(request: v1.CancelTaskRequest): v03.TaskIdParams {
  return compact({ id: request.id, metadata: request.metadata });
}

/** `tasks/resubscribe` params as a 1.0 `SubscribeToTaskRequest`; `metadata` is dropped. */
export function subscribeToTaskRequestFromV03(params: v03.TaskIdParams): v1.SubscribeToTaskRequest {
  return { id: params.id };
}

/** A 1.0 `SubscribeToTaskRequest` as 0.3 `TaskIdParams` (`tenant` dropped). */
export function subscribeToTaskRequestToV03(request: v1.SubscribeToTaskRequest): v03.TaskIdParams {
  return { id: request.id };
}
