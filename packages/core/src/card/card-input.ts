import { z } from "zod";
import { AgentCard, AgentExtension } from "../wire/v1/index.js";

/**
 * What the user writes about the agent. Interfaces, protocol version and most capabilities
 * are derived from where and how the agent is mounted, so they cannot drift from reality.
 */
export const AgentCardInput = AgentCard.pick({
  name: true,
  description: true,
  version: true,
  skills: true,
  provider: true,
  documentationUrl: true,
  iconUrl: true,
}).extend({
  /** Media types the agent accepts. Default `["text/plain"]`. */
  defaultInputModes: z.array(z.string().min(1)).min(1).optional(),
  /** Media types the agent produces. Default `["text/plain"]`. */
  defaultOutputModes: z.array(z.string().min(1)).min(1).optional(),
  capabilities: z
    .object({
      /** Serve `SendStreamingMessage` and `SubscribeToTask`. Default `true`. */
      streaming: z.boolean().optional(),
      /** Extensions the agent supports; `required` ones are enforced on every request. */
      extensions: z.array(AgentExtension.extend({ uri: z.string().min(1) })).optional(),
      /** Declares the extended card (answered once one can be configured). */
      extendedAgentCard: z.boolean().optional(),
    })
    .optional(),
});
export type AgentCardInput = z.input<typeof AgentCardInput>;
