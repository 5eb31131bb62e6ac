import { express4Target, express5Target } from "./express-target.js";
import { fetchTarget } from "./fetch-target.js";
import { koa2Target, koa3Target } from "./koa-target.js";
import { nextTarget } from "./next-target.js";
import { nodeHttpTarget } from "./node-http-target.js";
import type { Target } from "./target.js";

export type { HostSetup, Running, Target } from "./target.js";
export { DEFAULT_SETUP, describeWhere, itWhere, SUB_ROUTER_PATH } from "./target.js";

/** Every way of serving the agent; each scenario runs against all of them. */
export const targets: readonly Target[] = [
  fetchTarget,
  nodeHttpTarget,
  express4Target,
  express5Target,
  koa2Target,
  koa3Target,
  nextTarget,
];
