import type { SecurityScheme as WireSecurityScheme } from "../../wire/v1/index.js";
import { authorizationCredential } from "../credentials.js";
import {
  defineScheme,
  type SchemeOptions,
  type SecurityScheme,
  tokenChallenge,
  type Verifier,
} from "../scheme.js";

/**
 * A scheme whose credential is `Authorization: Bearer <token>` (RFC 6750): HTTP bearer,
 * OAuth 2.0 and OpenID Connect differ only in what the card declares and who verifies.
 */
export function bearerTokenScheme(
  options: SchemeOptions<string>,
  declaration: WireSecurityScheme,
  verify: Verifier<string> | undefined = options.verify,
): SecurityScheme {
  return defineScheme({
    name: options.name,
    declaration,
    extract: (input) => authorizationCredential(input, "Bearer"),
    secrets: (token) => [token],
    verify,
    acceptHostPrincipal: options.acceptHostPrincipal,
    challenge: (failure) => tokenChallenge("Bearer", failure),
  });
}
