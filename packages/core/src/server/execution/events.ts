import type { Clock } from "../../ports/clock.js";
import { isoTime } from "../../util/iso-time.js";
import type { Message, TaskState, TaskStatusUpdateEvent } from "../../wire/v1/index.js";
import type { AgentMessageInput } from "./agent-executor.js";

/** The status message of a task the server cancels, whoever asked. */
export const CANCELED_TEXT = "The task was canceled.";

/** What building an event needs to know about the task and the server. */
export interface EventSource {
  taskId: string;
  contextId: string;
  clock: Clock;
  newId: () => string;
}

/** An agent message on a task: a string becomes one text part. */
export function agentMessage(source: EventSource, input: AgentMessageInput): Message {
  const message: Message = {
    messageId: source.newId(),
    role: "ROLE_AGENT",
    parts: typeof input === "string" ? [{ text: input }] : input.parts,
    taskId: source.taskId,
    contextId: source.contextId,
  };
  if (typeof input !== "string" && input.metadata) message.metadata = input.metadata;
  return message;
}

/** A status update stamped with the current time. */
export function statusEvent(
  source: EventSource,
  state: TaskState,
  message?: AgentMessageInput,
  metadata?: Record<string, unknown>,
): TaskStatusUpdateEvent {
  const status: TaskStatusUpdateEvent["status"] = {
    state,
    timestamp: isoTime(source.clock.now()),
  };
  if (message !== undefined) status.message = agentMessage(source, message);
  const event: TaskStatusUpdateEvent = {
    taskId: source.taskId,
    contextId: source.contextId,
    status,
  };
  if (metadata) event.metadata = metadata;
  return event;
}
