import type { IncomingMessage } from "node:http";
import type { RequestExtras } from "../transport/fetch-exchange.js";
import type { Principal } from "../types/principal.js";

/** The types the Node bridge and the adapters share. */

/** A Node request as frameworks leave it: Express adds `originalUrl`, body parsers `body`. */
export type NodeRequest = IncomingMessage & { originalUrl?: string };

/**
 * What an adapter passes with a Node request: the extras a host can pass with any request
 * (the client certificate and the signal come from the socket), plus what only Node has.
 */
export interface NodeRequestOptions
  extends Pick<RequestExtras, "origin" | "basePath" | "parsedBody"> {
  /**
   * The request target as it arrived, before any router rewrote it (Koa's `ctx.originalUrl`).
   * Routing uses its path. Default: `req.originalUrl ?? req.url`.
   */
  target?: string;
  /** The caller, as authenticated by the host app; may throw to refuse with a 500. */
  principal?: () => Principal | undefined | Promise<Principal | undefined>;
  /** Told about failures that became a 500. Default: `console.error`. */
  onError?: (error: unknown) => void;
}
