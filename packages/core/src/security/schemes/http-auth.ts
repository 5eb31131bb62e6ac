import { compact } from "../../util/compact.js";
import {
  authorizationCredential,
  type BasicCredentials,
  parseBasicCredentials,
} from "../credentials.js";
import {
  defineScheme,
  quoted,
  REALM,
  type SchemeOptions,
  type SecurityScheme,
  tokenChallenge,
} from "../scheme.js";
import { bearerTokenScheme } from "./bearer-token.js";

/** Options of {@link bearerScheme}. */
export interface BearerSchemeOptions extends SchemeOptions<string> {
  /** A hint of the token's format, e.g. `"JWT"`. */
  bearerFormat?: string;
}

/**
 * HTTP Bearer authentication (RFC 6750): `Authorization: Bearer <token>`. Pair it with
 * {@link jwtVerifier} for JWTs, or verify opaque tokens yourself.
 *
 * @example
 * ```ts
 * const bearer = bearerScheme({
 *   name: "bearer",
 *   bearerFormat: "JWT",
 *   verify: jwtVerifier({ jwksUrl: "https://issuer.example/jwks.json", issuer, audience }),
 * });
 * ```
 */
export function bearerScheme(options: BearerSchemeOptions): SecurityScheme {
  return bearerTokenScheme(options, {
    httpAuthSecurityScheme: compact({
      scheme: "Bearer",
      bearerFormat: options.bearerFormat,
      description: options.description,
    }),
  });
}

/** Options of {@link httpAuthScheme}. */
export interface HttpAuthSchemeOptions extends SchemeOptions<string> {
  /** The HTTP authentication scheme (RFC 9110 §11), e.g. `"Digest"` or a custom one. */
  scheme: string;
  bearerFormat?: string;
}

/**
 * Any HTTP authentication scheme: the verifier receives the credentials after the scheme
 * name in `Authorization`. For Basic, {@link basicScheme} decodes them.
 */
export function httpAuthScheme(options: HttpAuthSchemeOptions): SecurityScheme {
  return defineScheme({
    name: options.name,
    declaration: {
      httpAuthSecurityScheme: compact({
        scheme: options.scheme,
        bearerFormat: options.bearerFormat,
        description: options.description,
      }),
    },
    extract: (input) => authorizationCredential(input, options.scheme),
    secrets: (credential) => [credential],
    verify: options.verify,
    acceptHostPrincipal: options.acceptHostPrincipal,
    challenge: (failure) => tokenChallenge(options.scheme, failure),
  });
}

/**
 * HTTP Basic authentication (RFC 7617); the verifier receives the decoded username and
 * password. A malformed credential is refused before the verifier sees it.
 */
export function basicScheme(options: SchemeOptions<BasicCredentials>): SecurityScheme {
  return defineScheme<string>({
    name: options.name,
    declaration: {
      httpAuthSecurityScheme: compact({
        scheme: "Basic",
        description: options.description,
      }),
    },
    extract: (input) => authorizationCredential(input, "Basic"),
    secrets: (token) => [token, parseBasicCredentials(token)?.password ?? ""],
    verify:
      options.verify &&
      ((token, context) => {
        const credentials = parseBasicCredentials(token);
        return credentials ? options.verify!(credentials, context) : undefined;
      }),
    acceptHostPrincipal: options.acceptHostPrincipal,
    challenge: () => `Basic realm=${quoted(REALM)}, charset="UTF-8"`,
  });
}
