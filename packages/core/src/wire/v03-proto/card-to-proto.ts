import { flag, nonEmptyMap, omitDefaults } from "../../util/omit-defaults.js";
import type * as v03 from "../v03/index.js";
import type {
  AgentCard,
  AgentSkill,
  OAuthFlows,
  Security,
  SecurityScheme,
  StringList,
} from "./proto-types.js";

/** The agent card of `GET /v1/card` as the ProtoJSON of the 0.3 proto `AgentCard`. */

/** A security requirement as the proto `Security`: scopes wrapped in `StringList`s. */
export function securityToProto(requirement: v03.SecurityRequirement): Security {
  const schemes = Object.fromEntries(
    Object.entries(requirement).map(([name, scopes]) => [
      name,
      omitDefaults<StringList>({ list: scopes }),
    ]),
  );
  return omitDefaults({ schemes: nonEmptyMap(schemes) });
}

/**
 * 0.3 JSON `OAuthFlows` may declare several flows; the proto's is a oneof. One is kept, the
 * first of authorization code, client credentials, implicit, password: the non-deprecated
 * flows first, and the one a card listing several most likely expects.
 */
export function oauthFlowsToProto(flows: v03.OAuthFlows): OAuthFlows {
  const scopes = (value: Record<string, string>) => nonEmptyMap(value);
  if (flows.authorizationCode) {
    const flow = flows.authorizationCode;
    return {
      authorizationCode: omitDefaults({
        authorizationUrl: flow.authorizationUrl,
        tokenUrl: flow.tokenUrl,
        refreshUrl: flow.refreshUrl,
        scopes: scopes(flow.scopes),
      }),
    };
  }
  if (flows.clientCredentials) {
    const flow = flows.clientCredentials;
    return {
      clientCredentials: omitDefaults({
        tokenUrl: flow.tokenUrl,
        refreshUrl: flow.refreshUrl,
        scopes: scopes(flow.scopes),
      }),
    };
  }
  if (flows.implicit) {
    const flow = flows.implicit;
    return {
      implicit: omitDefaults({
        authorizationUrl: flow.authorizationUrl,
        refreshUrl: flow.refreshUrl,
        scopes: scopes(flow.scopes),
      }),
    };
  }
  if (flows.password) {
    const flow = flows.password;
    return {
      password: omitDefaults({
        tokenUrl: flow.tokenUrl,
        refreshUrl: flow.refreshUrl,
        scopes: scopes(flow.scopes),
      }),
    };
  }
  return {};
}

/** A 0.3 (OpenAPI-style, `type`-tagged) security scheme as the proto oneof. */
export function securitySchemeToProto(scheme: v03.SecurityScheme): SecurityScheme {
  switch (scheme.type) {
    case "apiKey":
      return {
        apiKeySecurityScheme: omitDefaults({
          description: scheme.description,
          location: scheme.in,
          name: scheme.name,
        }),
      };
    case "http":
      return {
        httpAuthSecurityScheme: omitDefaults({
          description: scheme.description,
          scheme: scheme.scheme,
          bearerFormat: scheme.bearerFormat,
        }),
      };
    case "oauth2":
      return {
        oauth2SecurityScheme: omitDefaults({
          description: scheme.description,
          flows: oauthFlowsToProto(scheme.flows),
          oauth2MetadataUrl: scheme.oauth2MetadataUrl,
        }),
      };
    case "openIdConnect":
      return {
        openIdConnectSecurityScheme: omitDefaults({
          description: scheme.description,
          openIdConnectUrl: scheme.openIdConnectUrl,
        }),
      };
    case "mutualTLS":
      return { mtlsSecurityScheme: omitDefaults({ description: scheme.description }) };
  }
}

function skillToProto(skill: v03.AgentSkill): AgentSkill {
  return omitDefaults({
    id: skill.id,
    name: skill.name,
    description: skill.description,
    tags: skill.tags,
    examples: skill.examples,
    inputModes: skill.inputModes,
    outputModes: skill.outputModes,
    security: skill.security?.map(securityToProto),
  });
}

/**
 * A 0.3 agent card as the proto `AgentCard` (`GET /v1/card`). Same field names as the 0.3 JSON
 * card, but security schemes and requirements take their proto shapes, and fields the 0.3
 * proto lacks (`iconUrl`, `capabilities.stateTransitionHistory`) are dropped.
 */
export function agentCardToProto(card: v03.AgentCard): AgentCard {
  const { capabilities } = card;
  const securitySchemes =
    card.securitySchemes &&
    Object.fromEntries(
      Object.entries(card.securitySchemes).map(([name, scheme]) => [
        name,
        securitySchemeToProto(scheme),
      ]),
    );
  return omitDefaults({
    protocolVersion: card.protocolVersion,
    name: card.name,
    description: card.description,
    url: card.url,
    preferredTransport: card.preferredTransport,
    additionalInterfaces: card.additionalInterfaces?.map((i) =>
      omitDefaults({ url: i.url, transport: i.transport }),
    ),
    provider:
      card.provider &&
      omitDefaults({ url: card.provider.url, organization: card.provider.organization }),
    version: card.version,
    documentationUrl: card.documentationUrl,
    capabilities: omitDefaults({
      streaming: flag(capabilities.streaming),
      pushNotifications: flag(capabilities.pushNotifications),
      extensions: capabilities.extensions?.map((extension) =>
        omitDefaults({
          uri: extension.uri,
          description: extension.description,
          required: flag(extension.required),
          params: extension.params,
        }),
      ),
    }),
    securitySchemes: nonEmptyMap(securitySchemes),
    security: card.security?.map(securityToProto),
    defaultInputModes: card.defaultInputModes,
    defaultOutputModes: card.defaultOutputModes,
    skills: card.skills.map(skillToProto),
    supportsAuthenticatedExtendedCard: flag(card.supportsAuthenticatedExtendedCard),
    signatures: card.signatures?.map((signature) =>
      omitDefaults({
        protected: signature.protected,
        signature: signature.signature,
        header: signature.header,
      }),
    ),
  });
}
