import type { A2A, A2AOptions, PushSigningOptions } from "@a2a-mount/core";
import { webhookSender } from "@a2a-mount/core/node";
import { createDemoAgent } from "./create-demo-agent.js";

/** The demo agent as an example app runs it, and where its tasks live. */
export interface DemoDeployment {
  a2a: A2A;
  /** Where tasks live, for the ready message: `memory` or `PostgreSQL <host>/<database>`. */
  storage: string;
  /** Closes the store's connections (the PostgreSQL store's). */
  close(): Promise<void>;
}

/**
 * The demo agent with its tasks in PostgreSQL when `DATABASE_URL` is set (schema migrated at
 * start-up; `A2A_LEASE_MS` sets the run lease), so that every instance given the same URL
 * serves the same agent; in memory otherwise. It delivers push notifications, signed, to
 * public `https` URLs and to the hosts (names, addresses or CIDRs, comma-separated) of
 * `A2A_PUSH_ALLOW_HOSTS`.
 */
export async function demoAgentFromEnv(
  env: Record<string, string | undefined> = processEnv(),
  overrides: Partial<A2AOptions> = {},
): Promise<DemoDeployment> {
  const options: Partial<A2AOptions> = { push: await pushFromEnv(env), ...overrides };
  const url = env.DATABASE_URL;
  if (!url) {
    return { a2a: createDemoAgent(options), storage: "memory", close: async () => undefined };
  }
  const leaseMs = env.A2A_LEASE_MS ? Number(env.A2A_LEASE_MS) : undefined;
  if (leaseMs !== undefined && !(Number.isInteger(leaseMs) && leaseMs >= 100)) {
    throw new TypeError("A2A_LEASE_MS must be a whole number of milliseconds, at least 100");
  }
  // Loaded only when asked for: the in-memory demo needs no database driver.
  const { createPostgresTaskStore } = await import("@a2a-mount/postgres");
  const store = await createPostgresTaskStore({ connectionString: url });
  const a2a = createDemoAgent({ taskStore: store, leaseMs, ...options });
  return {
    a2a,
    storage: storageOf(url),
    close: () => store.close(),
  };
}

/**
 * Push delivery, with `A2A_PUSH_ALLOW_HOSTS` as the SSRF guard's allow-list, signed with the
 * private JWK of `A2A_PUSH_SIGNING_JWK` (its `kid` and `alg` too), or with an ES256 key made
 * at start (whose public half the agent serves at `<mount>/.well-known/jwks.json`).
 */
export async function pushFromEnv(
  env: Record<string, string | undefined>,
): Promise<NonNullable<A2AOptions["push"]>> {
  const allowHosts = (env.A2A_PUSH_ALLOW_HOSTS ?? "")
    .split(",")
    .map((host) => host.trim())
    .filter((host) => host !== "");
  return { sender: webhookSender({ allowHosts }), signing: await signingFromEnv(env) };
}

async function signingFromEnv(
  env: Record<string, string | undefined>,
): Promise<PushSigningOptions> {
  if (env.A2A_PUSH_SIGNING_JWK) {
    const jwk = JSON.parse(env.A2A_PUSH_SIGNING_JWK) as JsonWebKey & { kid?: string; alg?: string };
    if (!jwk.kid || !jwk.alg) throw new TypeError("A2A_PUSH_SIGNING_JWK needs a kid and an alg");
    return { privateKey: jwk, alg: jwk.alg, kid: jwk.kid };
  }
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const privateKey = await crypto.subtle.exportKey("jwk", pair.privateKey);
  return { privateKey, alg: "ES256", kid: `demo-${Date.now().toString(36)}` };
}

/** Where tasks live with `DATABASE_URL` set to `url` (or not set), for the ready message. */
export function storageOf(url: string | undefined): string {
  if (!url) return "memory";
  const where = new URL(url);
  // Never the password.
  return `PostgreSQL ${where.host}${where.pathname}`;
}

/** The process's environment, where there is one. */
function processEnv(): Record<string, string | undefined> {
  return (
    (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
  );
}
