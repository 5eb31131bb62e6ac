import type { Principal } from "../../types/principal.js";
import type { Verifier } from "../scheme.js";
import { type JwtVerifierOptions, jwtVerifier } from "./jwt-verifier.js";

/** Options of {@link oidcVerifier}. */
export type OidcVerifierOptions = Omit<
  JwtVerifierOptions,
  "jwksUrl" | "jwks" | "key" | "issuer"
> & {
  /** The provider's `.well-known/openid-configuration` URL. */
  discoveryUrl: string;
  /** Accepted issuer(s). Default: the discovery document's `issuer`. */
  issuer?: string | string[];
  /** Discovery fetch timeout in ms. Default 5 s. */
  discoveryTimeoutMs?: number;
};

interface Discovery {
  issuer: string;
  jwks_uri: string;
}

async function discover(url: string, timeoutMs: number): Promise<Discovery> {
  const response = await fetch(url, {
    headers: { accept: "application/json" },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`OpenID discovery at ${url} answered ${response.status}`);
  const document = (await response.json()) as Partial<Discovery>;
  if (typeof document.issuer !== "string" || typeof document.jwks_uri !== "string") {
    throw new Error(`OpenID discovery at ${url} names no issuer or jwks_uri`);
  }
  return { issuer: document.issuer, jwks_uri: document.jwks_uri };
}

/**
 * A verifier of OpenID Connect tokens: the discovery document gives the issuer and the
 * JWKS, then tokens are checked as by {@link jwtVerifier}. The document is fetched on the
 * first token and kept; a failed fetch is retried on the next one.
 */
export function oidcVerifier(options: OidcVerifierOptions): Verifier<string> {
  let verifier: Promise<Verifier<string>> | undefined;
  const load = async (): Promise<Verifier<string>> => {
    const document = await discover(options.discoveryUrl, options.discoveryTimeoutMs ?? 5_000);
    return jwtVerifier({
      ...options,
      jwksUrl: document.jwks_uri,
      issuer: options.issuer ?? document.issuer,
    });
  };
  return async (token, context): Promise<Principal | undefined> => {
    verifier ??= load();
    let verify: Verifier<string>;
    try {
      verify = await verifier;
    } catch (error) {
      verifier = undefined; // try again on the next request
      throw error;
    }
    return verify(token, context);
  };
}
