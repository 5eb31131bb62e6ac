import { type HttpInput, requestUrl } from "../http/exchange.js";
import type { Principal } from "../types/principal.js";
import type { SecurityScheme as WireSecurityScheme } from "../wire/v1/index.js";

/**
 * Thrown by a verifier to refuse a credential with a reason the client may read, e.g.
 * "The token has expired". The reason is sent in the 401, so it must not contain the
 * credential or anything secret.
 */
export class InvalidCredentialError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "InvalidCredentialError";
  }
}

/** What a verifier sees besides the credential. */
export interface VerifyContext {
  /** A request header by lowercase name, or `null`. */
  header(name: string): string | null;
  readonly url: URL;
}

/**
 * Turns a credential into the caller, or refuses it: return `undefined` (or throw
 * {@link InvalidCredentialError} with a reason). Any other exception is logged (with the
 * credential redacted) and answered with a 500, since it is the server that failed.
 */
export type Verifier<C> = (
  credential: C,
  context: VerifyContext,
) => Principal | undefined | Promise<Principal | undefined>;

/** How one scheme judged one request. */
export type SchemeOutcome =
  | { kind: "missing" }
  | { kind: "refused"; reason: string }
  | { kind: "accepted"; principal: Principal };

/** Options every scheme helper takes. */
export interface SchemeOptions<C> {
  /** The scheme's name in the card and in requirements; any string. */
  name: string;
  /** Shown on the card. */
  description?: string;
  /**
   * Checks the credential. Without one, the scheme is satisfied by the principal the host
   * app's own auth middleware set (passed by the adapters' `getPrincipal`).
   */
  verify?: Verifier<C>;
  /** Also accept the host app's principal instead of a credential. Default: no `verify`. */
  acceptHostPrincipal?: boolean;
}

/** What every scheme does; the scheme helpers build these. */
export interface SecurityScheme {
  /** The scheme's name in the card's `securitySchemes` and in requirements. */
  readonly name: string;
  /** The card declaration (1.0 shape; the 0.3 card is converted from it). */
  readonly declaration: WireSecurityScheme;
  /**
   * Judges a request. `hostPrincipal` is the caller the host app authenticated, which a
   * scheme without a verifier accepts instead of checking a credential itself.
   */
  authenticate(input: HttpInput, hostPrincipal: Principal | undefined): Promise<SchemeOutcome>;
  /** Its `WWW-Authenticate` challenge, or `undefined` for schemes HTTP has no challenge for. */
  challenge(failure?: ChallengeFailure): string | undefined;
  /** The secrets the request carries for this scheme, so logs and messages can redact them. */
  secrets(input: HttpInput): string[];
  /** This scheme, requiring `scopes` when used in a requirement. */
  withScopes(...scopes: string[]): ScopedScheme;
}

/** Why a challenge is sent (RFC 6750 §3.1 error codes for bearer-like schemes). */
export type ChallengeFailure =
  | { error: "invalid_token"; description: string }
  | { error: "insufficient_scope"; scopes: readonly string[] };

/** A scheme plus the scopes a requirement needs of it. */
export interface ScopedScheme {
  readonly scheme: SecurityScheme;
  readonly scopes: readonly string[];
}

/** The parts each scheme helper supplies; `defineScheme` adds the shared behaviour. */
export interface SchemeParts<C> {
  name: string;
  declaration: WireSecurityScheme;
  /** The credential in the request, or `undefined` when it carries none. */
  extract(input: HttpInput): C | undefined;
  /** The credential's secret parts, for redaction. */
  secrets(credential: C): string[];
  verify: Verifier<C> | undefined;
  /** Whether the host app's principal satisfies the scheme. Default: when there is no verifier. */
  acceptHostPrincipal: boolean | undefined;
  challenge(failure?: ChallengeFailure): string | undefined;
}

const REFUSED = "The credential was not accepted";

/**
 * A scheme from its parts. With a verifier, the request's own credential decides; without
 * one, the host app's principal does (its middleware verified the credential already).
 * `acceptHostPrincipal` lets a host principal satisfy a scheme that has a verifier too.
 */
export function defineScheme<C>(parts: SchemeParts<C>): SecurityScheme {
  const scheme: SecurityScheme = {
    name: parts.name,
    declaration: parts.declaration,
    challenge: parts.challenge,
    secrets(input) {
      const credential = parts.extract(input);
      return credential === undefined ? [] : parts.secrets(credential);
    },
    async authenticate(input, hostPrincipal) {
      const { verify } = parts;
      // A host principal without an id names nobody: it satisfies nothing (fail closed).
      if (hostPrincipal?.id && (parts.acceptHostPrincipal ?? !verify)) {
        return { kind: "accepted", principal: hostPrincipal };
      }
      if (!verify) return { kind: "missing" };
      const credential = parts.extract(input);
      if (credential === undefined) return { kind: "missing" };
      try {
        const principal = await verify(credential, {
          header: input.header,
          get url() {
            return requestUrl(input);
          },
        });
        if (principal === undefined || principal === null)
          return { kind: "refused", reason: REFUSED };
        // Tasks are owned by the id: a verifier bug must not make callers anonymous.
        if (typeof principal.id !== "string" || principal.id === "") {
          throw new TypeError(`the verifier of ${parts.name} returned no principal id`);
        }
        // Tagged with the scheme, so owners are namespaced by what authenticated them.
        return { kind: "accepted", principal: { ...principal, scheme: parts.name } };
      } catch (error) {
        if (error instanceof InvalidCredentialError)
          return { kind: "refused", reason: error.message };
        throw error;
      }
    },
    withScopes: (...scopes) => ({ scheme, scopes }),
  };
  return scheme;
}

/**
 * A quoted-string for an auth-param (RFC 9110 §5.6.4). Anything that is not printable ASCII
 * becomes a space: a verifier's reason must not break (or forge) response headers.
 */
export function quoted(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, " ").replace(/["\\]/g, "\\$&")}"`;
}

/** The realm every challenge names. */
export const REALM = "a2a";

/** A challenge of a token scheme (Bearer), with RFC 6750's error parameters. */
export function tokenChallenge(scheme: string, failure?: ChallengeFailure): string {
  let challenge = `${scheme} realm=${quoted(REALM)}`;
  if (failure?.error === "invalid_token") {
    challenge += `, error="invalid_token", error_description=${quoted(failure.description)}`;
  } else if (failure?.error === "insufficient_scope") {
    challenge += `, error="insufficient_scope", scope=${quoted(failure.scopes.join(" "))}`;
  }
  return challenge;
}
