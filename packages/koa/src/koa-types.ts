import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The parts of Koa's context the adapter reads, typed structurally so the package works with
 * Koa 2 and 3 and needs no `@types/koa`.
 */
export interface KoaContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The URL as it arrived, before any mounting rewrote `ctx.url`. */
  originalUrl: string;
  /** The app; with `proxy` set, `X-Forwarded-Host` and `-Proto` name the origin. */
  app?: { proxy?: boolean };
  /** Set by koa-mount: where the app running this middleware is mounted. */
  mountPath?: string;
  /** Set by `@koa/bodyparser`. */
  request: { body?: unknown };
  /** Where auth middleware (koa-jwt, koa-passport) leaves `user`. */
  state: Record<string, unknown> & { user?: unknown };
  /** Set to `false` so Koa leaves the response to the adapter. */
  respond?: boolean;
}

/** A Koa middleware, as Koa 2 and 3 call it. */
export type KoaMiddleware = (ctx: KoaContext, next: () => Promise<unknown>) => Promise<void>;
