import { z } from "zod";
import { Message } from "./message.js";
import { Int32, RequiredString, Struct, TaskStateFilter, Timestamp } from "./primitives.js";
import { TaskPushNotificationConfig } from "./push.js";

const HistoryLength = Int32.pipe(z.number().min(0, "must be a non-negative integer"));

export const SendMessageConfiguration = z.object({
  acceptedOutputModes: z.array(z.string()).optional(),
  taskPushNotificationConfig: TaskPushNotificationConfig.optional(),
  historyLength: HistoryLength.optional(),
  returnImmediately: z.boolean().optional(),
});
export type SendMessageConfiguration = z.infer<typeof SendMessageConfiguration>;

/** Params of `SendMessage` and `SendStreamingMessage`. */
export const SendMessageRequest = z.object({
  tenant: z.string().optional(),
  message: Message,
  configuration: SendMessageConfiguration.optional(),
  metadata: Struct.optional(),
});
export type SendMessageRequest = z.infer<typeof SendMessageRequest>;

export const GetTaskRequest = z.object({
  tenant: z.string().optional(),
  id: RequiredString,
  historyLength: HistoryLength.optional(),
});
export type GetTaskRequest = z.infer<typeof GetTaskRequest>;

/** Largest `pageSize` a `ListTasks` caller may ask for. */
export const MAX_PAGE_SIZE = 100;

export const ListTasksRequest = z.object({
  tenant: z.string().optional(),
  contextId: z.string().optional(),
  status: TaskStateFilter.optional(),
  pageSize: Int32.pipe(
    z
      .number()
      .min(1, `must be between 1 and ${MAX_PAGE_SIZE} inclusive`)
      .max(MAX_PAGE_SIZE, `must be between 1 and ${MAX_PAGE_SIZE} inclusive`),
  ).optional(),
  pageToken: z.string().optional(),
  historyLength: HistoryLength.optional(),
  statusTimestampAfter: Timestamp.optional(),
  includeArtifacts: z.boolean().optional(),
});
export type ListTasksRequest = z.infer<typeof ListTasksRequest>;

export const CancelTaskRequest = z.object({
  tenant: z.string().optional(),
  id: RequiredString,
  metadata: Struct.optional(),
});
export type CancelTaskRequest = z.infer<typeof CancelTaskRequest>;

export const SubscribeToTaskRequest = z.object({
  tenant: z.string().optional(),
  id: RequiredString,
});
export type SubscribeToTaskRequest = z.infer<typeof SubscribeToTaskRequest>;

export const GetTaskPushNotificationConfigRequest = z.object({
  tenant: z.string().optional(),
  taskId: RequiredString,
  id: RequiredString,
});

export const DeleteTaskPushNotificationConfigRequest = GetTaskPushNotificationConfigRequest;

export const ListTaskPushNotificationConfigsRequest = z.object({
  tenant: z.string().optional(),
  taskId: RequiredString,
  pageSize: Int32.optional(),
  pageToken: z.string().optional(),
});

export const CreateTaskPushNotificationConfigRequest = TaskPushNotificationConfig;

export const GetExtendedAgentCardRequest = z.object({
  tenant: z.string().optional(),
});
