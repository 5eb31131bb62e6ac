import { compact } from "../../util/compact.js";
import type * as v1 from "../v1/index.js";
import { isInterrupted, isTerminal } from "../v1/primitives.js";
import type * as v03 from "../v03/index.js";
import { artifactFromV03, artifactToV03, taskStatusFromV03, taskStatusToV03 } from "./task.js";

/**
 * A 1.0 status update as a 0.3 one. 0.3 `final` marks the event after which the stream
 * ends; a 1.0 stream ends exactly when the task is terminal or interrupted, so `final` is
 * derived from the state.
 */
export function statusUpdateToV03(event: v1.TaskStatusUpdateEvent): v03.TaskStatusUpdateEvent {
  return compact({
    kind: "status-update",
    taskId: event.taskId,
    contextId: event.contextId,
    status: taskStatusToV03(event.status),
    final: isTerminal(event.status.state) || isInterrupted(event.status.state),
    metadata: event.metadata,
  });
}

/** A 0.3 status update as a 1.0 one. `final` is dropped: 1.0 signals it by closing the stream. */
export function statusUpdateFromV03(event: v03.TaskStatusUpdateEvent): v1.TaskStatusUpdateEvent {
  return compact({
    taskId: event.taskId,
    contextId: event.contextId,
    status: taskStatusFromV03(event.status),
    metadata: event.metadata,
  });
}

/** A 1.0 artifact update as a 0.3 one (`kind: "artifact-update"`); same fields. */
export function artifactUpdateToV03(
  event: v1.TaskArtifactUpdateEvent,
): v03.TaskArtifactUpdateEvent {
  return compact({
    kind: "artifact-update",
    taskId: event.taskId,
    contextId: event.contextId,
    artifact: artifactToV03(event.artifact),
    append: event.append,
    lastChunk: event.lastChunk,
    metadata: event.metadata,
  });
}

/** A 0.3 artifact update as a 1.0 one. */
export function artifactUpdateFromV03(
  event: v03.TaskArtifactUpdateEvent,
): v1.TaskArtifactUpdateEvent {
  return compact({
    taskId: event.taskId,
    contextId: event.contextId,
    artifact: artifactFromV03(event.artifact),
    append: event.append,
    lastChunk: event.lastChunk,
    metadata: event.metadata,
  });
}
