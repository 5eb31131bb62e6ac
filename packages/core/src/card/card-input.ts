import { z } from "zod";
import type { SecurityInput } from "../security/requirement.js";
import { AgentCard, AgentExtension, AgentSkill } from "../wire/v1/index.js";

const isSecurityEntry = (value: unknown): boolean =>
  typeof value === "object" &&
  value !== null &&
  ("schemes" in value || "scheme" in value || "authenticate" in value);

/** A security list (see `SecurityInput`): requirements, schemes or scoped schemes. */
export const SecurityInputSchema = z.custom<SecurityInput>(
  (value) => Array.isArray(value) && value.every(isSecurityEntry),
  "must be a list of requireAll(...) requirements or security schemes",
);

/**
 * A skill as the user writes it: `security` replaces the card's `securityRequirements`,
 * which are derived from it (so the declaration and the enforced policy are one).
 */
export const AgentSkillInput = AgentSkill.omit({ securityRequirements: true })
  .extend({ security: SecurityInputSchema.optional() })
  .strict();
export type AgentSkillInput = z.input<typeof AgentSkillInput>;

/**
 * What the user writes about the agent. Interfaces, protocol version and most capabilities
 * are derived from where and how the agent is mounted, so they cannot drift from reality.
 */
export const AgentCardInput = AgentCard.pick({
  name: true,
  description: true,
  version: true,
  provider: true,
  documentationUrl: true,
  iconUrl: true,
}).extend({
  skills: z.array(AgentSkillInput).min(1),
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
