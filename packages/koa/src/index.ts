/**
 * `@a2a-mount/koa`: mount an A2A agent from `@a2a-mount/core` in Koa 2 or 3.
 * @packageDocumentation
 */

export { type A2AKoaOptions, a2aKoa } from "./a2a-koa.js";
export { type A2AWellKnownOptions, a2aWellKnown } from "./a2a-well-known.js";
export type { KoaContext, KoaMiddleware } from "./koa-types.js";
