import { z } from "zod";
import { RequiredString, Struct } from "../v1/primitives.js";

/** 0.3 `PushNotificationAuthenticationInfo`: several schemes, where 1.0 has one. */
export const PushNotificationAuthenticationInfo = z.object({
  schemes: z.array(z.string()),
  credentials: z.string().optional(),
});
export type PushNotificationAuthenticationInfo = z.infer<typeof PushNotificationAuthenticationInfo>;

/** 0.3 `PushNotificationConfig`: the webhook itself, without its task. */
export const PushNotificationConfig = z.object({
  id: z.string().optional(),
  url: RequiredString,
  token: z.string().optional(),
  authentication: PushNotificationAuthenticationInfo.optional(),
});
export type PushNotificationConfig = z.infer<typeof PushNotificationConfig>;

/** 0.3 `TaskPushNotificationConfig`: params of `set`, result of `get`, `set` and `list`. */
export const TaskPushNotificationConfig = z.object({
  taskId: RequiredString,
  pushNotificationConfig: PushNotificationConfig,
});
export type TaskPushNotificationConfig = z.infer<typeof TaskPushNotificationConfig>;

/**
 * Params of `tasks/pushNotificationConfig/get`: `TaskIdParams` or
 * `GetTaskPushNotificationConfigParams`; the latter is the former plus an optional field,
 * so one schema reads both.
 */
export const GetTaskPushNotificationConfigParams = z.object({
  id: RequiredString,
  pushNotificationConfigId: z.string().optional(),
  metadata: Struct.optional(),
});
export type GetTaskPushNotificationConfigParams = z.infer<
  typeof GetTaskPushNotificationConfigParams
>;

/** Params of `tasks/pushNotificationConfig/list`. */
export const ListTaskPushNotificationConfigParams = z.object({
  id: RequiredString,
  metadata: Struct.optional(),
});
export type ListTaskPushNotificationConfigParams = z.infer<
  typeof ListTaskPushNotificationConfigParams
>;

/** Params of `tasks/pushNotificationConfig/delete`. */
export const DeleteTaskPushNotificationConfigParams = z.object({
  id: RequiredString,
  pushNotificationConfigId: RequiredString,
  metadata: Struct.optional(),
});
export type DeleteTaskPushNotificationConfigParams = z.infer<
  typeof DeleteTaskPushNotificationConfigParams
>;
