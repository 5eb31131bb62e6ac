import type { A2A } from "@a2a-mount/core";
import { demoAgentFromEnv } from "@a2a-mount/demo-agent";

/** Where the catch-all route below `app/` serves the agent. */
export const AGENT_PATH = "/api/a2a";

// One agent per server process, also across dev-mode reloads, so its tasks survive them; in
// PostgreSQL when DATABASE_URL is set (every instance with the same URL is one agent).
const shared = globalThis as { a2aAgent?: Promise<A2A> };
shared.a2aAgent ??= demoAgentFromEnv().then((deployment) => deployment.a2a);
export const a2a: A2A = await shared.a2aAgent;
