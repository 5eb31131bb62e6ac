import { flag, omitDefaults } from "../../util/omit-defaults.js";
import type * as v03 from "../v03/index.js";
import type {
  Artifact,
  ListTaskPushNotificationConfigResponse,
  NamedTaskPushNotificationConfig,
  SendMessageResponse,
  StreamResponse,
  Task,
  TaskArtifactUpdateEvent,
  TaskState,
  TaskStatus,
  TaskStatusUpdateEvent,
} from "./proto-types.js";
import type {
  AuthenticationInfo,
  DataPart,
  FilePart,
  Message,
  Part,
  PushNotificationConfig,
  Role,
} from "./schemas.js";

/**
 * The 0.3 JSON-RPC shapes the server produces, as the ProtoJSON of the 0.3 gRPC messages that
 * 0.3 HTTP+JSON clients parse. Like a proto serializer (and the SDKs' `toJSON`), fields at
 * their proto3 default (`""`, `false`, `[]`, `0`, an empty map) are left out, and no `kind`
 * discriminator is written: in the proto the oneof field name says what a value is.
 */

const TASK_STATE_TO_PROTO = {
  submitted: "TASK_STATE_SUBMITTED",
  working: "TASK_STATE_WORKING",
  "input-required": "TASK_STATE_INPUT_REQUIRED",
  completed: "TASK_STATE_COMPLETED",
  canceled: "TASK_STATE_CANCELLED",
  failed: "TASK_STATE_FAILED",
  rejected: "TASK_STATE_REJECTED",
  "auth-required": "TASK_STATE_AUTH_REQUIRED",
  unknown: "TASK_STATE_UNSPECIFIED",
} as const satisfies Record<v03.TaskState, TaskState>;

const ROLE_TO_PROTO = {
  user: "ROLE_USER",
  agent: "ROLE_AGENT",
} as const satisfies Record<v03.Role, Role>;

/** The 0.3 proto name of a 0.3 task state (`canceled` -> `TASK_STATE_CANCELLED`). */
export function taskStateToProto(state: v03.TaskState): TaskState {
  return TASK_STATE_TO_PROTO[state];
}

/**
 * A 0.3 part as a proto `Part`. The 0.3 proto `Part` has no `metadata` and its `FilePart` no
 * `name`, so both are dropped (an empty `text` is kept: a oneof member is always written).
 */
export function partToProto(part: v03.Part): Part {
  switch (part.kind) {
    case "text":
      return { text: part.text };
    case "file": {
      const { file } = part;
      const mimeType = file.mimeType || undefined;
      const out: FilePart =
        "uri" in file
          ? omitDefaults({ fileWithUri: file.uri, mimeType })
          : omitDefaults({ fileWithBytes: file.bytes, mimeType });
      return { file: out };
    }
    case "data":
      return { data: { data: part.data } satisfies DataPart };
  }
}

/** A 0.3 message as a proto `Message`: `parts` -> `content`, role -> `ROLE_*`, no `kind`. */
export function messageToProto(message: v03.Message): Message {
  return omitDefaults({
    messageId: message.messageId,
    contextId: message.contextId,
    taskId: message.taskId,
    role: ROLE_TO_PROTO[message.role],
    content: message.parts.map(partToProto),
    metadata: message.metadata,
    extensions: message.extensions,
  });
}

/** A 0.3 status; `message` keeps its json name (the proto field is `update`). */
export function taskStatusToProto(status: v03.TaskStatus): TaskStatus {
  const state = taskStateToProto(status.state);
  return omitDefaults({
    state: state === "TASK_STATE_UNSPECIFIED" ? undefined : state,
    message: status.message && messageToProto(status.message),
    timestamp: status.timestamp,
  });
}

/** A 0.3 artifact; its parts stay under `parts`. */
export function artifactToProto(artifact: v03.Artifact): Artifact {
  return omitDefaults({
    artifactId: artifact.artifactId,
    name: artifact.name,
    description: artifact.description,
    parts: artifact.parts.map(partToProto),
    metadata: artifact.metadata,
    extensions: artifact.extensions,
  });
}

/** A 0.3 task as a proto `Task` (no `kind`). */
export function taskToProto(task: v03.Task): Task {
  return omitDefaults({
    id: task.id,
    contextId: task.contextId,
    status: taskStatusToProto(task.status),
    artifacts: task.artifacts?.map(artifactToProto),
    history: task.history?.map(messageToProto),
    metadata: task.metadata,
  });
}

/** A 0.3 `status-update` event; `final` only when `true`. */
export function statusUpdateToProto(event: v03.TaskStatusUpdateEvent): TaskStatusUpdateEvent {
  return omitDefaults({
    taskId: event.taskId,
    contextId: event.contextId,
    status: taskStatusToProto(event.status),
    final: flag(event.final),
    metadata: event.metadata,
  });
}

/** A 0.3 `artifact-update` event; `append` and `lastChunk` only when `true`. */
export function artifactUpdateToProto(event: v03.TaskArtifactUpdateEvent): TaskArtifactUpdateEvent {
  return omitDefaults({
    taskId: event.taskId,
    contextId: event.contextId,
    artifact: artifactToProto(event.artifact),
    append: flag(event.append),
    lastChunk: flag(event.lastChunk),
    metadata: event.metadata,
  });
}

/** The result of `message:send` as the proto `SendMessageResponse` envelope. */
export function sendMessageResultToProto(result: v03.SendMessageResult): SendMessageResponse {
  return result.kind === "task"
    ? { task: taskToProto(result) }
    : { message: messageToProto(result) };
}

/** One streamed 0.3 event as a proto `StreamResponse`, its oneof member chosen by `kind`. */
export function streamResultToProto(event: v03.StreamResult): StreamResponse {
  switch (event.kind) {
    case "task":
      return { task: taskToProto(event) };
    case "message":
      return { message: messageToProto(event) };
    case "status-update":
      return { statusUpdate: statusUpdateToProto(event) };
    case "artifact-update":
      return { artifactUpdate: artifactUpdateToProto(event) };
  }
}

// ---------------------------------------------------------------------------------------------
// Push notification configs
// ---------------------------------------------------------------------------------------------

/** A 0.3 push config as the proto one. */
export function pushConfigToProto(config: v03.PushNotificationConfig): PushNotificationConfig {
  const { authentication } = config;
  return omitDefaults({
    id: config.id,
    url: config.url,
    token: config.token,
    authentication:
      authentication &&
      omitDefaults<AuthenticationInfo>({
        schemes: authentication.schemes,
        credentials: authentication.credentials,
      }),
  });
}

/**
 * A 0.3 `TaskPushNotificationConfig` as the proto one, named
 * `tasks/{taskId}/pushNotificationConfigs/{configId}`. A config without an id gets an empty last
 * segment, as the SDKs write it; their parsers take the task id from the name's first segments.
 */
export function taskPushConfigToProto(
  config: v03.TaskPushNotificationConfig,
): NamedTaskPushNotificationConfig {
  return {
    name: `tasks/${config.taskId}/pushNotificationConfigs/${config.pushNotificationConfig.id ?? ""}`,
    pushNotificationConfig: pushConfigToProto(config.pushNotificationConfig),
  };
}

/** The push configs of a task as `ListTaskPushNotificationConfigResponse` (no paging in 0.3). */
export function listPushConfigsToProto(
  configs: readonly v03.TaskPushNotificationConfig[],
): ListTaskPushNotificationConfigResponse {
  return omitDefaults({ configs: configs.map(taskPushConfigToProto) });
}
