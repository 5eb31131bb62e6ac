import type { A2A } from "@a2a-mount/core";
import { describe, it } from "vitest";
import type { RawStream } from "../raw-stream.js";

/** The host app around the agent: what real apps put in front of it. */
export interface HostSetup {
  /** Absolute path the agent is served at. Default `/a2a`. */
  mountPath: string;
  /** Mount inside nested routers (Express `Router`, `@koa/router`) rather than the app. */
  subRouter: boolean;
  /** The framework's JSON body parser runs first (`express.json()`, `@koa/bodyparser`). */
  bodyParser: boolean;
  /** `compression()` in front. */
  compression: boolean;
  /** The framework's CORS middleware (`cors`, `@koa/cors`) in front. */
  cors: boolean;
  /** The host's auth: header `x-user: <id>` becomes `req.user` / `ctx.state.user`. */
  auth: boolean;
  /** Host middleware sets the cookie `host=1` before the agent answers. */
  hostCookie: boolean;
  /** The agent card is also served at the app root's well-known path. */
  wellKnown: boolean;
}

export const DEFAULT_SETUP: HostSetup = {
  mountPath: "/a2a",
  subRouter: false,
  bodyParser: false,
  compression: false,
  cors: false,
  auth: false,
  hostCookie: false,
  wellKnown: false,
};

/** Sub-router mounts serve the agent here. */
export const SUB_ROUTER_PATH = "/api/v1/a2a";

/** A started host app. */
export interface Running {
  /** e.g. `http://127.0.0.1:41234`, or a made-up origin for in-process targets. */
  origin: string;
  /** The agent's JSON-RPC endpoint. */
  url: string;
  /** A request to the app, over the socket or in process. */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /** The same request, its response read chunk by chunk as it arrives. */
  stream(
    url: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<RawStream>;
  close(): Promise<void>;
}

/** One way of serving the agent. */
export interface Target {
  name: string;
  /** Requests cross a real socket. */
  http: boolean;
  /** The host setups this target can build (others are meaningless for it). */
  supports: Record<Exclude<keyof HostSetup, "mountPath" | "wellKnown">, boolean>;
  start(agent: A2A, setup?: Partial<HostSetup>): Promise<Running>;
}

/**
 * `it` where a scenario applies to the target, nothing where it cannot (compression in front
 * of an in-process handler, say): such combinations are not tests, so they are not listed.
 */
export function itWhere(applies: boolean): typeof it {
  return applies ? it : ((() => {}) as unknown as typeof it);
}

/** `describe` where a group of scenarios applies to the target, nothing where it cannot. */
export function describeWhere(applies: boolean): typeof describe {
  return applies ? describe : ((() => {}) as unknown as typeof describe);
}
