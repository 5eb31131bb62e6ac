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
