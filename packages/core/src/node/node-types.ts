import type { IncomingMessage } from "node:http";
import type { HttpInput, HttpReply, RequestOrigin } from "../http/exchange.js";
import type { FetchContext } from "../transport/fetch-handler.js";
import type { Principal } from "../types/principal.js";

/** The types the Node bridge and the adapters share: what they mount and what they pass. */

/** What the bridge mounts: an agent from `createA2A`, or anything with the same `fetch`. */
export interface FetchHandlerLike {
  fetch(request: Request, context?: FetchContext): Promise<Response>;
  /** An agent's runtime-neutral entry point; when present, the bridge uses it instead of `fetch`. */
  handle?(input: HttpInput): Promise<HttpReply>;
  /** Largest body to read; the bridge reads at most one chunk past it. Default 1 MiB. */
  readonly maxBodyBytes?: number;
}

/** An agent an adapter mounts: it also says which paths are its own, so others go to `next()`. */
export interface MountableAgent extends FetchHandlerLike {
  handles(pathname: string, basePath?: string): boolean;
}

/** A Node request as frameworks leave it: Express adds `originalUrl`, body parsers `body`. */
export type NodeRequest = IncomingMessage & { originalUrl?: string };

/** Per-request inputs an adapter adds to what the bridge reads off `req`. */
export interface NodeRequestOptions {
  /**
   * The request target as it arrived, before any router rewrote it (Koa's `ctx.originalUrl`).
   * Routing uses its path. Default: `req.originalUrl ?? req.url`.
   */
  target?: string;
  /**
   * Where the client addressed the request, as the framework's trusted-proxy setting reads
   * it. Default: the connection's scheme and the `Host` header.
   */
  origin?: RequestOrigin;
  /** Where the agent is mounted for this request (e.g. Express's `req.baseUrl`). */
  basePath?: string;
  /** The body as host middleware parsed it, when the stream was consumed. */
  parsedBody?: unknown;
  /** The caller, as authenticated by the host app; may throw to refuse with a 500. */
  principal?: () => Principal | undefined | Promise<Principal | undefined>;
  /** Told about failures that became a 500. Default: `console.error`. */
  onError?: (error: unknown) => void;
}
