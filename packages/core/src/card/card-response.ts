import type { HttpInput, HttpReply } from "../http/exchange.js";
import { toBase64Url } from "../util/base64url.js";
/** A serialised card with its entity tag. */
export interface CardRepresentation {
  body: string;
  etag: string;
}

const encoder = new TextEncoder();

/** A strong ETag over the exact bytes served: a SHA-256 of the body. */
export async function representCard(card: unknown): Promise<CardRepresentation> {
  const body = JSON.stringify(card);
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(body));
  return { body, etag: `"${toBase64Url(new Uint8Array(digest).subarray(0, 18))}"` };
}

/** Whether an `If-None-Match` header matches `etag` (weak comparison, per RFC 9110). */
export function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (header === null) return false;
  const trimmed = header.trim();
  if (trimmed === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  return trimmed.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === opaque);
}

/** How a card may be cached. */
export interface CardCaching {
  maxAgeSeconds: number;
  /** Whether shared caches may keep it: `false` for a card made per request. */
  shared: boolean;
  /** Request headers besides `A2A-Version` the card's content follows (lowercase). */
  vary: readonly string[];
}

/**
 * The card as an HTTP reply: `ETag`, `Cache-Control: max-age`, and `304 Not Modified`
 * when the client already holds this version. A card made per request (`shared` false)
 * is cached by the client only, never by a shared cache, and revalidated on each use.
 */
export function cardReply(
  input: HttpInput,
  card: CardRepresentation,
  caching: CardCaching,
): HttpReply {
  const { shared } = caching;
  const headers = {
    "content-type": "application/json",
    etag: card.etag,
    "cache-control": `${shared ? "public" : "private"}, max-age=${caching.maxAgeSeconds}`,
    // A per-request card may follow any part of the request (credentials, cookies, ...):
    // a client revalidates it with its ETag rather than reuse it for another request.
    vary: shared ? ["A2A-Version", ...caching.vary].join(", ") : "*",
  };
  if (matchesIfNoneMatch(input.header("if-none-match"), card.etag)) {
    return { status: 304, headers, body: null };
  }
  return { status: 200, headers, body: input.method === "HEAD" ? null : card.body };
}
