import { errors } from "../errors/a2a-error.js";
import type { HttpInput } from "../http/exchange.js";
import type { Logger } from "../ports/logger.js";
import type { Principal } from "../types/principal.js";
import { describe } from "../util/describe-error.js";
import { permissionDenied, type Refusal, unauthenticated } from "./auth-errors.js";
import type { Requirement } from "./requirement.js";
import type { SchemeOutcome, SecurityScheme } from "./scheme.js";

/** Shorter strings are not redacted: replacing them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 4;

/** `text` with every occurrence of `secrets` replaced, so no credential reaches a log or a client. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join("[redacted]");
  }
  return out;
}

/**
 * The security checks of one request. Each scheme is judged at most once, however many
 * requirement lists (agent, skill, agent code) name it.
 */
export class RequestAuth {
  readonly #input: HttpInput;
  readonly #host: Principal | undefined;
  readonly #logger: Logger;
  readonly #outcomes = new Map<SecurityScheme, Promise<SchemeOutcome>>();

  constructor(input: HttpInput, hostPrincipal: Principal | undefined, logger: Logger) {
    this.#input = input;
    this.#host = hostPrincipal;
    this.#logger = logger;
  }

  /**
   * The caller, when `requirements` are met: the principal of the first scheme of the first
   * alternative satisfied (the host's for an empty alternative, or when the list is empty).
   * @throws A2AError UNAUTHENTICATED (401) when no alternative is met, PERMISSION_DENIED
   * (403) when one is met but for its scopes.
   */
  async check(requirements: readonly Requirement[]): Promise<Principal | undefined> {
    if (requirements.length === 0) return this.#host;
    const refusals: Refusal[] = [];
    let denied: { scheme: SecurityScheme; missing: string[] } | undefined;
    alternatives: for (const requirement of requirements) {
      if (requirement.schemes.length === 0) return this.identify(requirements);
      let principal: Principal | undefined;
      let short: { scheme: SecurityScheme; missing: string[] } | undefined;
      for (const { scheme, scopes } of requirement.schemes) {
        const outcome = await this.#judge(scheme);
        if (outcome.kind === "refused") {
          if (!refusals.some((r) => r.scheme === scheme)) {
            refusals.push({ scheme, reason: outcome.reason });
          }
          continue alternatives;
        }
        if (outcome.kind === "missing") continue alternatives;
        const granted = outcome.principal.scopes ?? [];
        const missing = scopes.filter((scope) => !granted.includes(scope));
        if (missing.length) short ??= { scheme, missing };
        principal ??= outcome.principal;
      }
      // Every scheme authenticated: only scopes are lacking, which is a 403, not a 401.
      if (short) {
        denied ??= short;
        continue;
      }
      return principal;
    }
    if (denied) throw permissionDenied(denied.scheme, denied.missing);
    throw unauthenticated(requirements, refusals);
  }

  /**
   * The caller without refusing anyone: the first scheme of `requirements` that accepts the
   * request, else the host's principal. For requests that may, but need not, authenticate.
   */
  async identify(requirements: readonly Requirement[]): Promise<Principal | undefined> {
    for (const requirement of requirements) {
      for (const { scheme } of requirement.schemes) {
        const outcome = await this.#judge(scheme);
        if (outcome.kind === "accepted") return outcome.principal;
      }
    }
    return this.#host;
  }

  #judge(scheme: SecurityScheme): Promise<SchemeOutcome> {
    let outcome = this.#outcomes.get(scheme);
    if (!outcome) {
      outcome = this.#authenticate(scheme);
      this.#outcomes.set(scheme, outcome);
    }
    return outcome;
  }

  async #authenticate(scheme: SecurityScheme): Promise<SchemeOutcome> {
    let outcome: SchemeOutcome;
    try {
      outcome = await scheme.authenticate(this.#input, this.#host);
    } catch (error) {
      // The verifier failed, not the client: log it without the credential, answer 500.
      this.#logger.error("security scheme verifier failed", {
        scheme: scheme.name,
        error: redact(describe(error), scheme.secrets(this.#input)),
      });
      throw errors.internal();
    }
    if (outcome.kind !== "refused") return outcome;
    return { kind: "refused", reason: redact(outcome.reason, scheme.secrets(this.#input)) };
  }
}
