import type { Principal } from "../../types/principal.js";

/** How long verified tokens are remembered; `false` verifies every request. */
export interface VerifiedTokenCacheOptions {
  /** Most tokens remembered; the least recently used goes first. Default 1000. */
  maxEntries?: number;
  /** Longest a token is trusted without verifying it again, in ms. Default 60 000. */
  maxAgeMs?: number;
}

interface Entry {
  principal: Principal;
  /** Epoch ms after which the token is verified again. */
  until: number;
}

/**
 * Tokens that verified, with their principal, until they expire or `maxAgeMs` passes:
 * checking a JWT signature costs far more than the rest of a request. Only the exact token
 * text hits, so a changed token is always verified. A key removed from the JWKS stops
 * being trusted for remembered tokens within `maxAgeMs`.
 */
export class VerifiedTokens {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;

  constructor(options: VerifiedTokenCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
  }

  get(token: string): Principal | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    this.#entries.delete(token);
    if (entry.until <= Date.now()) return undefined;
    this.#entries.set(token, entry); // most recently used last
    return entry.principal;
  }

  /** Remembers a verified token; `expiresAt` is its `exp` (plus leeway) in epoch ms. */
  set(token: string, principal: Principal, expiresAt: number | undefined): void {
    const until = Math.min(Date.now() + this.#maxAgeMs, expiresAt ?? Number.POSITIVE_INFINITY);
    if (this.#maxEntries <= 0 || until <= Date.now()) return;
    if (this.#entries.size >= this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(token, { principal, until });
  }
}
