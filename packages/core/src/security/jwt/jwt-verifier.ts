import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import type { Principal } from "../../types/principal.js";
import { InvalidCredentialError, type Verifier } from "../scheme.js";
import { refusalOf } from "./jwt-errors.js";
import { type VerifiedTokenCacheOptions, VerifiedTokens } from "./verified-tokens.js";

/** Where a JWT's signing keys come from: exactly one of these. */
export type JwtKeySource =
  | {
      /** A JWKS endpoint; keys are cached and refetched on an unknown `kid` (rotation). */ jwksUrl:
        | string
        | URL;
    }
  | { /** A fixed JWKS. */ jwks: JSONWebKeySet }
  | { /** One public key or shared secret (HS*). */ key: CryptoKey | Uint8Array };

/** Options of {@link jwtVerifier}. */
export type JwtVerifierOptions = JwtKeySource & {
  /** Accepted `iss` value(s). */
  issuer: string | string[];
  /** Accepted `aud` value(s): tokens minted for another service are refused. */
  audience: string | string[];
  /** Accepted `alg` values. Default: what the key allows (never `none`). */
  algorithms?: string[];
  /** Leeway for `exp`/`nbf`, in seconds. Default 0. */
  clockToleranceSeconds?: number;
  /** The caller's id from the payload. Default: `sub`, else `client_id`, else `azp`. */
  principalId?: (payload: JWTPayload) => string | undefined;
  /** How long fetched keys are used before a refetch, in ms. Default 10 minutes. */
  jwksCacheMaxAgeMs?: number;
  /** The least time between two JWKS fetches, in ms (an unknown `kid` refetches). Default 30 s. */
  jwksCooldownMs?: number;
  /** JWKS fetch timeout in ms. Default 5 s. */
  jwksTimeoutMs?: number;
  /**
   * Remember verified tokens (until their `exp`, at most `maxAgeMs`), so a client sending
   * the same token again is not verified again. Default `{ maxEntries: 1000, maxAgeMs:
   * 60_000 }`; `false` verifies every request.
   */
  verifiedTokenCache?: VerifiedTokenCacheOptions | false;
};

/** Scopes from `scope` (space-separated, RFC 8693) or `scp` (a list or a string). */
export function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === "string") return raw.split(" ").filter((s) => s !== "");
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === "string");
  return [];
}

function defaultPrincipalId(payload: JWTPayload): string | undefined {
  for (const claim of ["sub", "client_id", "azp"]) {
    const value = payload[claim];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}

const HASH_BITS: Readonly<Record<string, string>> = {
  "SHA-256": "256",
  "SHA-384": "384",
  "SHA-512": "512",
};
const CURVE_ALG: Readonly<Record<string, string>> = {
  "P-256": "ES256",
  "P-384": "ES384",
  "P-521": "ES512",
};

/**
 * The algorithms a fixed key verifies. Without this a token naming another algorithm
 * (HS256 against an EC key, say) makes jose throw a key-type TypeError, a server error,
 * where it is the token that is wrong.
 */
export function algorithmsOfKey(key: CryptoKey | Uint8Array): string[] | undefined {
  if (key instanceof Uint8Array) return ["HS256", "HS384", "HS512"];
  const algorithm = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } };
  const bits = algorithm.hash ? HASH_BITS[algorithm.hash.name] : undefined;
  switch (algorithm.name) {
    case "ECDSA":
      return algorithm.namedCurve && CURVE_ALG[algorithm.namedCurve]
        ? [CURVE_ALG[algorithm.namedCurve]!]
        : undefined;
    case "Ed25519":
      return ["EdDSA", "Ed25519"];
    case "RSASSA-PKCS1-v1_5":
      return bits ? [`RS${bits}`] : undefined;
    case "RSA-PSS":
      return bits ? [`PS${bits}`] : undefined;
    case "HMAC":
      return bits ? [`HS${bits}`] : undefined;
    default:
      return undefined;
  }
}

function keyGetter(source: JwtVerifierOptions): JWTVerifyGetKey | CryptoKey | Uint8Array {
  if ("jwksUrl" in source) {
    return createRemoteJWKSet(new URL(source.jwksUrl), {
      cacheMaxAge: source.jwksCacheMaxAgeMs ?? 600_000,
      cooldownDuration: source.jwksCooldownMs ?? 30_000,
      timeoutDuration: source.jwksTimeoutMs ?? 5_000,
    });
  }
  if ("jwks" in source) return createLocalJWKSet(source.jwks);
  return source.key;
}

/**
 * A verifier of JWT bearer tokens (RFC 7519) with `jose`: signature against the key source,
 * `exp`/`nbf`, issuer and audience. The principal is the subject, its scopes the token's
 * `scope`/`scp`, its claims the payload. Refusals say why without echoing the token.
 */
export function jwtVerifier(options: JwtVerifierOptions): Verifier<string> {
  const key = keyGetter(options);
  const principalId = options.principalId ?? defaultPrincipalId;
  const leewaySeconds = options.clockToleranceSeconds ?? 0;
  const verified =
    options.verifiedTokenCache === false
      ? undefined
      : new VerifiedTokens(options.verifiedTokenCache);
  const verifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.algorithms ?? ("key" in options ? algorithmsOfKey(options.key) : undefined),
    clockTolerance: leewaySeconds,
  };
  return async (token): Promise<Principal> => {
    const remembered = verified?.get(token);
    if (remembered) return remembered;
    let payload: JWTPayload;
    try {
      // jwtVerify is overloaded on the key's kind; both kinds are valid here.
      ({ payload } = await jwtVerify(token, key as JWTVerifyGetKey, verifyOptions));
    } catch (error) {
      throw refusalOf(error);
    }
    const id = principalId(payload);
    if (id === undefined) throw new InvalidCredentialError("The token names no subject");
    const principal: Principal = { id, scopes: scopesOf(payload), claims: payload };
    const expiresAt = payload.exp === undefined ? undefined : (payload.exp + leewaySeconds) * 1000;
    verified?.set(token, principal, expiresAt);
    return principal;
  };
}
