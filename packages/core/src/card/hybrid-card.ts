import type { ProtocolVersion } from "../types/protocol-version.js";
import { omitDefaults } from "../util/omit-defaults.js";
import { agentCardToV03 } from "../wire/convert/agent-card.js";
import type { AgentCard } from "../wire/v1/index.js";
import { withoutDefaults } from "./canonical-card.js";

/**
 * The shapes a card is served in: a version's own, or `hybrid`, for requests that name no
 * version: see {@link hybridCard}.
 */
export type CardShape = ProtocolVersion | "hybrid";

/**
 * The card for a client that names no version: every field of the 1.0 card, plus the 0.3
 * fields where they do not collide (`protocolVersion`, `url`, `preferredTransport`,
 * `additionalInterfaces`, `supportsAuthenticatedExtendedCard`, `security`, each skill's
 * `security`, and each security scheme's OpenAPI-style fields next to its 1.0 oneof member).
 * So a 1.0 client finds `supportedInterfaces` and a 0.3 client finds `url`, as the official
 * SDKs serve it. No added field holds a proto3 default (`false`, `""` and empty lists are
 * left out, as a 1.0 reader would strip them), so the card's 1.0 canonical form
 * (spec §8.4.1) is the card as served: a 1.0 verifier and a 0.3 one check one signature.
 */
export function hybridCard(card: AgentCard): Record<string, unknown> {
  const v1 = withoutDefaults(card);
  const v03 = agentCardToV03(card);
  const hybrid: Record<string, unknown> = {
    ...v1,
    ...omitDefaults({
      protocolVersion: v03.protocolVersion,
      url: v03.url,
      preferredTransport: v03.preferredTransport,
      additionalInterfaces: v03.additionalInterfaces,
      supportsAuthenticatedExtendedCard: v03.supportsAuthenticatedExtendedCard,
      security: v03.security,
    }),
    skills: v1.skills.map((skill, i) => ({
      ...skill,
      ...omitDefaults({ security: v03.skills[i]?.security }),
    })),
  };
  if (v1.securitySchemes && v03.securitySchemes) {
    const legacy = v03.securitySchemes;
    hybrid.securitySchemes = Object.fromEntries(
      Object.entries(v1.securitySchemes).map(([name, scheme]) => [
        name,
        { ...omitDefaults({ ...legacy[name] }), ...scheme },
      ]),
    );
  }
  return hybrid;
}
