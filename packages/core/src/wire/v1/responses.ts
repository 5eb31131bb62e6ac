import type { Message } from "./message.js";
import type { Task, TaskArtifactUpdateEvent, TaskStatusUpdateEvent } from "./task.js";

/** `SendMessageResponse`: the oneof `payload` as its member name. */
export type SendMessageResponse = { task: Task } | { message: Message };

/** `StreamResponse`: one event of a stream, the oneof `payload` as its member name. */
export type StreamResponse =
  | { task: Task }
  | { message: Message }
  | { statusUpdate: TaskStatusUpdateEvent }
  | { artifactUpdate: TaskArtifactUpdateEvent };

/** `ListTasksResponse`. `nextPageToken` is `""` on the last page. */
export interface ListTasksResponse {
  tasks: Task[];
  nextPageToken: string;
  pageSize: number;
  totalSize: number;
}
