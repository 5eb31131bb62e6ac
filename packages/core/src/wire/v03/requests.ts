import { z } from "zod";
import { RequiredString, Struct } from "../v1/primitives.js";
import { Message } from "./message.js";
import { HistoryLength } from "./primitives.js";
import { PushNotificationConfig } from "./push.js";

/** 0.3 `MessageSendConfiguration`. `blocking` left out means blocking (see the converter). */
export const MessageSendConfiguration = z.object({
  acceptedOutputModes: z.array(z.string()).optional(),
  blocking: z.boolean().optional(),
  historyLength: HistoryLength.optional(),
  pushNotificationConfig: PushNotificationConfig.optional(),
});
export type MessageSendConfiguration = z.infer<typeof MessageSendConfiguration>;

/** Params of `message/send` and `message/stream`. */
export const MessageSendParams = z.object({
  message: Message,
  configuration: MessageSendConfiguration.optional(),
  metadata: Struct.optional(),
});
export type MessageSendParams = z.infer<typeof MessageSendParams>;

/** Params of `tasks/get`. */
export const TaskQueryParams = z.object({
  id: RequiredString,
  historyLength: HistoryLength.optional(),
  metadata: Struct.optional(),
});
export type TaskQueryParams = z.infer<typeof TaskQueryParams>;

/** Params of `tasks/cancel` and `tasks/resubscribe`. */
export const TaskIdParams = z.object({
  id: RequiredString,
  metadata: Struct.optional(),
});
export type TaskIdParams = z.infer<typeof TaskIdParams>;
