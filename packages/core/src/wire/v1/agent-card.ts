import { z } from "zod";
import { RequiredString, Struct } from "./primitives.js";
import { SecurityRequirement, SecurityScheme } from "./security.js";

export const AgentInterface = z.object({
  url: RequiredString,
  protocolBinding: RequiredString,
  tenant: z.string().optional(),
  protocolVersion: RequiredString,
});
export type AgentInterface = z.infer<typeof AgentInterface>;

export const AgentProvider = z.object({
  url: RequiredString,
  organization: RequiredString,
});
export type AgentProvider = z.infer<typeof AgentProvider>;

export const AgentExtension = z.object({
  uri: z.string().optional(),
  description: z.string().optional(),
  required: z.boolean().optional(),
  params: Struct.optional(),
});
export type AgentExtension = z.infer<typeof AgentExtension>;

export const AgentCapabilities = z.object({
  streaming: z.boolean().optional(),
  pushNotifications: z.boolean().optional(),
  extensions: z.array(AgentExtension).optional(),
  extendedAgentCard: z.boolean().optional(),
});
export type AgentCapabilities = z.infer<typeof AgentCapabilities>;

export const AgentSkill = z.object({
  id: RequiredString,
  name: RequiredString,
  description: RequiredString,
  tags: z.array(z.string()).min(1, "must contain at least one tag"),
  examples: z.array(z.string()).optional(),
  inputModes: z.array(z.string()).optional(),
  outputModes: z.array(z.string()).optional(),
  securityRequirements: z.array(SecurityRequirement).optional(),
});
export type AgentSkill = z.infer<typeof AgentSkill>;

export const AgentCardSignature = z.object({
  protected: RequiredString,
  signature: RequiredString,
  header: Struct.optional(),
});
export type AgentCardSignature = z.infer<typeof AgentCardSignature>;

/** `AgentCard`: the self-description an agent publishes. */
export const AgentCard = z.object({
  name: RequiredString,
  description: RequiredString,
  supportedInterfaces: z.array(AgentInterface).min(1),
  provider: AgentProvider.optional(),
  version: RequiredString,
  documentationUrl: z.string().optional(),
  capabilities: AgentCapabilities,
  securitySchemes: z.record(z.string(), SecurityScheme).optional(),
  securityRequirements: z.array(SecurityRequirement).optional(),
  defaultInputModes: z.array(z.string()).min(1),
  defaultOutputModes: z.array(z.string()).min(1),
  skills: z.array(AgentSkill).min(1),
  signatures: z.array(AgentCardSignature).optional(),
  iconUrl: z.string().optional(),
});
export type AgentCard = z.infer<typeof AgentCard>;
