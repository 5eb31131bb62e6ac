import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type A2A,
  bearerScheme,
  type JwtVerifierOptions,
  jwtVerifier,
  type Logger,
  oauth2Scheme,
  openIdConnectScheme,
  type Principal,
  requireAll,
  type SecurityInput,
} from "../src/index.js";
import { BASE, cardRequest, type Json, makeAgent, rpcRequest, userMessage } from "./helpers.js";

/**
 * `jwtVerifier` through `bearerScheme` and `oauth2Scheme`, and `openIdConnectScheme` with a
 * discovery document: real jose keys (ES256, RS256), real JWKS and discovery servers on
 * 127.0.0.1, every request through `a2a.fetch`.
 */

const ISSUER = "https://issuer.test";
const AUDIENCE = "https://agent.test/a2a";

type Alg = "ES256" | "RS256";

interface KeyPair {
  alg: Alg;
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

let kids = 0;
async function keyPair(alg: Alg): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const kid = `${alg.toLowerCase()}-${++kids}`;
  return { alg, kid, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg } };
}

const jwks = (...pairs: KeyPair[]): JSONWebKeySet => ({ keys: pairs.map((pair) => pair.jwk) });

const now = () => Math.floor(Date.now() / 1000);

interface MintOptions {
  iss?: string;
  aud?: string | string[];
  /** Expiry, seconds since the epoch. Default: in an hour. */
  exp?: number;
  nbf?: number;
  /** Put the key's kid in the header. Default true. */
  kid?: boolean;
}

/** A signed JWT with the test issuer and audience unless told otherwise. */
function mint(pair: KeyPair, claims: JWTPayload = { sub: "alice" }, options: MintOptions = {}) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({
      alg: pair.alg,
      typ: "JWT",
      ...(options.kid !== false && { kid: pair.kid }),
    })
    .setIssuedAt()
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setExpirationTime(options.exp ?? now() + 3600);
  if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
  return jwt.sign(pair.privateKey);
}

// ---------------------------------------------------------------------------------------
// Agents and calls
// ---------------------------------------------------------------------------------------

interface Harness {
  a2a: A2A;
  principals: (Principal | undefined)[];
}

function agent(security: SecurityInput, logger?: Logger): Harness {
  const principals: (Principal | undefined)[] = [];
  const a2a = makeAgent({
    security,
    ...(logger && { logger }),
    executor: async (ctx, task) => {
      principals.push(ctx.principal);
      await task.complete("ok");
    },
  });
  return { a2a, principals };
}

function bearerAgent(options: JwtVerifierOptions, logger?: Logger): Harness {
  return agent(
    [bearerScheme({ name: "jwt", bearerFormat: "JWT", verify: jwtVerifier(options) })],
    logger,
  );
}

interface Outcome {
  status: number;
  body: Json;
  text: string;
  challenge: string | null;
  /** `error_description` of the challenge. */
  description: string | undefined;
}

async function outcome(response: Response): Promise<Outcome> {
  const text = await response.text();
  const challenge = response.headers.get("www-authenticate");
  const description = challenge?.match(/error_description="((?:[^"\\]|\\.)*)"/)?.[1];
  return { status: response.status, body: JSON.parse(text), text, challenge, description };
}

/** SendMessage over JSON-RPC 1.0 with `Authorization: Bearer <token>`. */
async function call(a2a: A2A, token?: string): Promise<Outcome> {
  const headers: Record<string, string> =
    token === undefined ? {} : { authorization: `Bearer ${token}` };
  return outcome(
    await a2a.fetch(rpcRequest("SendMessage", { message: userMessage("hi") }, { headers })),
  );
}

/** SendMessage over HTTP+JSON 1.0, where server faults are HTTP 500. */
async function callRest(a2a: A2A, token: string): Promise<Outcome> {
  return outcome(
    await a2a.fetch(
      new Request(`${BASE}/message:send`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "a2a-version": "1.0",
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ message: userMessage("hi") }),
      }),
    ),
  );
}

function expectAccepted(got: Outcome): void {
  expect(got.body.error).toBeUndefined();
  expect(got.status).toBe(200);
  expect(got.body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
}

/** A 401 whose challenge says invalid_token with this description, never echoing the token. */
function expectRefused(got: Outcome, description: string, token?: string): void {
  expect(got.status).toBe(401);
  expect(got.body.error.code).toBe(-32030);
  expect(got.challenge).toContain('Bearer realm="a2a", error="invalid_token"');
  expect(got.description).toBe(description);
  expect(got.body.error.message).toContain(description);
  if (token) {
    expect(got.text).not.toContain(token);
    expect(got.challenge).not.toContain(token);
  }
}

interface Captured {
  logger: Logger;
  errors: [string, Record<string, unknown> | undefined][];
}

function captureLogger(): Captured {
  const errors: Captured["errors"] = [];
  const ignore = () => {};
  return {
    errors,
    logger: {
      debug: ignore,
      info: ignore,
      warn: (message, fields) => errors.push([message, fields]),
      error: (message, fields) => errors.push([message, fields]),
    },
  };
}

/** A server fault: 500 over HTTP+JSON, -32603 over JSON-RPC, logged, never a 401. */
async function expectServerFault(harness: Harness, captured: Captured, token: string) {
  const before = captured.errors.length;
  const rest = await callRest(harness.a2a, token);
  expect(rest.status).toBe(500);
  expect(rest.body.error).toMatchObject({ code: 500, status: "INTERNAL" });
  expect(rest.challenge).toBeNull();
  const rpc = await call(harness.a2a, token);
  expect(rpc.status).not.toBe(401);
  expect(rpc.body.error.code).toBe(-32603);
  const logged = captured.errors.slice(before);
  expect(logged.map(([message]) => message)).toEqual([
    "security scheme verifier failed",
    "security scheme verifier failed",
  ]);
  expect(JSON.stringify(logged)).not.toContain(token);
  expect(harness.principals).toHaveLength(0);
}

// ---------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------

interface TestServer {
  origin: string;
  /** Requests per path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(
  handler: (request: IncomingMessage, response: ServerResponse, origin: string) => void,
): Promise<TestServer> {
  const hits = new Map<string, number>();
  let origin = "";
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", origin).pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    handler(request, response, origin);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed = false;
  const handle: TestServer = {
    origin,
    hits,
    close: async () => {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(handle);
  return handle;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** A JWKS endpoint at `/jwks.json` whose key set and health the test changes. */
async function jwksServer(initial: JSONWebKeySet) {
  const state = { keys: initial, status: 200 };
  const server = await serve((_request, response) => {
    if (state.status !== 200) sendJson(response, state.status, { error: "down" });
    else sendJson(response, 200, state.keys);
  });
  return {
    ...server,
    url: `${server.origin}/jwks.json`,
    state,
    fetches: () => server.hits.get("/jwks.json") ?? 0,
  };
}

// ---------------------------------------------------------------------------------------
// Tokens and refusals
// ---------------------------------------------------------------------------------------

describe.each(["ES256", "RS256"] as const)("jwtVerifier with an %s key", (alg) => {
  let pair: KeyPair;
  let stranger: KeyPair;
  let harness: Harness;

  beforeAll(async () => {
    pair = await keyPair(alg);
    stranger = await keyPair(alg);
  });

  const fresh = (extra: Partial<JwtVerifierOptions> = {}) =>
    bearerAgent({ key: pair.publicKey, issuer: ISSUER, audience: AUDIENCE, ...extra });

  it("accepts a valid token: id = sub, scopes from `scope`, claims for the executor", async () => {
    harness = fresh();
    const token = await mint(pair, {
      sub: "alice",
      scope: "tasks:read tasks:write",
      email: "a@x.test",
    });
    expectAccepted(await call(harness.a2a, token));
    const [principal] = harness.principals;
    expect(principal?.id).toBe("alice");
    expect(principal?.scopes).toEqual(["tasks:read", "tasks:write"]);
    expect(principal?.claims).toMatchObject({
      sub: "alice",
      email: "a@x.test",
      iss: ISSUER,
      aud: AUDIENCE,
    });
    expect(typeof principal?.claims?.exp).toBe("number");
  });

  it("reads scopes from an `scp` array, and falls back to client_id without sub", async () => {
    harness = fresh();
    expectAccepted(await call(harness.a2a, await mint(pair, { sub: "bob", scp: ["a", "b"] })));
    expectAccepted(await call(harness.a2a, await mint(pair, { client_id: "svc-1" })));
    expectAccepted(await call(harness.a2a, await mint(pair, { azp: "svc-2", scp: "x y" })));
    expect(harness.principals.map((p) => [p?.id, p?.scopes])).toEqual([
      ["bob", ["a", "b"]],
      ["svc-1", []],
      ["svc-2", ["x", "y"]],
    ]);
  });

  it("accepts one of several audiences and issuers", async () => {
    harness = fresh({ issuer: ["https://other.test", ISSUER], audience: ["x", AUDIENCE] });
    expectAccepted(
      await call(harness.a2a, await mint(pair, { sub: "alice" }, { aud: [AUDIENCE, "y"] })),
    );
  });

  const refusals: [string, () => Promise<string>, string][] = [
    ["an expired token", () => mint(pair, undefined, { exp: now() - 60 }), "The token has expired"],
    [
      "a token not valid yet (nbf in the future)",
      () => mint(pair, undefined, { nbf: now() + 600 }),
      "The token is not valid yet",
    ],
    [
      "a token for another audience",
      () => mint(pair, undefined, { aud: "https://elsewhere.test" }),
      "The token is not meant for this audience",
    ],
    [
      "a token from another issuer",
      () => mint(pair, undefined, { iss: "https://evil.test" }),
      "The token is not from a trusted issuer",
    ],
    [
      "a tampered token (payload changed, signature kept)",
      async () => {
        const [header, payload, signature] = (await mint(pair, { sub: "alice" })).split(".");
        const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
        const forged = Buffer.from(JSON.stringify({ ...claims, sub: "admin" })).toString(
          "base64url",
        );
        return `${header}.${forged}.${signature}`;
      },
      "The token's signature is not valid",
    ],
    ["a token signed by another key", () => mint(stranger), "The token's signature is not valid"],
    [
      "an unsigned token (alg: none)",
      async () =>
        new UnsecuredJWT({ sub: "alice" })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime("1h")
          .encode(),
      "The token's algorithm is not accepted",
    ],
    ["a garbage string", async () => "not-a-jwt-at-all", "The token is malformed"],
    ["three garbage segments", async () => "abc.def.ghi", "The token is malformed"],
    ["a token naming no subject", () => mint(pair, { scope: "a" }), "The token names no subject"],
  ];

  it.each(refusals)("refuses %s with its reason", async (_label, make, description) => {
    harness = fresh();
    const token = await make();
    expectRefused(await call(harness.a2a, token), description, token);
    expect(harness.principals).toHaveLength(0);
  });

  it("clockToleranceSeconds lets a just-expired (or almost valid) token through", async () => {
    const expired = await mint(pair, undefined, { exp: now() - 10 });
    const early = await mint(pair, undefined, { nbf: now() + 10 });
    const strict = fresh();
    expectRefused(await call(strict.a2a, expired), "The token has expired");
    expectRefused(await call(strict.a2a, early), "The token is not valid yet");
    const lenient = fresh({ clockToleranceSeconds: 60 });
    expectAccepted(await call(lenient.a2a, expired));
    expectAccepted(await call(lenient.a2a, early));
    // The tolerance is bounded.
    const longExpired = await mint(pair, undefined, { exp: now() - 600 });
    expectRefused(await call(lenient.a2a, longExpired), "The token has expired");
  });

  it("`algorithms` restricts the accepted algorithms", async () => {
    const other: Alg = alg === "ES256" ? "RS256" : "ES256";
    harness = fresh({ algorithms: [other] });
    expectRefused(
      await call(harness.a2a, await mint(pair)),
      "The token's algorithm is not accepted",
    );
  });

  // A token whose header names an algorithm the key is not for (algorithm confusion) is
  // the client's doing: refuse it (401), do not answer 500 and log a server failure.
  it("refuses a token signed with another algorithm than the key's, as a 401", async () => {
    const captured = captureLogger();
    harness = bearerAgent(
      { key: pair.publicKey, issuer: ISSUER, audience: AUDIENCE },
      captured.logger,
    );
    const otherAlg = await keyPair(alg === "ES256" ? "RS256" : "ES256");
    const confused = await mint(otherAlg);
    const hmac = await new SignJWT({ sub: "alice" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("a-shared-secret-of-at-least-32-bytes!!"));
    for (const token of [confused, hmac]) {
      const got = await call(harness.a2a, token);
      expect(got.status).toBe(401);
      expect(got.description).toMatch(/algorithm|signature/);
    }
    expect(captured.errors).toEqual([]);
  });

  it("a fixed JWKS selects the key by kid", async () => {
    harness = bearerAgent({ jwks: jwks(pair), issuer: ISSUER, audience: AUDIENCE });
    expectAccepted(await call(harness.a2a, await mint(pair)));
    expectAccepted(await call(harness.a2a, await mint(pair, undefined, { kid: false })));
    expectRefused(
      await call(harness.a2a, await mint(stranger)),
      "The token is signed with an unknown key",
    );
  });

  it("no token at all is a plain 401 without an error code", async () => {
    harness = fresh();
    const got = await call(harness.a2a);
    expect(got.status).toBe(401);
    expect(got.challenge).toBe('Bearer realm="a2a"');
  });
});

describe("oauth2Scheme with jwtVerifier", () => {
  let pair: KeyPair;
  let harness: Harness;

  beforeAll(async () => {
    pair = await keyPair("ES256");
    const oauth = oauth2Scheme({
      name: "oauth",
      flows: {
        clientCredentials: {
          tokenUrl: `${ISSUER}/token`,
          scopes: { "tasks:write": "Send messages", "tasks:read": "Read tasks" },
        },
      },
      verify: jwtVerifier({ jwks: jwks(pair), issuer: ISSUER, audience: AUDIENCE }),
    });
    harness = agent([requireAll(oauth.withScopes("tasks:write"))]);
  });

  it("accepts a token granting the scope (as `scope` or `scp`)", async () => {
    expectAccepted(
      await call(harness.a2a, await mint(pair, { sub: "svc", scope: "tasks:read tasks:write" })),
    );
    expectAccepted(
      await call(harness.a2a, await mint(pair, { sub: "svc2", scp: ["tasks:write"] })),
    );
    expect(harness.principals.slice(-2).map((p) => p?.id)).toEqual(["svc", "svc2"]);
  });

  it("answers 403 insufficient_scope for a valid token without it", async () => {
    const got = await call(harness.a2a, await mint(pair, { sub: "reader", scope: "tasks:read" }));
    expect(got.status).toBe(403);
    expect(got.body.error.code).toBe(-32031);
    expect(got.body.error.message).toContain("tasks:write");
    expect(got.challenge).toBe(
      'Bearer realm="a2a", error="insufficient_scope", scope="tasks:write"',
    );
  });

  it("answers 401 for an invalid token, whatever its scopes", async () => {
    const token = await mint(pair, { sub: "svc", scope: "tasks:write" }, { exp: now() - 60 });
    expectRefused(await call(harness.a2a, token), "The token has expired", token);
  });

  it("declares the flow on the card", async () => {
    const card = await (
      await harness.a2a.fetch(cardRequest(`${BASE}/.well-known/agent-card.json`))
    ).json();
    expect(card.securitySchemes.oauth.oauth2SecurityScheme.flows.clientCredentials.tokenUrl).toBe(
      `${ISSUER}/token`,
    );
    expect(card.securityRequirements).toEqual([{ schemes: { oauth: { list: ["tasks:write"] } } }]);
  });
});

// ---------------------------------------------------------------------------------------
// A JWKS served over HTTP
// ---------------------------------------------------------------------------------------

describe("jwtVerifier with jwksUrl", () => {
  let k1: KeyPair;
  let k2: KeyPair;
  let k3: KeyPair;

  beforeAll(async () => {
    [k1, k2, k3] = await Promise.all([keyPair("ES256"), keyPair("RS256"), keyPair("ES256")]);
  });

  const verifying = (url: string, extra: Partial<JwtVerifierOptions> = {}, logger?: Logger) =>
    bearerAgent({ jwksUrl: url, issuer: ISSUER, audience: AUDIENCE, ...extra }, logger);

  it("fetches the key set once for many requests (cached)", async () => {
    const server = await jwksServer(jwks(k1));
    const harness = verifying(server.url);
    expect(server.fetches()).toBe(0); // nothing is fetched before the first token
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, async (_, i) =>
        call(harness.a2a, await mint(k1, { sub: `c${i}` })),
      ),
    );
    for (const got of concurrent) expectAccepted(got);
    for (let i = 0; i < 10; i++)
      expectAccepted(await call(harness.a2a, await mint(k1, { sub: `s${i}` })));
    expect(harness.principals).toHaveLength(15);
    expect(server.fetches()).toBe(1);
  });

  it("rotation: a new kid is fetched, an old key stays usable until the cache is refreshed", async () => {
    const server = await jwksServer(jwks(k1));
    const harness = verifying(server.url, { jwksCooldownMs: 0 });
    expectAccepted(await call(harness.a2a, await mint(k1)));
    expect(server.fetches()).toBe(1);

    // The issuer publishes a new key beside the old one and starts signing with it.
    server.state.keys = jwks(k1, k2);
    expectAccepted(await call(harness.a2a, await mint(k2, { sub: "new-key" })));
    expect(server.fetches()).toBe(2); // the unknown kid made it refetch
    expectAccepted(await call(harness.a2a, await mint(k1)));
    expectAccepted(await call(harness.a2a, await mint(k2)));
    expect(server.fetches()).toBe(2);

    // The old key is withdrawn. Until something refreshes the cache it is still trusted ...
    server.state.keys = jwks(k2);
    expectAccepted(await call(harness.a2a, await mint(k1)));
    expect(server.fetches()).toBe(2);
    // ... a token with an unknown kid refreshes it ...
    expectRefused(
      await call(harness.a2a, await mint(k3)),
      "The token is signed with an unknown key",
    );
    expect(server.fetches()).toBe(3);
    // ... and from then on the old key's tokens are refused.
    const old = await mint(k1);
    expectRefused(await call(harness.a2a, old), "The token is signed with an unknown key", old);
    expectAccepted(await call(harness.a2a, await mint(k2)));
    expect(harness.principals.map((p) => p?.id)).toContain("new-key");
  });

  it("rotation: a removed key is refused once the cache ages out (jwksCacheMaxAgeMs)", async () => {
    const server = await jwksServer(jwks(k1));
    const harness = verifying(server.url, { jwksCacheMaxAgeMs: 50, jwksCooldownMs: 0 });
    expectAccepted(await call(harness.a2a, await mint(k1)));
    server.state.keys = jwks(k2);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expectRefused(
      await call(harness.a2a, await mint(k1)),
      "The token is signed with an unknown key",
    );
    expectAccepted(await call(harness.a2a, await mint(k2)));
    expect(server.fetches()).toBeGreaterThanOrEqual(2);
  });

  it("with the default cooldown, an unknown kid does not refetch at once", async () => {
    const server = await jwksServer(jwks(k1));
    const harness = verifying(server.url);
    expectAccepted(await call(harness.a2a, await mint(k1)));
    server.state.keys = jwks(k1, k2);
    for (let i = 0; i < 3; i++) {
      expectRefused(
        await call(harness.a2a, await mint(k2)),
        "The token is signed with an unknown key",
      );
    }
    expect(server.fetches()).toBe(1);
  });

  it("a JWKS answering 500 is a server fault: HTTP 500, logged, not a 401", async () => {
    const server = await jwksServer(jwks(k1));
    server.state.status = 500;
    const captured = captureLogger();
    const harness = verifying(server.url, { jwksCooldownMs: 0 }, captured.logger);
    await expectServerFault(harness, captured, await mint(k1));
    // Once the endpoint recovers, tokens are accepted again.
    server.state.status = 200;
    expectAccepted(await call(harness.a2a, await mint(k1)));
  });

  it("a JWKS server that is down is a server fault", async () => {
    const server = await jwksServer(jwks(k1));
    await server.close(); // the port now refuses connections
    const captured = captureLogger();
    const harness = verifying(server.url, {}, captured.logger);
    await expectServerFault(harness, captured, await mint(k1));
  });

  it("a JWKS server that does not answer in time is a server fault", async () => {
    const silent = await serve(() => {}); // never answers
    const captured = captureLogger();
    const harness = verifying(
      `${silent.origin}/jwks.json`,
      { jwksTimeoutMs: 100 },
      captured.logger,
    );
    await expectServerFault(harness, captured, await mint(k1));
  });

  it("a key set that is not JSON is a server fault", async () => {
    const broken = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end("<html>oops</html>");
    });
    const captured = captureLogger();
    const harness = verifying(`${broken.origin}/jwks.json`, {}, captured.logger);
    await expectServerFault(harness, captured, await mint(k1));
  });
});

// ---------------------------------------------------------------------------------------
// Verified tokens remembered
// ---------------------------------------------------------------------------------------

describe("jwtVerifier remembers verified tokens", () => {
  let k1: KeyPair;
  let k3: KeyPair;

  beforeAll(async () => {
    [k1, k3] = await Promise.all([keyPair("ES256"), keyPair("ES256")]);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  /** A JWKS server with k1, an agent verifying against it, and a way to drop k1 from it. */
  async function rotatingSetup(extra: Partial<JwtVerifierOptions> = {}) {
    const server = await jwksServer(jwks(k1));
    const harness = bearerAgent({
      jwksUrl: server.url,
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksCooldownMs: 0,
      ...extra,
    });
    const dropK1 = async () => {
      server.state.keys = jwks(k3);
      // A token of the new key makes the verifier refetch: k1 is gone from then on.
      expectAccepted(await call(harness.a2a, await mint(k3, { sub: "new" })));
    };
    return { harness, dropK1 };
  }

  it("within maxAgeMs, a token is not verified again; after it, it is", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const { harness, dropK1 } = await rotatingSetup({ verifiedTokenCache: { maxAgeMs: 60_000 } });
    const token = await mint(k1);
    expectAccepted(await call(harness.a2a, token));
    await dropK1();
    // Remembered: its key is no longer known, yet it is accepted without a new check.
    expectAccepted(await call(harness.a2a, token));
    vi.setSystemTime(Date.now() + 61_000);
    expectRefused(await call(harness.a2a, token), "The token is signed with an unknown key", token);
  });

  it("with verifiedTokenCache: false, every request is verified", async () => {
    const { harness, dropK1 } = await rotatingSetup({ verifiedTokenCache: false });
    const token = await mint(k1);
    expectAccepted(await call(harness.a2a, token));
    await dropK1();
    expectRefused(await call(harness.a2a, token), "The token is signed with an unknown key", token);
  });

  it("a remembered token still expires at its exp", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const { harness } = await rotatingSetup();
    const token = await mint(k1, { sub: "alice" }, { exp: now() + 30 });
    expectAccepted(await call(harness.a2a, token));
    vi.setSystemTime(Date.now() + 31_000);
    expectRefused(await call(harness.a2a, token), "The token has expired", token);
  });

  it("keeps at most maxEntries tokens, forgetting the least recently used", async () => {
    const { harness, dropK1 } = await rotatingSetup({ verifiedTokenCache: { maxEntries: 1 } });
    const first = await mint(k1, { sub: "first" });
    const second = await mint(k1, { sub: "second" });
    expectAccepted(await call(harness.a2a, first));
    expectAccepted(await call(harness.a2a, second));
    await dropK1(); // its own token takes the only place
    expectRefused(await call(harness.a2a, first), "The token is signed with an unknown key", first);
    const { harness: roomy, dropK1: dropFromRoomy } = await rotatingSetup({
      verifiedTokenCache: { maxEntries: 3 },
    });
    expectAccepted(await call(roomy.a2a, first));
    expectAccepted(await call(roomy.a2a, second));
    await dropFromRoomy();
    expectAccepted(await call(roomy.a2a, first));
    expectAccepted(await call(roomy.a2a, second));
  });
});

// ---------------------------------------------------------------------------------------
// OpenID Connect discovery
// ---------------------------------------------------------------------------------------

describe("openIdConnectScheme with a discovery document", () => {
  let pair: KeyPair;

  beforeAll(async () => {
    pair = await keyPair("RS256");
  });

  /** A provider: discovery at `/.well-known/openid-configuration`, keys at `/jwks`. */
  async function provider(
    options: { failDiscovery?: number; document?: (origin: string) => Json } = {},
  ) {
    let failures = options.failDiscovery ?? 0;
    const server = await serve((request, response, origin) => {
      const path = new URL(request.url ?? "/", origin).pathname;
      if (path === "/.well-known/openid-configuration") {
        if (failures > 0) {
          failures--;
          sendJson(response, 500, { error: "unavailable" });
          return;
        }
        sendJson(
          response,
          200,
          options.document?.(origin) ?? {
            issuer: origin,
            jwks_uri: `${origin}/jwks`,
            authorization_endpoint: `${origin}/authorize`,
          },
        );
      } else if (path === "/jwks") {
        sendJson(response, 200, jwks(pair));
      } else {
        sendJson(response, 404, {});
      }
    });
    return {
      ...server,
      discoveryUrl: `${server.origin}/.well-known/openid-configuration`,
      discoveries: () => server.hits.get("/.well-known/openid-configuration") ?? 0,
      keyFetches: () => server.hits.get("/jwks") ?? 0,
    };
  }

  function oidcAgent(url: string, logger?: Logger): Harness {
    return agent([openIdConnectScheme({ name: "oidc", url, audience: "my-agent" })], logger);
  }

  const token = (iss: string, claims: JWTPayload = { sub: "oidc-user" }, aud = "my-agent") =>
    mint(pair, claims, { iss, aud });

  it("accepts a token from the discovered issuer, signed with a discovered key", async () => {
    const idp = await provider();
    const harness = oidcAgent(idp.discoveryUrl);
    expectAccepted(
      await call(harness.a2a, await token(idp.origin, { sub: "u1", email: "u1@idp.test" })),
    );
    expect(harness.principals[0]).toMatchObject({ id: "u1", claims: { email: "u1@idp.test" } });
  });

  it("refuses a token from another issuer, or for another audience", async () => {
    const idp = await provider();
    const harness = oidcAgent(idp.discoveryUrl);
    expectRefused(
      await call(harness.a2a, await token("https://impostor.test")),
      "The token is not from a trusted issuer",
    );
    expectRefused(
      await call(harness.a2a, await token(idp.origin, { sub: "u" }, "someone-else")),
      "The token is not meant for this audience",
    );
    expect(harness.principals).toHaveLength(0);
  });

  it("fetches the discovery document (and the keys) once for many requests", async () => {
    const idp = await provider();
    const harness = oidcAgent(idp.discoveryUrl);
    expect(idp.discoveries()).toBe(0);
    const first = await Promise.all(
      Array.from({ length: 5 }, async (_, i) =>
        call(harness.a2a, await token(idp.origin, { sub: `p${i}` })),
      ),
    );
    for (const got of first) expectAccepted(got);
    for (let i = 0; i < 5; i++) expectAccepted(await call(harness.a2a, await token(idp.origin)));
    expectRefused(
      await call(harness.a2a, await token("https://impostor.test")),
      "The token is not from a trusted issuer",
    );
    expect(idp.discoveries()).toBe(1);
    expect(idp.keyFetches()).toBe(1);
  });

  it("retries the discovery after a failed first fetch (which is a server fault)", async () => {
    const idp = await provider({ failDiscovery: 1 });
    const captured = captureLogger();
    const harness = oidcAgent(idp.discoveryUrl, captured.logger);
    const first = await callRest(harness.a2a, await token(idp.origin));
    expect(first.status).toBe(500);
    expect(first.body.error.status).toBe("INTERNAL");
    expect(captured.errors.map(([message]) => message)).toEqual([
      "security scheme verifier failed",
    ]);
    expect(JSON.stringify(captured.errors)).toContain("500");
    expectAccepted(await call(harness.a2a, await token(idp.origin)));
    expectAccepted(await call(harness.a2a, await token(idp.origin)));
    expect(idp.discoveries()).toBe(2);
  });

  it("a discovery document without jwks_uri is a server fault", async () => {
    const idp = await provider({ document: (origin) => ({ issuer: origin }) });
    const captured = captureLogger();
    const harness = oidcAgent(idp.discoveryUrl, captured.logger);
    await expectServerFault(harness, captured, await token(idp.origin));
  });

  it("declares the discovery URL on the card", async () => {
    const idp = await provider();
    const harness = oidcAgent(idp.discoveryUrl);
    const card = await (
      await harness.a2a.fetch(cardRequest(`${BASE}/.well-known/agent-card.json`))
    ).json();
    expect(card.securitySchemes).toEqual({
      oidc: { openIdConnectSecurityScheme: { openIdConnectUrl: idp.discoveryUrl } },
    });
    // Serving the card does not reach the provider.
    expect(idp.discoveries()).toBe(0);
  });
});
