import type { z } from "zod";
import type * as v1 from "../v1/index.js";
import type * as v03 from "../v03/index.js";
import { taskPushConfigFromV03, taskPushConfigToV03 } from "./push.js";

export type GetTaskPushNotificationConfigRequest = z.infer<
  typeof v1.GetTaskPushNotificationConfigRequest
>;
export type DeleteTaskPushNotificationConfigRequest = z.infer<
  typeof v1.DeleteTaskPushNotificationConfigRequest
>;
export type ListTaskPushNotificationConfigsRequest = z.infer<
  typeof v1.ListTaskPushNotificationConfigsRequest
>;

/** The 1.0 `ListTaskPushNotificationConfigs` result. */
export interface ListTaskPushNotificationConfigsResponse {
  configs?: v1.TaskPushNotificationConfig[];
  nextPageToken?: string;
}

/**
 * `tasks/pushNotificationConfig/set` params as a `CreateTaskPushNotificationConfig` request.
 * A config without `id` gets the task id, as the 0.3 reference SDK does, so that a later 0.3
 * `get` without `pushNotificationConfigId` (which means "the task id") finds it.
 */
export function createPushConfigRequestFromV03(
  params: v03.TaskPushNotificationConfig,
): v1.TaskPushNotificationConfig {
  const config = taskPushConfigFromV03(params);
  return { ...config, id: config.id || params.taskId };
}

/** A `CreateTaskPushNotificationConfig` request as 0.3 `set` params (`tenant` dropped). */
export function createPushConfigRequestToV03(
  request: v1.TaskPushNotificationConfig,
): v03.TaskPushNotificationConfig {
  return taskPushConfigToV03(request);
}

/**
 * `tasks/pushNotificationConfig/get` params (`TaskIdParams` or
 * `GetTaskPushNotificationConfigParams`) as a 1.0 request. Without a config id the task id is
 * the config id (0.3 reference SDK behaviour, matching createPushConfigRequestFromV03).
 * `metadata` has no 1.0 place and is dropped.
 */
export function getPushConfigRequestFromV03(
  params: v03.GetTaskPushNotificationConfigParams,
): GetTaskPushNotificationConfigRequest {
  // `||`: an empty id names no config either.
  return { taskId: params.id, id: params.pushNotificationConfigId || params.id };
}

/** A 1.0 get request as 0.3 params (`tenant` dropped). */
export function getPushConfigRequestToV03(
  request: GetTaskPushNotificationConfigRequest,
): v03.GetTaskPushNotificationConfigParams {
  return { id: request.taskId, pushNotificationConfigId: request.id };
}

/** `tasks/pushNotificationConfig/list` params as a 1.0 request (`metadata` dropped). */
export function listPushConfigsRequestFromV03(
  params: v03.ListTaskPushNotificationConfigParams,
): ListTaskPushNotificationConfigsRequest {
  return { taskId: params.id };
}

/**
 * A 1.0 list request as 0.3 params. `tenant`, `pageSize` and `pageToken` are dropped: 0.3
 * lists are not paged.
 */
export function listPushConfigsRequestToV03(
  request: ListTaskPushNotificationConfigsRequest,
): v03.ListTaskPushNotificationConfigParams {
  return { id: request.taskId };
}

/**
 * A 1.0 list result as the 0.3 result, a bare array. 0.3 cannot page, so `nextPageToken` is
 * dropped: the caller should fetch every page before converting.
 */
export function listPushConfigsResponseToV03(
  response: ListTaskPushNotificationConfigsResponse,
): v03.ListTaskPushNotificationConfigResult {
  return (response.configs ?? []).map(taskPushConfigToV03);
}

/** A 0.3 list result as a 1.0 one: a complete list, so no `nextPageToken`. */
export function listPushConfigsResponseFromV03(
  result: v03.ListTaskPushNotificationConfigResult,
): ListTaskPushNotificationConfigsResponse {
  return { configs: result.map(taskPushConfigFromV03) };
}

/** `tasks/pushNotificationConfig/delete` params as a 1.0 request (`metadata` dropped). */
export function deletePushConfigRequestFromV03(
  params: v03.DeleteTaskPushNotificationConfigParams,
): DeleteTaskPushNotificationConfigRequest {
  return { taskId: params.id, id: params.pushNotificationConfigId };
}

/** A 1.0 delete request as 0.3 params (`tenant` dropped). */
export function deletePushConfigRequestToV03(
  request: DeleteTaskPushNotificationConfigRequest,
): v03.DeleteTaskPushNotificationConfigParams {
  return { id: request.taskId, pushNotificationConfigId: request.id };
}
