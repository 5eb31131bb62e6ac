/**
 * `@a2a-mount/core/internal`: what the adapter packages build on. Not for apps: it may
 * change in any release. Apps mount an agent with an adapter, or call `a2a.fetch`.
 * @packageDocumentation
 */
export type { EventFrames, HttpInput, HttpReply } from "../http/exchange.js";
export { type AgentInternals, internalsOf } from "../transport/agent.js";
export { handleNodeRequest, pathnameOf } from "./handle-node-request.js";
export type { NodeRequest, NodeRequestOptions } from "./node-types.js";
export { principalFromUser } from "./principal-from-user.js";
export { forwardedOrigin, socketOrigin } from "./request-target.js";
