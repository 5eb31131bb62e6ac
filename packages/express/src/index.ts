/**
 * `@a2a-mount/express`: mount an A2A agent from `@a2a-mount/core` in Express 4 or 5.
 * @packageDocumentation
 */

export { type A2AExpressOptions, a2aExpress } from "./a2a-express.js";
export { type A2AWellKnownOptions, a2aWellKnown } from "./a2a-well-known.js";
export type { ExpressMiddleware, ExpressRequest } from "./express-types.js";
