import { compact } from "../../util/compact.js";
import { type OidcVerifierOptions, oidcVerifier } from "../jwt/oidc-verifier.js";
import type { SchemeOptions, SecurityScheme } from "../scheme.js";
import { bearerTokenScheme } from "./bearer-token.js";

/** Options of {@link openIdConnectScheme}. */
export interface OpenIdConnectSchemeOptions
  extends SchemeOptions<string>,
    Partial<Omit<OidcVerifierOptions, "discoveryUrl">> {
  /** The provider's discovery document, `.../.well-known/openid-configuration`. */
  url: string;
}

/**
 * OpenID Connect: clients send a token from the provider as `Authorization: Bearer`.
 * With `audience`, tokens are verified against the provider's discovery document (its
 * issuer and JWKS); a custom `verify` replaces that; with neither, the host app's
 * principal satisfies it.
 *
 * @example
 * ```ts
 * const google = openIdConnectScheme({
 *   name: "google",
 *   url: "https://accounts.google.com/.well-known/openid-configuration",
 *   audience: "my-client-id.apps.googleusercontent.com",
 * });
 * ```
 */
export function openIdConnectScheme(options: OpenIdConnectSchemeOptions): SecurityScheme {
  const { url, audience } = options;
  const verify =
    options.verify ??
    (audience !== undefined
      ? oidcVerifier({ ...options, discoveryUrl: url, audience })
      : undefined);
  return bearerTokenScheme(
    options,
    {
      openIdConnectSecurityScheme: compact({
        openIdConnectUrl: url,
        description: options.description,
      }),
    },
    verify,
  );
}
