import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  type FlattenedVerifyGetKey,
  importJWK,
  type JSONWebKeySet,
  type JWK,
} from "jose";

/** Where a verifier finds public keys: one key, a JWKS, or a JWKS URL. */
export type VerificationKeys =
  | { key: CryptoKey | JWK | Uint8Array }
  | { jwks: JSONWebKeySet }
  | { jwksUrl: string | URL };

/**
 * The key lookup jose's verifiers take, for `keys`. `remote` makes the key set of a JWKS URL
 * (default: a new one, fetched on first use).
 */
export function keyResolver(
  keys: VerificationKeys,
  remote: (url: URL) => FlattenedVerifyGetKey = (url) => createRemoteJWKSet(url),
): FlattenedVerifyGetKey {
  if ("jwks" in keys) return createLocalJWKSet(keys.jwks);
  if ("jwksUrl" in keys) return remote(new URL(keys.jwksUrl));
  const { key } = keys;
  if (key instanceof Uint8Array || !("kty" in key)) return async () => key as CryptoKey;
  return async (header) => importJWK(key as JWK, header.alg) as Promise<CryptoKey>;
}
