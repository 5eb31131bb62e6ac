import type { SecurityInput } from "../security/requirement.js";
import type { Principal } from "../types/principal.js";
import type { ProtocolVersion } from "../types/protocol-version.js";

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
  /**
   * The SSE `Last-Event-ID` the client sent, to resume a stream after that event;
   * `undefined` when it sent none.
   */
  readonly lastEventId?: string | undefined;
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
