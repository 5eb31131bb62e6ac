import { z } from "zod";
import { RequiredString, Struct } from "../v1/primitives.js";
import { Message } from "./message.js";
import { Part } from "./part.js";
import { TaskState, Timestamp } from "./primitives.js";

/** 0.3 `TaskStatus`. */
export const TaskStatus = z.object({
  state: TaskState,
  message: Message.optional(),
  timestamp: Timestamp.optional(),
});
export type TaskStatus = z.infer<typeof TaskStatus>;

/** 0.3 `Artifact`. */
export const Artifact = z.object({
  artifactId: RequiredString,
  name: z.string().optional(),
  description: z.string().optional(),
  parts: z.array(Part).min(1, "must contain at least one part"),
  metadata: Struct.optional(),
  extensions: z.array(z.string()).optional(),
});
export type Artifact = z.infer<typeof Artifact>;

/** 0.3 `Task` (`kind: "task"`). */
export const Task = z.object({
  kind: z.literal("task"),
  id: RequiredString,
  // Required by 0.3, but may be empty: a 1.0 task may lack a context id (proto default "").
  contextId: z.string(),
  status: TaskStatus,
  artifacts: z.array(Artifact).optional(),
  history: z.array(Message).optional(),
  metadata: Struct.optional(),
});
export type Task = z.infer<typeof Task>;

/** 0.3 `TaskStatusUpdateEvent` (`kind: "status-update"`); `final` marks the last event. */
export const TaskStatusUpdateEvent = z.object({
  kind: z.literal("status-update"),
  taskId: RequiredString,
  contextId: RequiredString,
  status: TaskStatus,
  final: z.boolean(),
  metadata: Struct.optional(),
});
export type TaskStatusUpdateEvent = z.infer<typeof TaskStatusUpdateEvent>;

/** 0.3 `TaskArtifactUpdateEvent` (`kind: "artifact-update"`). */
export const TaskArtifactUpdateEvent = z.object({
  kind: z.literal("artifact-update"),
  taskId: RequiredString,
  contextId: RequiredString,
  artifact: Artifact,
  append: z.boolean().optional(),
  lastChunk: z.boolean().optional(),
  metadata: Struct.optional(),
});
export type TaskArtifactUpdateEvent = z.infer<typeof TaskArtifactUpdateEvent>;
