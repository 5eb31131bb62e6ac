import type * as v1 from "../v1/index.js";
import type * as v03 from "../v03/index.js";
import {
  artifactUpdateFromV03,
  artifactUpdateToV03,
  statusUpdateFromV03,
  statusUpdateToV03,
} from "./events.js";
import { messageFromV03, messageToV03 } from "./message.js";
import { taskFromV03, taskToV03 } from "./task.js";

/**
 * A 1.0 `StreamResponse` (member-named payload) as the 0.3 stream `result`: the bare object,
 * told apart by its `kind`.
 */
export function streamResponseToV03(response: v1.StreamResponse): v03.StreamResult {
  if ("task" in response) return taskToV03(response.task);
  if ("message" in response) return messageToV03(response.message);
  if ("statusUpdate" in response) return statusUpdateToV03(response.statusUpdate);
  return artifactUpdateToV03(response.artifactUpdate);
}

/** A 0.3 stream `result` as a 1.0 `StreamResponse`. */
export function streamResponseFromV03(result: v03.StreamResult): v1.StreamResponse {
  switch (result.kind) {
    case "task":
      return { task: taskFromV03(result) };
    case "message":
      return { message: messageFromV03(result) };
    case "status-update":
      return { statusUpdate: statusUpdateFromV03(result) };
    case "artifact-update":
      return { artifactUpdate: artifactUpdateFromV03(result) };
  }
}

/** A 1.0 `SendMessageResponse` as the 0.3 `message/send` result: a bare Task or Message. */
export function sendMessageResponseToV03(response: v1.SendMessageResponse): v03.SendMessageResult {
  return "task" in response ? taskToV03(response.task) : messageToV03(response.message);
}

/** A 0.3 `message/send` result as a 1.0 `SendMessageResponse`. */
export function sendMessageResponseFromV03(result: v03.SendMessageResult): v1.SendMessageResponse {
  return result.kind === "task"
    ? { task: taskFromV03(result) }
    : { message: messageFromV03(result) };
}
