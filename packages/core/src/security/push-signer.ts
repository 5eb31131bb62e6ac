import { type CryptoKey, importJWK, type JSONWebKeySet, type JWK, SignJWT } from "jose";
import { toBase64Url } from "../util/base64url.js";

/** The request header that carries a delivery's signature (a compact JWS: a JWT). */
export const PUSH_SIGNATURE_HEADER = "a2a-notification-signature";

/** How push deliveries are signed: the `signing` of the `push` option. */
export interface PushSigningOptions {
  /** The private key: a private JWK, or a `CryptoKey` (then give `publicKey` too). */
  privateKey: CryptoKey | JWK;
  /** The public key to publish, when `privateKey` is a `CryptoKey`. */
  publicKey?: JWK;
  /** JWS algorithm, e.g. `"ES256"`, `"EdDSA"` or `"RS256"`. */
  alg: string;
  /** Key id: receivers find the public key in the JWKS by it. */
  kid: string;
  /**
   * Public keys published beside the current one after a rotation (each with its `kid`), so
   * deliveries signed before it still verify while they may be retried.
   */
  previousKeys?: JWK[];
  /** How long a signature is valid, in seconds. Default 300. */
  ttlSeconds?: number;
}

/** What a signature says about one delivery. */
export interface PushSignatureClaims {
  /** The agent's URL (the JWT's `iss`); its JWKS is at `<issuer>/.well-known/jwks.json`. */
  issuer: string;
  /** The webhook URL: the JWT's `aud`. */
  url: string;
  /** The delivery's id (`<taskId>:<seq>`): the JWT's `jti`. */
  deliveryId: string;
  taskId: string;
  /** The exact bytes sent. */
  body: Uint8Array;
}

export interface PushSigner {
  /** A JWT for one attempt of a delivery. */
  sign(claims: PushSignatureClaims): Promise<string>;
  /** The public keys receivers verify with (the current one first). */
  readonly jwks: JSONWebKeySet;
}

/** Members of a JWK that are private: never published. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

function publicJwk(key: JWK, kid: string, alg: string): JWK {
  const shown: JWK = { ...key, kid, alg, use: "sig" };
  for (const member of PRIVATE_MEMBERS) delete (shown as Record<string, unknown>)[member];
  delete shown.key_ops;
  return shown;
}

/** SHA-256 of `bytes`, base64url: the `body_sha256` claim. */
export async function bodyDigest(bytes: Uint8Array): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource)));
}

/** Where an agent at `agentUrl` serves its push signing keys (the JWS header's `jku`). */
export function pushJwksUrl(agentUrl: string): string {
  return `${agentUrl.replace(/\/+$/, "")}/.well-known/jwks.json`;
}

/** A signer for `options`, whose public keys the agent serves as {@link PushSigner.jwks}. */
export function pushSigner(options: PushSigningOptions): PushSigner {
  const isJwk = "kty" in options.privateKey;
  if (!isJwk && !options.publicKey) {
    throw new TypeError("push.signing: give publicKey (a JWK) with a CryptoKey privateKey");
  }
  const key: Promise<CryptoKey | Uint8Array> = isJwk
    ? (importJWK(options.privateKey as JWK, options.alg) as Promise<CryptoKey | Uint8Array>)
    : Promise.resolve(options.privateKey as CryptoKey);
  const current = publicJwk(
    (isJwk ? options.privateKey : options.publicKey) as JWK,
    options.kid,
    options.alg,
  );
  const jwks: JSONWebKeySet = {
    keys: [
      current,
      ...(options.previousKeys ?? []).map((k) => publicJwk(k, k.kid!, k.alg ?? options.alg)),
    ],
  };
  const ttl = options.ttlSeconds ?? 300;
  return {
    jwks,
    async sign(claims) {
      return new SignJWT({ taskId: claims.taskId, body_sha256: await bodyDigest(claims.body) })
        .setProtectedHeader({
          alg: options.alg,
          typ: "JWT",
          kid: options.kid,
          jku: pushJwksUrl(claims.issuer),
        })
        .setIssuer(claims.issuer)
        .setAudience(claims.url)
        .setIssuedAt()
        .setExpirationTime(`${ttl}s`)
        .setJti(claims.deliveryId)
        .sign(await key);
    },
  };
}
