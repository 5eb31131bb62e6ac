import type {
  Artifact,
  Message,
  Task,
  TaskArtifactUpdateEvent,
  TaskStatusUpdateEvent,
} from "../../wire/v1/index.js";
import type { StreamResponse } from "../../wire/v1/responses.js";

/**
 * Pure state transitions of a task. Each returns a new task and shares unchanged parts with
 * the old one, so stored tasks never change after they are saved.
 */

export function withStatus(task: Task, event: TaskStatusUpdateEvent): Task {
  const next: Task = { ...task, status: event.status };
  // Agent status messages are part of the conversation, so they join the history.
  if (event.status.message) next.history = [...(task.history ?? []), event.status.message];
  return next;
}

export function withArtifact(task: Task, event: TaskArtifactUpdateEvent): Task {
  const artifacts = task.artifacts ?? [];
  const index = artifacts.findIndex((a) => a.artifactId === event.artifact.artifactId);
  let updated: Artifact = event.artifact;
  if (event.append && index >= 0) {
    const existing = artifacts[index]!;
    updated = {
      ...existing,
      ...event.artifact,
      parts: [...existing.parts, ...event.artifact.parts],
      metadata:
        existing.metadata || event.artifact.metadata
          ? { ...existing.metadata, ...event.artifact.metadata }
          : undefined,
    };
    if (updated.metadata === undefined) delete updated.metadata;
  }
  const nextArtifacts =
    index >= 0 ? artifacts.map((a, i) => (i === index ? updated : a)) : [...artifacts, updated];
  return { ...task, artifacts: nextArtifacts };
}

export function withMessage(task: Task, message: Message): Task {
  return { ...task, history: [...(task.history ?? []), message] };
}

/** The task after one more event of its log: the fold step of "tasks are logs". */
export function applyEvent(task: Task, event: StreamResponse): Task {
  if ("task" in event) return event.task;
  if ("statusUpdate" in event) return withStatus(task, event.statusUpdate);
  if ("artifactUpdate" in event) return withArtifact(task, event.artifactUpdate);
  return withMessage(task, event.message);
}

/** The task as a response shows it: at most `historyLength` recent messages (0 omits them). */
export function taskView(
  task: Task,
  options: { historyLength?: number | undefined; includeArtifacts?: boolean },
): Task {
  const { historyLength, includeArtifacts = true } = options;
  let view = task;
  if (historyLength !== undefined && task.history) {
    if (historyLength === 0) {
      const { history: _omitted, ...rest } = view;
      view = rest;
    } else if (task.history.length > historyLength) {
      view = { ...view, history: task.history.slice(-historyLength) };
    }
  }
  if (!includeArtifacts && view.artifacts) {
    const { artifacts: _omitted, ...rest } = view;
    view = rest;
  }
  return view;
}
