import type { HttpInput, HttpReply } from "../http/exchange.js";
import type { RequestExtras } from "./fetch-exchange.js";

/**
 * Where an agent keeps what only adapters use. A registered symbol, so two copies of this
 * package in one process still find each other's agents.
 */
export const AGENT_INTERNALS: unique symbol = Symbol.for("@a2a-mount/core.agent-internals");

/** What adapters need from an agent besides `fetch`; not for apps (`@a2a-mount/core/internal`). */
export interface AgentInternals {
  /**
   * The agent's one entry point, in the runtime-neutral form `fetch` wraps: the Node bridge
   * calls it straight from `IncomingMessage`. Never rejects: failures become error replies.
   */
  handle(input: HttpInput): Promise<HttpReply>;
  /**
   * Whether `pathname` names one of the agent's endpoints (any HTTP method) when the agent is
   * mounted at `basePath` (default: the `basePath` option). Adapters pass other paths on.
   * The app's root `/.well-known/agent-card.json` is not claimed unless the agent is mounted
   * at the root: the app serves it where it chooses (`a2aWellKnown`, a route file).
   */
  handles(pathname: string, basePath?: string): boolean;
  /** The largest request body the agent accepts, in bytes; adapters read bodies up to it. */
  readonly maxBodyBytes: number;
}

/** An A2A agent, from `createA2A`: mount it with an adapter, or call `fetch` yourself. */
export interface A2A {
  /** Answers one HTTP request: the agent card, a JSON-RPC call or an HTTP+JSON route. */
  fetch(request: Request, extras?: RequestExtras): Promise<Response>;
  /** Live counts, for health checks and leak tests. */
  stats(): { activeExecutions: number; subscribers: number };
  /**
   * Shuts the agent down, after your server stopped taking requests: new sends are refused
   * with 503; runs still going after `graceMs` (default 10 000) are ended, their tasks failed
   * with a status message saying so (other instances' subscribers see it at once); push
   * deliveries stop and release their claims to other instances. Its task store stays open:
   * close that after it.
   */
  close(options?: { graceMs?: number }): Promise<void>;
  /** @internal Adapters' hooks: read them with `internalsOf`. */
  readonly [AGENT_INTERNALS]: AgentInternals;
}

/** The adapter hooks of an agent from `createA2A`; throws for anything else. */
export function internalsOf(agent: A2A): AgentInternals {
  const internals = (agent as Partial<A2A> | null)?.[AGENT_INTERNALS];
  if (!internals) throw new TypeError("Expected an agent created with createA2A");
  return internals;
}
