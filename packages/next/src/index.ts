/**
 * `@a2a-mount/next`: serve an A2A agent from `@a2a-mount/core` in Next.js App Router route
 * handlers. Plain Fetch in, Fetch out: no Node bridge.
 * @packageDocumentation
 */
export {
  type A2ANextHandlers,
  type A2ANextOptions,
  a2aNext,
  type RouteContext,
  type RouteHandler,
} from "./a2a-next.js";
