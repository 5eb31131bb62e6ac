import { A2AError } from "../errors/a2a-error.js";
import { describeSecurity, type Requirement } from "./requirement.js";
import type { ChallengeFailure, SecurityScheme } from "./scheme.js";

/** A refused credential: which scheme, and why (already redacted). */
export interface Refusal {
  scheme: SecurityScheme;
  reason: string;
}

/** The `WWW-Authenticate` value: one challenge per scheme the list names, each once. */
function challenges(
  requirements: readonly Requirement[],
  failures: ReadonlyMap<SecurityScheme, ChallengeFailure>,
): string {
  const all = new Set<string>();
  for (const requirement of requirements) {
    for (const { scheme } of requirement.schemes) {
      const challenge = scheme.challenge(failures.get(scheme));
      if (challenge !== undefined) all.add(challenge);
    }
  }
  return [...all].join(", ");
}

/** 401: no alternative of the list was satisfied (spec §3.3.2, §7.4). */
export function unauthenticated(
  requirements: readonly Requirement[],
  refusals: readonly Refusal[],
): A2AError {
  const wanted = describeSecurity(requirements);
  const failures = new Map<SecurityScheme, ChallengeFailure>(
    refusals.map(({ scheme, reason }) => [scheme, { error: "invalid_token", description: reason }]),
  );
  const message = refusals.length
    ? `Authentication failed: ${refusals.map((r) => `${r.reason} (${r.scheme.name})`).join("; ")}`
    : wanted === ""
      ? "Authentication required"
      : `Authentication required: send credentials for ${wanted}`;
  const challenge = challenges(requirements, failures);
  return new A2AError("UNAUTHENTICATED", message, {
    transportStatus: 401,
    metadata: { securityRequirements: wanted },
    ...(challenge !== "" && { headers: { "www-authenticate": challenge } }),
  });
}

/** 403: authenticated, but without the scopes a requirement needs. */
export function permissionDenied(scheme: SecurityScheme, missing: readonly string[]): A2AError {
  const scopes = missing.join(" ");
  const challenge = scheme.challenge({ error: "insufficient_scope", scopes: missing });
  return new A2AError(
    "PERMISSION_DENIED",
    `Insufficient scope: ${scheme.name} needs ${missing.join(", ")}`,
    {
      transportStatus: 403,
      metadata: { scheme: scheme.name, requiredScopes: scopes },
      ...(challenge !== undefined && { headers: { "www-authenticate": challenge } }),
    },
  );
}
