import { A2AError } from "../errors/a2a-error.js";
import type { HttpInput } from "../http/exchange.js";
import type { Logger } from "../ports/logger.js";
import type { Principal } from "../types/principal.js";
import { unauthenticated } from "./auth-errors.js";
import { RequestAuth } from "./request-auth.js";
import { normalizeSecurity, type Requirement, type SecurityInput } from "./requirement.js";

/** Who a request comes from, and how to check more requirements against it. */
export interface Authenticated {
  readonly principal: Principal | undefined;
  /** Checks further requirements (a skill's, the agent code's) against the same request. */
  authorize(security: SecurityInput): Promise<Principal | undefined>;
}

/**
 * The agent's security: requirements for every operation, and the schemes any skill
 * names. Built once; judges each request with a {@link RequestAuth}.
 */
export class SecurityPolicy {
  readonly #agent: readonly Requirement[];
  /** Everything any list names, for telling who a caller is when the agent needs nobody. */
  readonly #known: readonly Requirement[];
  readonly #logger: Logger;

  constructor(agent: readonly Requirement[], skills: readonly Requirement[], logger: Logger) {
    this.#agent = agent;
    this.#known = [...agent, ...skills];
    this.#logger = logger;
  }

  /** Whether any scheme is declared at all. */
  get declared(): boolean {
    return this.#known.length > 0;
  }

  /**
   * Checks the agent's requirements on a request before anything else is done with it.
   * Without agent-wide requirements the caller is still identified when it can be, so tasks
   * created through a protected skill are owned by whoever passed its check.
   * @throws A2AError UNAUTHENTICATED (401) or PERMISSION_DENIED (403).
   */
  authenticate(input: HttpInput): Authenticated | Promise<Authenticated> {
    const auth = new RequestAuth(input, input.principal, this.#logger);
    const authenticated = (principal: Principal | undefined): Authenticated => ({
      principal,
      authorize: (security) => auth.check(normalizeSecurity(security)).catch(this.#refused),
    });
    // An agent that declares no scheme has nothing to wait for.
    if (!this.declared) return authenticated(input.principal);
    const judged = this.#agent.length ? auth.check(this.#agent) : auth.identify(this.#known);
    return judged.then(authenticated, this.#refused);
  }

  /** Logs a refusal, a security event (spec §13.4) whose message carries no credential. */
  readonly #refused = (error: unknown): never => {
    if (error instanceof A2AError && error.kind !== "INTERNAL") {
      this.#logger.info("request refused", { reason: error.kind, message: error.message });
    }
    throw error;
  };

  /**
   * The caller if the request authenticates with any declared scheme, without refusing
   * anyone: for the public card, whose modifier may tailor it. A failing verifier (logged)
   * leaves the host's principal.
   */
  async identify(input: HttpInput): Promise<Principal | undefined> {
    if (!this.declared) return input.principal;
    try {
      return await new RequestAuth(input, input.principal, this.#logger).identify(this.#known);
    } catch {
      return input.principal;
    }
  }

  /** The 401 for an operation that needs a caller when none authenticated. */
  unauthenticated() {
    return unauthenticated(this.#agent.length ? this.#agent : this.#known, []);
  }
}
