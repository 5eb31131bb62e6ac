import { compact } from "../../util/compact.js";
import type * as v1 from "../v1/index.js";
import type * as v03 from "../v03/index.js";
import { partFromV03, partToV03 } from "./part.js";

const ROLE_TO_V03 = { ROLE_USER: "user", ROLE_AGENT: "agent" } as const satisfies Record<
  v1.Role,
  v03.Role
>;
const ROLE_FROM_V03 = { user: "ROLE_USER", agent: "ROLE_AGENT" } as const satisfies Record<
  v03.Role,
  v1.Role
>;

/** `ROLE_USER` -> `user`, `ROLE_AGENT` -> `agent`. */
export function roleToV03(role: v1.Role): v03.Role {
  return ROLE_TO_V03[role];
}

/** `user` -> `ROLE_USER`, `agent` -> `ROLE_AGENT`. */
export function roleFromV03(role: v03.Role): v1.Role {
  return ROLE_FROM_V03[role];
}

/** A 1.0 message as a 0.3 message (`kind: "message"`); every field has a 0.3 place. */
export function messageToV03(message: v1.Message): v03.Message {
  return compact({
    kind: "message",
    messageId: message.messageId,
    contextId: message.contextId,
    taskId: message.taskId,
    role: roleToV03(message.role),
    parts: message.parts.map(partToV03),
    metadata: message.metadata,
    extensions: message.extensions,
    referenceTaskIds: message.referenceTaskIds,
  });
}

/** A 0.3 message as a 1.0 message; only `kind` is left behind. */
export function messageFromV03(message: v03.Message): v1.Message {
  return compact({
    messageId: message.messageId,
    contextId: message.contextId,
    taskId: message.taskId,
    role: roleFromV03(message.role),
    parts: message.parts.map(partFromV03),
    metadata: message.metadata,
    extensions: message.extensions,
    referenceTaskIds: message.referenceTaskIds,
  });
}
