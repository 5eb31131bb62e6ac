import { createRemoteJWKSet, type FlattenedVerifyGetKey, jwtVerify } from "jose";
import { bodyDigest, PUSH_SIGNATURE_HEADER } from "./push-signer.js";
import { keyResolver, type VerificationKeys } from "./verification-keys.js";

/** Remembers the deliveries a receiver has accepted, for as long as their signatures live. */
export class PushReplayCache {
  readonly #seen = new Map<string, number>();
  readonly #max: number;

  /** `max`: most ids remembered; past it the oldest are forgotten first. */
  constructor(max = 100_000) {
    this.#max = max;
  }

  /** Records `id` until `until` (ms); whether it was new. */
  remember(id: string, until: number, now = Date.now()): boolean {
    for (const [seen, expires] of this.#seen) {
      if (expires > now && this.#seen.size < this.#max) break;
      this.#seen.delete(seen);
    }
    const known = this.#seen.get(id);
    if (known !== undefined && known > now) return false;
    this.#seen.set(id, until);
    return true;
  }
}

/** A delivery that did not verify, and why. */
export class PushVerificationError extends Error {
  override readonly name = "PushVerificationError";
  constructor(
    readonly reason: "missing" | "signature" | "claims" | "body" | "expired" | "replayed",
    message: string,
  ) {
    super(message);
  }
}

/** Where {@link verifyPushNotification} finds the agent's public keys. */
export type PushVerificationKeys = VerificationKeys;

export type VerifyPushNotificationOptions = PushVerificationKeys & {
  /** The webhook's own URL, as the config registered it: the JWT's `aud`. */
  audience: string;
  /** The agent's URL, when the receiver checks who sent it: the JWT's `iss`. */
  issuer?: string;
  /** Oldest signature accepted, in ms since it was made. Default 300 000. */
  maxAgeMs?: number;
  /** Where accepted deliveries are remembered. Default: one cache for the process. */
  replayCache?: PushReplayCache;
};

/** A delivery that verified. */
export interface VerifiedPushNotification {
  /** The payload: a `StreamResponse` (1.0 configs) or a 0.3 task. */
  body: unknown;
  taskId: string;
  deliveryId: string;
  claims: Record<string, unknown>;
}

const processReplayCache = new PushReplayCache();
const remoteKeySets = new Map<string, FlattenedVerifyGetKey>();

/** The process's key set per JWKS URL, so each is fetched once and refreshed as jose does. */
function remoteKeys(url: URL): FlattenedVerifyGetKey {
  let keys = remoteKeySets.get(url.href);
  if (!keys) {
    // jose caches the set and fetches it again for a `kid` it does not know (rotation).
    keys = createRemoteJWKSet(url);
    remoteKeySets.set(url.href, keys);
  }
  return keys;
}

/**
 * Checks a push delivery a receiver got, in any Fetch-style handler: the JWT in its
 * `A2A-Notification-Signature` header verifies with the agent's keys, names this webhook as
 * its audience, is recent, hashes to the exact body received, and its delivery was not
 * accepted before (a replay; a retry of an accepted delivery is one too, and may be
 * acknowledged without acting on it). Reads the request's body. Throws
 * {@link PushVerificationError}.
 */
export async function verifyPushNotification(
  request: Request,
  options: VerifyPushNotificationOptions,
): Promise<VerifiedPushNotification> {
  const token = request.headers.get(PUSH_SIGNATURE_HEADER);
  if (!token) throw new PushVerificationError("missing", "The delivery is not signed");
  const bytes = new Uint8Array(await request.arrayBuffer());
  const maxAgeMs = options.maxAgeMs ?? 300_000;
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, keyResolver(options, remoteKeys), {
      audience: options.audience,
      issuer: options.issuer,
      maxTokenAge: `${Math.ceil(maxAgeMs / 1000)}s`,
      requiredClaims: ["iat", "exp", "jti"],
    }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_JWT_EXPIRED") {
      throw new PushVerificationError("expired", "The delivery's signature is too old");
    }
    if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
      throw new PushVerificationError(
        "claims",
        `The delivery's signature: ${(error as Error).message}`,
      );
    }
    throw new PushVerificationError("signature", "The delivery's signature does not verify");
  }
  if (claims.body_sha256 !== (await bodyDigest(bytes))) {
    throw new PushVerificationError("body", "The body is not the one that was signed");
  }
  const deliveryId = String(claims.jti);
  const taskId = typeof claims.taskId === "string" ? claims.taskId : "";
  const until = ((claims.exp as number) ?? 0) * 1000;
  if (
    !(options.replayCache ?? processReplayCache).remember(
      `${options.audience} ${deliveryId}`,
      until,
    )
  ) {
    throw new PushVerificationError("replayed", `Delivery ${deliveryId} was accepted before`);
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new PushVerificationError("body", "The body is not JSON");
  }
  return { body, taskId, deliveryId, claims };
}
