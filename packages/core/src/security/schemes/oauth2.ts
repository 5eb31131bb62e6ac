import type { z } from "zod";
import { compact } from "../../util/compact.js";
import type { OAuthFlows } from "../../wire/v1/security.js";
import type { SchemeOptions, SecurityScheme } from "../scheme.js";
import { bearerTokenScheme } from "./bearer-token.js";

/** Options of {@link oauth2Scheme}. */
export interface OAuth2SchemeOptions extends SchemeOptions<string> {
  /**
   * The flow clients use to get a token, one of `authorizationCode`, `clientCredentials`,
   * `deviceCode` (and the deprecated `implicit`, `password`), with its URLs and scopes.
   */
  flows: z.input<typeof OAuthFlows>;
  /** The authorization server's metadata document (RFC 8414). */
  oauth2MetadataUrl?: string;
}

/**
 * OAuth 2.0: clients send the access token as `Authorization: Bearer <token>`. The verifier
 * checks it: {@link jwtVerifier} for JWT access tokens, or your own (e.g. introspection).
 * Require scopes with `withScopes`.
 *
 * @example
 * ```ts
 * const oauth = oauth2Scheme({
 *   name: "oauth",
 *   flows: { clientCredentials: { tokenUrl: "https://issuer.example/token",
 *                                 scopes: { "tasks:write": "Send messages" } } },
 *   verify: jwtVerifier({ jwksUrl, issuer, audience }),
 * });
 * createA2A({ ..., security: [requireAll(oauth.withScopes("tasks:write"))] });
 * ```
 */
export function oauth2Scheme(options: OAuth2SchemeOptions): SecurityScheme {
  return bearerTokenScheme(options, {
    oauth2SecurityScheme: compact({
      flows: options.flows as z.infer<typeof OAuthFlows>,
      oauth2MetadataUrl: options.oauth2MetadataUrl,
      description: options.description,
    }),
  });
}
