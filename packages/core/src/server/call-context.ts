import type { SecurityInput } from "../security/requirement.js";

/** Who is calling. Set by the host's auth middleware (through an adapter) or by a verifier. */
export interface Principal {
  /** Stable identifier; tasks are owned by it. */
  id: string;
  /** Granted scopes, if the credential carries any. */
  scopes?: readonly string[];
  /** Anything else the authenticator knows (claims, roles, ...). */
  claims?: Readonly<Record<string, unknown>>;
  /**
   * The name of the security scheme that authenticated the caller, set by the agent; unset
   * when the host app's own auth did. Tasks are owned per scheme (see `taskOwner`).
   */
  scheme?: string;
}

/** A protocol version this server speaks on the wire (the core itself works in 1.0). */
export type ProtocolVersion = "1.0" | "0.3";

/**
 * Everything one request carries into the server, built once by the transport.
 * Operations and the agent read it; nothing below the transport touches HTTP.
 */
export interface CallContext {
  readonly version: ProtocolVersion;
  /** `""` when the request names no tenant. */
  readonly tenant: string;
  readonly principal: Principal | undefined;
  /** The request's headers, for agents that need custom service parameters. */
  readonly headers: Headers;
  /** Extension URIs the client asked for in `A2A-Extensions`. */
  readonly requestedExtensions: readonly string[];
  /** The agent's URL as this request reached it: the interface URL of the card. */
  readonly agentUrl: string;
  /**
   * Checks more security requirements against this request (same forms as the `security`
   * option), e.g. before a sensitive step of an agent. Resolves to the principal of the
   * alternative met; rejects with a 401/403-shaped A2AError otherwise.
   */
  authorize(security: SecurityInput): Promise<Principal | undefined>;
}

/** Who owns the tasks a principal creates, as the store keys them. */
export type TaskOwner = (principal: Principal) => string;

/**
 * The default owner: the principal's id in the namespace of what authenticated it, so a JWT
 * whose `sub` is `carol` and the API key principal `carol` are different owners, and neither
 * is the host app's user `carol`. (`host:carol`, `scheme:apiKey:carol`, `scheme:oauth:carol`.)
 */
export const defaultTaskOwner: TaskOwner = (principal) =>
  principal.scheme === undefined
    ? `host:${principal.id}`
    : `scheme:${encodeURIComponent(principal.scheme)}:${principal.id}`;

/** The store owner of a caller's tasks: `""` for anonymous callers. */
export function ownerOf(principal: Principal | undefined, taskOwner: TaskOwner): string {
  return principal?.id ? taskOwner(principal) : "";
}
