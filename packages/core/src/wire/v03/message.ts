import { z } from "zod";
import { RequiredString, Struct } from "../v1/primitives.js";
import { Part } from "./part.js";
import { Role } from "./primitives.js";

const messageShape = {
  messageId: RequiredString,
  contextId: z.string().optional(),
  taskId: z.string().optional(),
  role: Role,
  // The 0.3 schema sets no minimum, but a message without parts cannot become a valid 1.0
  // message, so it is rejected here where the error can name the 0.3 field.
  parts: z.array(Part).min(1, "must contain at least one part"),
  metadata: Struct.optional(),
  extensions: z.array(z.string()).optional(),
  referenceTaskIds: z.array(z.string()).optional(),
};

/**
 * 0.3 `Message` as a client sends it. `kind` may be left out: the spec's own request
 * examples (§9) omit it and the Python SDK defaults it, so requiring it would turn away
 * real 0.3 clients. A wrong `kind` is still rejected.
 */
export const Message = z.object({
  kind: z.literal("message").default("message"),
  ...messageShape,
});
export type Message = z.infer<typeof Message>;

/** 0.3 `Message` with `kind` required, for the result unions that are told apart by it. */
export const MessageWithKind = z.object({ kind: z.literal("message"), ...messageShape });
