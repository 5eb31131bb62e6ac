import { z } from "zod";
import { Message } from "./message.js";
import { Part } from "./part.js";
import { RequiredString, Struct, TaskState, Timestamp } from "./primitives.js";

/** `TaskStatus`: a state, an optional agent message and when it was entered. */
export const TaskStatus = z.object({
  state: TaskState,
  message: Message.optional(),
  timestamp: Timestamp.optional(),
});
export type TaskStatus = z.infer<typeof TaskStatus>;

/** `Artifact`: an output of a task. */
export const Artifact = z.object({
  artifactId: RequiredString,
  name: z.string().optional(),
  description: z.string().optional(),
  parts: z.array(Part).min(1, "must contain at least one part"),
  metadata: Struct.optional(),
  extensions: z.array(z.string()).optional(),
});
export type Artifact = z.infer<typeof Artifact>;

/** `Task`: the stateful unit of work. */
export const Task = z.object({
  id: RequiredString,
  contextId: z.string().optional(),
  status: TaskStatus,
  artifacts: z.array(Artifact).optional(),
  history: z.array(Message).optional(),
  metadata: Struct.optional(),
});
export type Task = z.infer<typeof Task>;

/** `TaskStatusUpdateEvent`. */
export const TaskStatusUpdateEvent = z.object({
  taskId: RequiredString,
  contextId: RequiredString,
  status: TaskStatus,
  metadata: Struct.optional(),
});
export type TaskStatusUpdateEvent = z.infer<typeof TaskStatusUpdateEvent>;

/** `TaskArtifactUpdateEvent`: `append` adds parts to an existing artifact. */
export const TaskArtifactUpdateEvent = z.object({
  taskId: RequiredString,
  contextId: RequiredString,
  artifact: Artifact,
  append: z.boolean().optional(),
  lastChunk: z.boolean().optional(),
  metadata: Struct.optional(),
});
export type TaskArtifactUpdateEvent = z.infer<typeof TaskArtifactUpdateEvent>;
