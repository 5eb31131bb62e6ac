import type { SecurityScheme as WireSecurityScheme } from "../wire/v1/index.js";
import type { SecurityRequirement as WireSecurityRequirement } from "../wire/v1/security.js";
import type { ScopedScheme, SecurityScheme } from "./scheme.js";

/** Schemes that must all be satisfied together, each with the scopes it must grant. */
export interface Requirement {
  readonly schemes: readonly ScopedScheme[];
}

/**
 * Security for the agent or a skill: a list of alternatives (OR), each a {@link Requirement}
 * whose schemes must all be satisfied (AND). A bare scheme is a requirement of itself.
 * An empty `requireAll()` lets requests without credentials through (optional auth).
 */
export type SecurityInput = readonly (Requirement | SecurityScheme | ScopedScheme)[];

const isScoped = (value: SecurityScheme | ScopedScheme): value is ScopedScheme =>
  "scheme" in value && "scopes" in value;

/**
 * One alternative of a security list: every scheme given must be satisfied, each with its
 * scopes (`scheme.withScopes(...)`).
 *
 * @example
 * ```ts
 * security: [
 *   requireAll(bearer),                 // a bearer token ...
 *   requireAll(apiKey, mtls),           // ... or an API key over a client certificate
 * ]
 * ```
 */
export function requireAll(...schemes: (SecurityScheme | ScopedScheme)[]): Requirement {
  const merged = new Map<SecurityScheme, Set<string>>();
  for (const entry of schemes) {
    const scoped = isScoped(entry) ? entry : { scheme: entry, scopes: [] };
    const scopes = merged.get(scoped.scheme) ?? new Set<string>();
    for (const scope of scoped.scopes) scopes.add(scope);
    merged.set(scoped.scheme, scopes);
  }
  return { schemes: [...merged].map(([scheme, scopes]) => ({ scheme, scopes: [...scopes] })) };
}

/** A security list with bare schemes made into requirements. */
export function normalizeSecurity(input: SecurityInput | undefined): Requirement[] {
  return (input ?? []).map((entry) => ("schemes" in entry ? entry : requireAll(entry)));
}

/** The card's `securityRequirements` for a list. */
export function wireRequirements(requirements: readonly Requirement[]): WireSecurityRequirement[] {
  return requirements.map((requirement) => ({
    schemes: Object.fromEntries(
      requirement.schemes.map(({ scheme, scopes }) => [scheme.name, { list: [...scopes] }]),
    ),
  }));
}

/**
 * The card's `securitySchemes`: every scheme the lists use, once. Two different schemes
 * under one name would make the card ambiguous, so that is refused.
 * @throws TypeError naming the name used twice.
 */
export function collectSchemes(
  lists: readonly (readonly Requirement[])[],
): Map<string, SecurityScheme> {
  const byName = new Map<string, SecurityScheme>();
  for (const list of lists) {
    for (const requirement of list) {
      for (const { scheme } of requirement.schemes) {
        const known = byName.get(scheme.name);
        if (known && known !== scheme) {
          throw new TypeError(`two different security schemes are named "${scheme.name}"`);
        }
        byName.set(scheme.name, scheme);
      }
    }
  }
  return byName;
}

/** The declarations of collected schemes, as the card's `securitySchemes` map. */
export function wireSchemes(
  schemes: ReadonlyMap<string, SecurityScheme>,
): Record<string, WireSecurityScheme> {
  return Object.fromEntries([...schemes].map(([name, scheme]) => [name, scheme.declaration]));
}

/** `bearer | apiKey+mtls`: a list's alternatives, for error messages and metadata. */
export function describeSecurity(requirements: readonly Requirement[]): string {
  return requirements
    .map((requirement) => requirement.schemes.map(({ scheme }) => scheme.name).join("+") || "none")
    .join(" | ");
}
