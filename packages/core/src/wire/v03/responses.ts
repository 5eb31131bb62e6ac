import { z } from "zod";
import { MessageWithKind } from "./message.js";
import { TaskPushNotificationConfig } from "./push.js";
import { Task, TaskArtifactUpdateEvent, TaskStatusUpdateEvent } from "./task.js";

/** `result` of `message/send`: a bare `Task` or `Message`, told apart by `kind`. */
export const SendMessageResult = z.discriminatedUnion("kind", [Task, MessageWithKind]);
export type SendMessageResult = z.infer<typeof SendMessageResult>;

/** `result` of one `message/stream` / `tasks/resubscribe` event, told apart by `kind`. */
export const StreamResult = z.discriminatedUnion("kind", [
  Task,
  MessageWithKind,
  TaskStatusUpdateEvent,
  TaskArtifactUpdateEvent,
]);
export type StreamResult = z.infer<typeof StreamResult>;

/** `result` of `tasks/pushNotificationConfig/list`: a bare array, without paging. */
export const ListTaskPushNotificationConfigResult = z.array(TaskPushNotificationConfig);
export type ListTaskPushNotificationConfigResult = z.infer<
  typeof ListTaskPushNotificationConfigResult
>;
