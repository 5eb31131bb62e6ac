import { compact, nonEmpty } from "../../util/compact.js";
import type * as v1 from "../v1/index.js";
import type * as v03 from "../v03/index.js";
import {
  securityRequirementFromV03,
  securityRequirementToV03,
  securitySchemesFromV03,
  securitySchemesToV03,
} from "./security.js";

/** The `protocolVersion` a converted card declares. */
export const V03_PROTOCOL_VERSION = "0.3.0";

/** 0.3 transport when a 0.3 card leaves `preferredTransport` out (its schema default). */
const DEFAULT_TRANSPORT = "JSONRPC";

/**
 * The interfaces a 0.3 card should list: those a 1.0 card declares for 0.3, if any (a 1.0
 * interface may serve another version), else all of them, since this server answers 0.3 on
 * its 1.0 endpoints.
 */
function v03Interfaces(interfaces: readonly v1.AgentInterface[]): v1.AgentInterface[] {
  const declared = interfaces.filter((i) => /^0\.3(\.|$)/.test(i.protocolVersion));
  return declared.length > 0 ? declared : [...interfaces];
}

function extensionToV03(extension: v1.AgentExtension): v03.AgentExtension {
  return compact({
    // Optional in 1.0 (proto default ""), required in 0.3.
    uri: extension.uri ?? "",
    description: extension.description,
    required: extension.required,
    params: extension.params,
  });
}

function extensionFromV03(extension: v03.AgentExtension): v1.AgentExtension {
  return compact({
    uri: nonEmpty(extension.uri),
    description: extension.description,
    required: extension.required,
    params: extension.params,
  });
}

function skillToV03(skill: v1.AgentSkill): v03.AgentSkill {
  return compact({
    id: skill.id,
    name: skill.name,
    description: skill.description,
    tags: skill.tags,
    examples: skill.examples,
    inputModes: skill.inputModes,
    outputModes: skill.outputModes,
    security: skill.securityRequirements?.map(securityRequirementToV03),
  });
}

function skillFromV03(skill: v03.AgentSkill): v1.AgentSkill {
  return compact({
    id: skill.id,
    name: skill.name,
    description: skill.description,
    tags: skill.tags,
    examples: skill.examples,
    inputModes: skill.inputModes,
    outputModes: skill.outputModes,
    securityRequirements: skill.security?.map(securityRequirementFromV03),
  });
}

/**
 * A 1.0 agent card as the card a 0.3 client reads.
 *
 * - `url` / `preferredTransport` come from the first interface, `additionalInterfaces` lists
 *   every interface (the first included, as 0.3 §5.6.2 recommends) with its binding name as
 *   transport. Interfaces declared with protocol version 0.3 are preferred when present.
 * - `protocolVersion` is {@link V03_PROTOCOL_VERSION}; per-interface versions and `tenant`
 *   have no 0.3 place.
 * - `capabilities.extendedAgentCard` becomes `supportsAuthenticatedExtendedCard`.
 * - Security schemes become OpenAPI-style (see securitySchemeToV03 for what is dropped),
 *   `securityRequirements` become `security`.
 * - `signatures` are dropped: a JWS signs the canonical JSON of the card it was made for,
 *   which this converted card is not, so passing it on would make verifying clients reject
 *   the card rather than treat it as unsigned.
 */
export function agentCardToV03(card: v1.AgentCard): v03.AgentCard {
  const interfaces = v03Interfaces(card.supportedInterfaces);
  const main = interfaces[0];
  return compact({
    protocolVersion: V03_PROTOCOL_VERSION,
    name: card.name,
    description: card.description,
    url: main?.url ?? "",
    preferredTransport: main?.protocolBinding ?? DEFAULT_TRANSPORT,
    additionalInterfaces: interfaces.map((i) => ({ url: i.url, transport: i.protocolBinding })),
    provider: card.provider,
    iconUrl: card.iconUrl,
    version: card.version,
    documentationUrl: card.documentationUrl,
    capabilities: compact({
      streaming: card.capabilities.streaming,
      pushNotifications: card.capabilities.pushNotifications,
      extensions: card.capabilities.extensions?.map(extensionToV03),
    }),
    securitySchemes: card.securitySchemes && securitySchemesToV03(card.securitySchemes),
    security: card.securityRequirements?.map(securityRequirementToV03),
    defaultInputModes: card.defaultInputModes,
    defaultOutputModes: card.defaultOutputModes,
    skills: card.skills.map(skillToV03),
    supportsAuthenticatedExtendedCard: card.capabilities.extendedAgentCard,
  });
}

/**
 * A 0.3 agent card as a 1.0 card; the inverse of {@link agentCardToV03}.
 *
 * `supportedInterfaces` is the main `url`/`preferredTransport` followed by the
 * `additionalInterfaces` other than that same pair, each with the card's `protocolVersion`.
 * Dropped: `capabilities.stateTransitionHistory` (no 1.0 place) and `signatures` (they sign
 * the 0.3 card). A 0.3 card that 0.3 allows but 1.0 does not (no skills, empty modes) gives
 * a card that the 1.0 schema rejects; it is converted as is rather than guessed at.
 */
export function agentCardFromV03(card: v03.AgentCard): v1.AgentCard {
  const main: v1.AgentInterface = {
    url: card.url,
    protocolBinding: card.preferredTransport ?? DEFAULT_TRANSPORT,
    protocolVersion: card.protocolVersion,
  };
  const additional = (card.additionalInterfaces ?? [])
    .filter((i) => i.url !== main.url || i.transport !== main.protocolBinding)
    .map((i) => ({
      url: i.url,
      protocolBinding: i.transport,
      protocolVersion: card.protocolVersion,
    }));
  return compact({
    name: card.name,
    description: card.description,
    supportedInterfaces: [main, ...additional],
    provider: card.provider,
    version: card.version,
    documentationUrl: card.documentationUrl,
    capabilities: compact({
      streaming: card.capabilities.streaming,
      pushNotifications: card.capabilities.pushNotifications,
      extensions: card.capabilities.extensions?.map(extensionFromV03),
      extendedAgentCard: card.supportsAuthenticatedExtendedCard,
    }),
    securitySchemes: card.securitySchemes && securitySchemesFromV03(card.securitySchemes),
    securityRequirements: card.security?.map(securityRequirementFromV03),
    defaultInputModes: card.defaultInputModes,
    defaultOutputModes: card.defaultOutputModes,
    skills: card.skills.map(skillFromV03),
    iconUrl: card.iconUrl,
  });
}
