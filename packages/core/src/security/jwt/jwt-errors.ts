import { errors } from "jose";
import { InvalidCredentialError } from "../scheme.js";

const CLAIM_REASONS: Readonly<Record<string, string>> = {
  nbf: "The token is not valid yet",
  iat: "The token's issue time is not valid",
  aud: "The token is not meant for this audience",
  iss: "The token is not from a trusted issuer",
  sub: "The token's subject is not valid",
};

/**
 * A jose failure as a refusal the client may read (no token, no claim values), or the error
 * itself when the server is at fault (a JWKS that cannot be fetched or read): that one is
 * logged and answered with a 500, so a client does not discard a good token.
 */
export function refusalOf(error: unknown): unknown {
  if (error instanceof errors.JWTExpired)
    return new InvalidCredentialError("The token has expired");
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new InvalidCredentialError(
      CLAIM_REASONS[error.claim] ?? `The token's "${error.claim}" claim is not valid`,
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new InvalidCredentialError("The token's signature is not valid");
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new InvalidCredentialError("The token is signed with an unknown key");
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new InvalidCredentialError("The token's algorithm is not accepted");
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new InvalidCredentialError("The token is malformed");
  }
  return error;
}
