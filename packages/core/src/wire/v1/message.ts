import { z } from "zod";
import { Part } from "./part.js";
import { RequiredString, Role, Struct } from "./primitives.js";

/** `Message`: one turn of communication between a client and an agent. */
export const Message = z.object({
  messageId: RequiredString,
  contextId: z.string().optional(),
  taskId: z.string().optional(),
  role: Role,
  parts: z.array(Part).min(1, "must contain at least one part"),
  metadata: Struct.optional(),
  extensions: z.array(z.string()).optional(),
  referenceTaskIds: z.array(z.string()).optional(),
});
export type Message = z.infer<typeof Message>;
