import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The parts of Express's request the adapter reads, typed structurally so the package works
 * with Express 4 and 5 and needs no `@types/express`.
 */
export interface ExpressRequest extends IncomingMessage {
  originalUrl: string;
  /** The path the router (or app) this middleware sits in is mounted at. */
  baseUrl: string;
  /** The app, whose compiled `trust proxy fn` says whether to read `X-Forwarded-*`. */
  app?: { get?(setting: string): unknown };
  /** Set by `express.json()` and friends. */
  body?: unknown;
  /** Set by Passport-style auth middleware. */
  user?: unknown;
  /** Set by express-jwt, express-oauth2-jwt-bearer and MCP-style bearer auth. */
  auth?: unknown;
}

/** An Express middleware, as Express 4 and 5 call it. */
export type ExpressMiddleware = (
  req: ExpressRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;
