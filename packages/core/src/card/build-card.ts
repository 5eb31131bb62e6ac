import { normalizeSecurity, type Requirement, wireRequirements } from "../security/requirement.js";
import type { AgentCapabilities, AgentCard, AgentSkill, SecurityScheme } from "../wire/v1/index.js";
import type { AgentCardInput, AgentSkillInput } from "./card-input.js";

export const DEFAULT_MODES = ["text/plain"];

/** The agent-wide security a card declares: derived from the enforced requirements. */
export interface CardSecurity {
  /** Every scheme the agent or a skill uses, by name. */
  schemes: Record<string, SecurityScheme>;
  /** The agent-wide requirements. */
  requirements: readonly Requirement[];
}

function skillCard({ security, ...skill }: AgentSkillInput): AgentSkill {
  const requirements = normalizeSecurity(security);
  return requirements.length
    ? { ...skill, securityRequirements: wireRequirements(requirements) }
    : skill;
}

/** The card for one public URL of the agent. */
export function buildCard(
  input: AgentCardInput,
  interfaceUrl: string,
  bindings: readonly string[],
  security?: CardSecurity,
): AgentCard {
  const capabilities: AgentCapabilities = {
    streaming: input.capabilities?.streaming ?? true,
    pushNotifications: false,
  };
  if (input.capabilities?.extendedAgentCard) capabilities.extendedAgentCard = true;
  if (input.capabilities?.extensions?.length) {
    capabilities.extensions = input.capabilities.extensions;
  }
  const card: AgentCard = {
    name: input.name,
    description: input.description,
    // Both bindings live at the mount URL: JSON-RPC at it, HTTP+JSON routes below it.
    supportedInterfaces: bindings.map((protocolBinding) => ({
      url: interfaceUrl,
      protocolBinding,
      protocolVersion: "1.0",
    })),
    version: input.version,
    capabilities,
    defaultInputModes: input.defaultInputModes ?? DEFAULT_MODES,
    defaultOutputModes: input.defaultOutputModes ?? DEFAULT_MODES,
    skills: input.skills.map(skillCard),
  };
  if (input.provider) card.provider = input.provider;
  if (input.documentationUrl !== undefined) card.documentationUrl = input.documentationUrl;
  if (input.iconUrl !== undefined) card.iconUrl = input.iconUrl;
  if (security && Object.keys(security.schemes).length) {
    card.securitySchemes = security.schemes;
    if (security.requirements.length) {
      card.securityRequirements = wireRequirements(security.requirements);
    }
  }
  return card;
}
