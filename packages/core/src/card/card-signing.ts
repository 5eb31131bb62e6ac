import {
  base64url,
  type CryptoKey,
  FlattenedSign,
  flattenedVerify,
  importJWK,
  type JWK,
} from "jose";
import { keyResolver, type VerificationKeys } from "../security/verification-keys.js";
import { compact } from "../util/compact.js";
import type { AgentCardSignature } from "../wire/v1/index.js";
import { canonicalCard } from "./canonical-card.js";
import type { CardShape } from "./hybrid-card.js";

const encoder = new TextEncoder();

/** How cards are signed (spec §8.4): a private key and the protected header's parameters. */
export interface CardSigningOptions {
  /** The private key: a `CryptoKey` or a private JWK. */
  privateKey: CryptoKey | JWK;
  /** JWS algorithm, e.g. `"ES256"`, `"EdDSA"` or `"RS256"`. */
  alg: string;
  /** Key id, so verifiers can find the public key. */
  kid: string;
  /** URL of a JWKS holding the public key. */
  jku?: string;
}

/** Signs canonical card payloads, of a card in the given shape; one signer per agent. */
export type CardSigner = (card: object, shape: CardShape) => Promise<AgentCardSignature>;

/** Same payload, same signature: keeps ETags stable for algorithms that sign at random. */
const MAX_CACHED_SIGNATURES = 256;

/** A signer for `options`, producing detached JWS signatures over the JCS form of a card. */
export function cardSigner(options: CardSigningOptions): CardSigner {
  const key: Promise<CryptoKey | Uint8Array> =
    "kty" in options.privateKey
      ? (importJWK(options.privateKey, options.alg) as Promise<CryptoKey | Uint8Array>)
      : Promise.resolve(options.privateKey as CryptoKey);
  const header = compact({ alg: options.alg, typ: "JOSE", kid: options.kid, jku: options.jku });
  const cache = new Map<string, Promise<AgentCardSignature>>();
  const sign = async (payload: string): Promise<AgentCardSignature> => {
    const jws = await new FlattenedSign(encoder.encode(payload))
      .setProtectedHeader(header)
      .sign(await key);
    return { protected: jws.protected!, signature: jws.signature };
  };
  return (card, shape) => {
    const payload = canonicalCard(card, shape);
    let signature = cache.get(payload);
    if (!signature) {
      if (cache.size >= MAX_CACHED_SIGNATURES) cache.delete(cache.keys().next().value!);
      signature = sign(payload);
      signature.catch(() => cache.delete(payload));
      cache.set(payload, signature);
    }
    return signature;
  };
}

/** Where {@link verifyAgentCard} finds public keys: one key, a JWKS, or a JWKS URL. */
export type CardVerificationKeys = VerificationKeys;

/** A signature that verified: its protected header. */
export interface VerifiedCardSignature {
  header: Record<string, unknown>;
}

/**
 * Verifies a card's signatures (spec §8.4.3): each is checked over the card's JCS form
 * without `signatures` until one verifies. `jku` is not followed: keys come from `keys`, so
 * a forged card cannot point at its own key.
 * @param version the card's shape: `"1.0"` (default), `"0.3"`, or `"hybrid"` (the card
 *   served without `A2A-Version`; its 1.0 and 0.3 forms are the same bytes, so either works).
 * @throws Error when the card has no signature that verifies with `keys`.
 */
export async function verifyAgentCard(
  card: { signatures?: readonly AgentCardSignature[] },
  keys: CardVerificationKeys,
  options: { version?: CardShape; algorithms?: string[] } = {},
): Promise<VerifiedCardSignature> {
  const signatures = card.signatures ?? [];
  if (signatures.length === 0) throw new Error("The agent card is not signed");
  // The signing input carries the payload base64url-encoded (RFC 7515 §5.2).
  const payload = base64url.encode(canonicalCard(card, options.version ?? "1.0"));
  const getKey = keyResolver(keys);
  for (const { protected: protectedHeader, signature, header } of signatures) {
    try {
      const result = await flattenedVerify(
        { protected: protectedHeader, signature, payload, ...(header && { header }) },
        getKey,
        options.algorithms ? { algorithms: options.algorithms } : {},
      );
      return { header: { ...result.protectedHeader } };
    } catch {
      // try the next signature (key rotation may leave several)
    }
  }
  throw new Error("No signature of the agent card verifies with the given keys");
}
