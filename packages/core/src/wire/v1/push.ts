import { z } from "zod";
import { RequiredString } from "./primitives.js";

/** `AuthenticationInfo`: how the agent authenticates to a push webhook. */
export const AuthenticationInfo = z.object({
  scheme: RequiredString,
  credentials: z.string().optional(),
});
export type AuthenticationInfo = z.infer<typeof AuthenticationInfo>;

/** `TaskPushNotificationConfig`: a webhook registered for a task. */
export const TaskPushNotificationConfig = z.object({
  tenant: z.string().optional(),
  id: z.string().optional(),
  taskId: z.string().optional(),
  url: RequiredString,
  token: z.string().optional(),
  authentication: AuthenticationInfo.optional(),
});
export type TaskPushNotificationConfig = z.infer<typeof TaskPushNotificationConfig>;
