import { compact, nonEmpty } from "../../util/compact.js";
import type * as v1 from "../v1/index.js";
import type * as v03 from "../v03/index.js";
import { messageFromV03, messageToV03 } from "./message.js";
import { partFromV03, partToV03 } from "./part.js";
import { taskStateFromV03, taskStateToV03 } from "./task-state.js";
import { timestampFromV03 } from "./timestamp.js";

/** A 1.0 task status as a 0.3 one. */
export function taskStatusToV03(status: v1.TaskStatus): v03.TaskStatus {
  return compact({
    state: taskStateToV03(status.state),
    message: status.message && messageToV03(status.message),
    timestamp: status.timestamp,
  });
}

/** A 0.3 task status as a 1.0 one; the timestamp is normalized to UTC (see timestampFromV03). */
export function taskStatusFromV03(status: v03.TaskStatus): v1.TaskStatus {
  return compact({
    state: taskStateFromV03(status.state),
    message: status.message && messageFromV03(status.message),
    timestamp: status.timestamp && timestampFromV03(status.timestamp),
  });
}

/** A 1.0 artifact as a 0.3 one; same fields, parts converted. */
export function artifactToV03(artifact: v1.Artifact): v03.Artifact {
  return compact({
    artifactId: artifact.artifactId,
    name: artifact.name,
    description: artifact.description,
    parts: artifact.parts.map(partToV03),
    metadata: artifact.metadata,
    extensions: artifact.extensions,
  });
}

/** A 0.3 artifact as a 1.0 one. */
export function artifactFromV03(artifact: v03.Artifact): v1.Artifact {
  return compact({
    artifactId: artifact.artifactId,
    name: artifact.name,
    description: artifact.description,
    parts: artifact.parts.map(partFromV03),
    metadata: artifact.metadata,
    extensions: artifact.extensions,
  });
}

/**
 * A 1.0 task as a 0.3 task (`kind: "task"`). 0.3 requires `contextId`; a 1.0 task without
 * one gets `""`, the proto default that "absent" stands for.
 */
export function taskToV03(task: v1.Task): v03.Task {
  return compact({
    kind: "task",
    id: task.id,
    contextId: task.contextId ?? "",
    status: taskStatusToV03(task.status),
    artifacts: task.artifacts?.map(artifactToV03),
    history: task.history?.map(messageToV03),
    metadata: task.metadata,
  });
}

/** A 0.3 task as a 1.0 task; an empty `contextId` becomes absent (the inverse of taskToV03). */
export function taskFromV03(task: v03.Task): v1.Task {
  return compact({
    id: task.id,
    contextId: nonEmpty(task.contextId),
    status: taskStatusFromV03(task.status),
    artifacts: task.artifacts?.map(artifactFromV03),
    history: task.history?.map(messageFromV03),
    metadata: task.metadata,
  });
}
