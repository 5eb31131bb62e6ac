import { z } from "zod";
import { Message } from "./message.js";
import { oneOf } from "./one-of.js";
import { Int32 } from "./primitives.js";
import { Task, TaskArtifactUpdateEvent, TaskStatusUpdateEvent } from "./task.js";

/** `SendMessageResponse`: the oneof `payload` as its member name. */
export const SendMessageResponseSchema = oneOf({ task: Task, message: Message });

/** `StreamResponse`: one event of a stream, the oneof `payload` as its member name. */
export const StreamResponseSchema = oneOf({
  task: Task,
  message: Message,
  statusUpdate: TaskStatusUpdateEvent,
  artifactUpdate: TaskArtifactUpdateEvent,
});

/** `ListTasksResponse`. `nextPageToken` is `""` on the last page. */
export const ListTasksResponseSchema = z.object({
  tasks: z.array(Task),
  nextPageToken: z.string(),
  pageSize: Int32,
  totalSize: Int32,
});

// The inferred shapes of the oneofs have every member optional; the server and its users
// work with the exact unions below, which the schemas accept.
export type SendMessageResponse = { task: Task } | { message: Message };
export type StreamResponse =
  | { task: Task }
  | { message: Message }
  | { statusUpdate: TaskStatusUpdateEvent }
  | { artifactUpdate: TaskArtifactUpdateEvent };
export type ListTasksResponse = z.infer<typeof ListTasksResponseSchema>;
