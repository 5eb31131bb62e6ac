import type { AgentCapabilities, AgentCard } from "../wire/v1/index.js";
import type { AgentCardInput } from "./card-input.js";

export const DEFAULT_MODES = ["text/plain"];

/** The card for one public URL of the agent. */
export function buildCard(
  input: AgentCardInput,
  interfaceUrl: string,
  bindings: readonly string[],
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
    skills: input.skills,
  };
  if (input.provider) card.provider = input.provider;
  if (input.documentationUrl !== undefined) card.documentationUrl = input.documentationUrl;
  if (input.iconUrl !== undefined) card.iconUrl = input.iconUrl;
  return card;
}
