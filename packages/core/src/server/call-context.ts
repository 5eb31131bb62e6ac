import type { SecurityInput } from "../security/requirement.js";

/** Who is calling. Set by the host's auth middleware (through an adapter) or by a verifier. */
export interface Principal {
  /** Stable identifier; tasks are owned by it. */
  id: string;
  /** Granted scopes, if the credential carries any. */
  scopes?: readonly string[];
  /** Anything else the authenticator knows (claims, roles, ...). */
  claims?: Readonly<Record<string, unknown>>;
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

/** The store owner of a principal's tasks. */
export function ownerOf(principal: Principal | undefined): string {
  return principal?.id ?? "";
}
