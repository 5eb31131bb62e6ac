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
}

/** The store owner of a principal's tasks. */
export function ownerOf(principal: Principal | undefined): string {
  return principal?.id ?? "";
}
