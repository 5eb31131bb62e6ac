import type { z } from "zod";
import { compact, nonEmpty } from "../../util/compact.js";
import type * as v1 from "../v1/index.js";
import type * as v03 from "../v03/index.js";

type V1OAuthFlows = z.infer<typeof v1.OAuthFlows>;
type Scopes = Record<string, string>;

const API_KEY_LOCATIONS = ["cookie", "header", "query"] as const;
type ApiKeyLocation = (typeof API_KEY_LOCATIONS)[number];

function apiKeyLocation(location: string): ApiKeyLocation | undefined {
  const lower = location.toLowerCase();
  return API_KEY_LOCATIONS.find((known) => known === lower);
}

/** A proto map left empty is the proto default, i.e. unset. */
function nonEmptyScopes(scopes: Scopes): Scopes | undefined {
  return Object.keys(scopes).length > 0 ? scopes : undefined;
}

/**
 * 1.0 OAuth flows (a oneof) as OpenAPI flows. Dropped for lack of a 0.3 place:
 * `pkceRequired`, and the device code flow as a whole (the scheme keeps its name,
 * description and `oauth2MetadataUrl`, from which a client can still discover endpoints).
 * The deprecated flows' URLs and scopes are optional in 1.0 and required in 0.3; an absent
 * one becomes the proto default (`""` / `{}`).
 */
export function oauthFlowsToV03(flows: V1OAuthFlows): v03.OAuthFlows {
  const { authorizationCode: code, clientCredentials: client, implicit, password } = flows;
  return compact({
    authorizationCode:
      code &&
      compact({
        authorizationUrl: code.authorizationUrl,
        tokenUrl: code.tokenUrl,
        refreshUrl: code.refreshUrl,
        scopes: code.scopes,
      }),
    clientCredentials:
      client &&
      compact({ tokenUrl: client.tokenUrl, refreshUrl: client.refreshUrl, scopes: client.scopes }),
    implicit:
      implicit &&
      compact({
        authorizationUrl: implicit.authorizationUrl ?? "",
        refreshUrl: implicit.refreshUrl,
        scopes: implicit.scopes ?? {},
      }),
    password:
      password &&
      compact({
        tokenUrl: password.tokenUrl ?? "",
        refreshUrl: password.refreshUrl,
        scopes: password.scopes ?? {},
      }),
  });
}

/**
 * OpenAPI flows as a 1.0 oneof, which holds one flow: the first of authorization code,
 * client credentials, implicit, password is kept (the modern flows first) and the others are
 * dropped. `undefined` when no flow is declared, since 1.0 requires one.
 */
export function oauthFlowsFromV03(flows: v03.OAuthFlows): V1OAuthFlows | undefined {
  const { authorizationCode: code, clientCredentials: client, implicit, password } = flows;
  if (code) {
    return {
      authorizationCode: compact({
        authorizationUrl: code.authorizationUrl,
        tokenUrl: code.tokenUrl,
        refreshUrl: code.refreshUrl,
        scopes: code.scopes,
      }),
    };
  }
  if (client) {
    return {
      clientCredentials: compact({
        tokenUrl: client.tokenUrl,
        refreshUrl: client.refreshUrl,
        scopes: client.scopes,
      }),
    };
  }
  if (implicit) {
    return {
      implicit: compact({
        authorizationUrl: nonEmpty(implicit.authorizationUrl),
        refreshUrl: implicit.refreshUrl,
        scopes: nonEmptyScopes(implicit.scopes),
      }),
    };
  }
  if (password) {
    return {
      password: compact({
        tokenUrl: nonEmpty(password.tokenUrl),
        refreshUrl: password.refreshUrl,
        scopes: nonEmptyScopes(password.scopes),
      }),
    };
  }
  return undefined;
}

/**
 * A 1.0 security scheme (a oneof) as a 0.3 OpenAPI-style scheme (`type` discriminator).
 * `undefined` for an API key whose location is not cookie, header or query (case-insensitive):
 * the proto allows only those, and a 0.3 client could not tell where to send the key.
 */
export function securitySchemeToV03(scheme: v1.SecurityScheme): v03.SecurityScheme | undefined {
  const { apiKeySecurityScheme: apiKey, httpAuthSecurityScheme: http } = scheme;
  const { oauth2SecurityScheme: oauth2, openIdConnectSecurityScheme: oidc } = scheme;
  if (apiKey) {
    const location = apiKeyLocation(apiKey.location);
    if (location === undefined) return undefined;
    return compact({
      type: "apiKey" as const,
      in: location,
      name: apiKey.name,
      description: apiKey.description,
    });
  }
  if (http) {
    return compact({
      type: "http" as const,
      scheme: http.scheme,
      bearerFormat: http.bearerFormat,
      description: http.description,
    });
  }
  if (oauth2) {
    return compact({
      type: "oauth2" as const,
      flows: oauthFlowsToV03(oauth2.flows),
      oauth2MetadataUrl: oauth2.oauth2MetadataUrl,
      description: oauth2.description,
    });
  }
  if (oidc) {
    return compact({
      type: "openIdConnect" as const,
      openIdConnectUrl: oidc.openIdConnectUrl,
      description: oidc.description,
    });
  }
  return compact({
    type: "mutualTLS" as const,
    description: scheme.mtlsSecurityScheme?.description,
  });
}

/**
 * A 0.3 security scheme as a 1.0 oneof. `undefined` for an OAuth 2 scheme without flows,
 * which 1.0 cannot express.
 */
export function securitySchemeFromV03(scheme: v03.SecurityScheme): v1.SecurityScheme | undefined {
  switch (scheme.type) {
    case "apiKey":
      return {
        apiKeySecurityScheme: compact({
          description: scheme.description,
          location: scheme.in,
          name: scheme.name,
        }),
      };
    case "http":
      return {
        httpAuthSecurityScheme: compact({
          description: scheme.description,
          scheme: scheme.scheme,
          bearerFormat: scheme.bearerFormat,
        }),
      };
    case "oauth2": {
      const flows = oauthFlowsFromV03(scheme.flows);
      if (!flows) return undefined;
      return {
        oauth2SecurityScheme: compact({
          description: scheme.description,
          flows,
          oauth2MetadataUrl: scheme.oauth2MetadataUrl,
        }),
      };
    }
    case "openIdConnect":
      return {
        openIdConnectSecurityScheme: compact({
          description: scheme.description,
          openIdConnectUrl: scheme.openIdConnectUrl,
        }),
      };
    case "mutualTLS":
      return { mtlsSecurityScheme: compact({ description: scheme.description }) };
  }
}

/** Converts every entry of a scheme map, leaving out those the converter drops. */
function mapSchemes<A, B>(
  schemes: Record<string, A>,
  convert: (scheme: A) => B | undefined,
): Record<string, B> {
  const out: Record<string, B> = {};
  for (const [name, scheme] of Object.entries(schemes)) {
    const converted = convert(scheme);
    if (converted !== undefined) out[name] = converted;
  }
  return out;
}

/** A 1.0 `securitySchemes` map as a 0.3 one; see securitySchemeToV03 for dropped entries. */
export function securitySchemesToV03(
  schemes: Record<string, v1.SecurityScheme>,
): Record<string, v03.SecurityScheme> {
  return mapSchemes(schemes, securitySchemeToV03);
}

/** A 0.3 `securitySchemes` map as a 1.0 one; see securitySchemeFromV03 for dropped entries. */
export function securitySchemesFromV03(
  schemes: Record<string, v03.SecurityScheme>,
): Record<string, v1.SecurityScheme> {
  return mapSchemes(schemes, securitySchemeFromV03);
}

/** `{schemes: {name: {list: scopes}}}` -> `{name: scopes}`; an unset list is no scopes. */
export function securityRequirementToV03(
  requirement: v1.SecurityRequirement,
): v03.SecurityRequirement {
  return Object.fromEntries(
    Object.entries(requirement.schemes).map(([name, scopes]) => [name, scopes.list ?? []]),
  );
}

/** `{name: scopes}` -> `{schemes: {name: {list: scopes}}}`. */
export function securityRequirementFromV03(
  requirement: v03.SecurityRequirement,
): v1.SecurityRequirement {
  return {
    schemes: Object.fromEntries(
      Object.entries(requirement).map(([name, scopes]) => [name, { list: scopes }]),
    ),
  };
}
