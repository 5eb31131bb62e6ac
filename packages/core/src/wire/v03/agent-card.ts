import { z } from "zod";
import { RequiredString, Struct } from "../v1/primitives.js";
import { SecurityRequirement, SecurityScheme } from "./security.js";

/** 0.3 `AgentInterface`: a URL and the transport served there. */
export const AgentInterface = z.object({
  url: RequiredString,
  transport: RequiredString,
});
export type AgentInterface = z.infer<typeof AgentInterface>;

export const AgentProvider = z.object({
  organization: RequiredString,
  url: RequiredString,
});
export type AgentProvider = z.infer<typeof AgentProvider>;

export const AgentExtension = z.object({
  uri: z.string(),
  description: z.string().optional(),
  required: z.boolean().optional(),
  params: Struct.optional(),
});
export type AgentExtension = z.infer<typeof AgentExtension>;

export const AgentCapabilities = z.object({
  streaming: z.boolean().optional(),
  pushNotifications: z.boolean().optional(),
  stateTransitionHistory: z.boolean().optional(),
  extensions: z.array(AgentExtension).optional(),
});
export type AgentCapabilities = z.infer<typeof AgentCapabilities>;

export const AgentSkill = z.object({
  id: RequiredString,
  name: RequiredString,
  description: RequiredString,
  tags: z.array(z.string()),
  examples: z.array(z.string()).optional(),
  inputModes: z.array(z.string()).optional(),
  outputModes: z.array(z.string()).optional(),
  security: z.array(SecurityRequirement).optional(),
});
export type AgentSkill = z.infer<typeof AgentSkill>;

export const AgentCardSignature = z.object({
  protected: RequiredString,
  signature: RequiredString,
  header: Struct.optional(),
});
export type AgentCardSignature = z.infer<typeof AgentCardSignature>;

/**
 * 0.3 `AgentCard`: one main `url` with its `preferredTransport` (default `JSONRPC`) plus
 * `additionalInterfaces`, and one card-wide `protocolVersion`.
 */
export const AgentCard = z.object({
  protocolVersion: RequiredString,
  name: RequiredString,
  description: RequiredString,
  url: RequiredString,
  preferredTransport: z.string().optional(),
  additionalInterfaces: z.array(AgentInterface).optional(),
  provider: AgentProvider.optional(),
  iconUrl: z.string().optional(),
  version: RequiredString,
  documentationUrl: z.string().optional(),
  capabilities: AgentCapabilities,
  securitySchemes: z.record(z.string(), SecurityScheme).optional(),
  security: z.array(SecurityRequirement).optional(),
  defaultInputModes: z.array(z.string()),
  defaultOutputModes: z.array(z.string()),
  skills: z.array(AgentSkill),
  supportsAuthenticatedExtendedCard: z.boolean().optional(),
  signatures: z.array(AgentCardSignature).optional(),
});
export type AgentCard = z.infer<typeof AgentCard>;
