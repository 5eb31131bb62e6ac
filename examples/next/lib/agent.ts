import type { A2A } from "@a2a-mount/core";
import { createDemoAgent } from "@a2a-mount/demo-agent";

/** Where the catch-all route below `app/` serves the agent. */
export const AGENT_PATH = "/api/a2a";

// One agent per server process, also across dev-mode reloads, so its tasks survive them.
const shared = globalThis as { a2aAgent?: A2A };
shared.a2aAgent ??= createDemoAgent();
export const a2a: A2A = shared.a2aAgent;
