import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { HttpInput } from "../src/http/exchange.js";
import {
  type A2A,
  type A2AError,
  type A2AOptions,
  apiKeyScheme,
  basicScheme,
  bearerScheme,
  createA2A,
  httpAuthScheme,
  InvalidCredentialError,
  type Logger,
  oauth2Scheme,
  type Principal,
  type RequestContext,
  type RequestExtras,
  requireAll,
  type SecurityInput,
  silentLogger,
} from "../src/index.js";
import { internalsOf } from "../src/transport/agent.js";
import {
  BASE,
  cardRequest,
  type Json,
  makeAgent,
  rpcRequest,
  testCard,
  userMessage,
} from "./helpers.js";

/**
 * Security requirements enforced end to end through `a2a.fetch` (and `a2a.handle`): the OR
 * of `requireAll` alternatives, the AND inside one, scopes, the 401/403 shapes on every
 * binding, the gate in front of every operation, each credential location, host principals,
 * per-skill security, optional auth, startup validation, verifier failures, and redaction.
 */

const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
const DOMAIN = "a2a-protocol.org";
const CARD_URL = "http://agent.test/.well-known/agent-card.json";

// ---------------------------------------------------------------------------------------
// Schemes and credentials
// ---------------------------------------------------------------------------------------

const BEARER_TOKENS = new Map<string, Principal>([
  ["tok-alice", { id: "alice" }],
  ["tok-carol", { id: "carol" }],
]);
const API_KEYS = new Map<string, Principal>([["key-bob", { id: "bob" }]]);
const OAUTH_TOKENS = new Map<string, Principal>([
  ["oauth-ab", { id: "svc-ab", scopes: ["a", "b"] }],
  ["oauth-a", { id: "svc-a", scopes: ["a"] }],
  ["oauth-none", { id: "svc-none", scopes: [] }],
]);

let bearerVerifications = 0;
const bearer = bearerScheme({
  name: "bearer",
  bearerFormat: "opaque",
  verify: (token) => {
    bearerVerifications++;
    return BEARER_TOKENS.get(token);
  },
});
const apiKey = apiKeyScheme({
  name: "apiKey",
  keyName: "X-API-Key",
  location: "header",
  verify: (key) => API_KEYS.get(key),
});
const oauth = oauth2Scheme({
  name: "oauth",
  flows: {
    clientCredentials: {
      tokenUrl: "https://issuer.example/token",
      scopes: { a: "Scope a", b: "Scope b", admin: "Administration" },
    },
  },
  verify: (token) => OAUTH_TOKENS.get(token),
});

const BEARER = { authorization: "Bearer tok-alice" };
const BAD_BEARER = { authorization: "Bearer tok-unknown" };
const KEY = { "x-api-key": "key-bob" };
const BAD_KEY = { "x-api-key": "key-unknown" };
const oauthToken = (token: string) => ({ authorization: `Bearer ${token}` });

// ---------------------------------------------------------------------------------------
// Agents and requests
// ---------------------------------------------------------------------------------------

interface Harness {
  a2a: A2A;
  /** Every run of the executor, in order. */
  runs: RequestContext[];
}

/** An agent whose executor records its runs and completes with the caller's id. */
function agent(options: Partial<A2AOptions> = {}): Harness {
  const runs: RequestContext[] = [];
  const a2a = makeAgent({
    executor: async (ctx, task) => {
      runs.push(ctx);
      await task.complete(`hello ${ctx.principal?.id ?? "anonymous"}`);
    },
    ...options,
  });
  return { a2a, runs };
}

interface Answer {
  status: number;
  headers: Headers;
  body: Json;
}

async function answer(response: Response): Promise<Answer> {
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** SendMessage over JSON-RPC 1.0 with these headers. */
async function send(
  a2a: A2A,
  headers: Record<string, string> = {},
  options: { context?: RequestExtras; id?: string | number; message?: Json; url?: string } = {},
): Promise<Answer> {
  const request = rpcRequest(
    "SendMessage",
    { message: options.message ?? userMessage("hi") },
    { headers, id: options.id, url: options.url },
  );
  return answer(await a2a.fetch(request, options.context));
}

/** SendMessage over HTTP+JSON 1.0. */
async function sendRest(a2a: A2A, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(
    await a2a.fetch(
      new Request(`${BASE}/message:send`, {
        method: "POST",
        headers: { "content-type": "application/json", "a2a-version": "1.0", ...headers },
        body: JSON.stringify({ message: userMessage("hi") }),
      }),
    ),
  );
}

/** A 0.3 user message. */
const message03 = (text: string) => ({
  kind: "message",
  messageId: `m03-${Math.random().toString(36).slice(2)}`,
  role: "user",
  parts: [{ kind: "text", text }],
});

/** `message/send` over 0.3 JSON-RPC (no A2A-Version header: 0.3). */
async function send03(a2a: A2A, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(
    await a2a.fetch(
      new Request(BASE, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 3,
          method: "message/send",
          params: { message: message03("hi") },
        }),
      }),
    ),
  );
}

/** `POST /v1/message:send` over 0.3 HTTP+JSON. */
async function sendRest03(a2a: A2A, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(
    await a2a.fetch(
      new Request(`${BASE}/v1/message:send`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ message: message03("hi") }),
      }),
    ),
  );
}

function errorInfo(details: Json[]): Json {
  const info = details.find((d: Json) => d["@type"] === ERROR_INFO);
  expect(info).toBeDefined();
  expect(info.domain).toBe(DOMAIN);
  return info;
}

/** A JSON-RPC error answered with an HTTP status (401/403 travel with theirs). */
function expectRpcError(
  got: Answer,
  expected: { status: number; code: number; reason: string; id?: Json },
): Json {
  expect(got.status).toBe(expected.status);
  expect(got.headers.get("content-type")).toMatch(/^application\/json/);
  expect(got.body.jsonrpc).toBe("2.0");
  expect(got.body).not.toHaveProperty("result");
  expect(got.body.id).toBe(expected.id ?? null);
  expect(got.body.error.code).toBe(expected.code);
  expect(errorInfo(got.body.error.data).reason).toBe(expected.reason);
  return got.body.error;
}

const expect401 = (got: Answer, id?: Json) =>
  expectRpcError(got, { status: 401, code: -32030, reason: "UNAUTHENTICATED", id });
const expect403 = (got: Answer, id?: Json) =>
  expectRpcError(got, { status: 403, code: -32031, reason: "PERMISSION_DENIED", id });

/** A successful SendMessage whose task completed for `principal` (or anonymously). */
function expectAccepted(got: Answer, harness: Harness, principal: string | undefined): void {
  expect(got.status).toBe(200);
  expect(got.body.error).toBeUndefined();
  expect(got.body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
  expect(harness.runs.at(-1)?.principal?.id).toBe(principal);
}

type Expected = { accept: string } | { refuse: 401 | 403 };

/** Runs one table row: the request with `headers` must be accepted for a principal or refused. */
async function expectOutcome(
  harness: Harness,
  headers: Record<string, string>,
  expected: Expected,
): Promise<Answer> {
  const before = harness.runs.length;
  const got = await send(harness.a2a, headers);
  if ("accept" in expected) {
    expectAccepted(got, harness, expected.accept);
  } else {
    if (expected.refuse === 401) expect401(got);
    else expect403(got);
    expect(harness.runs.length).toBe(before);
  }
  return got;
}

// ---------------------------------------------------------------------------------------
// OR, AND, scopes (the seed's tables)
// ---------------------------------------------------------------------------------------

describe("OR of requireAll alternatives (seed example A: bearer OR API key)", () => {
  const harness = agent({ security: [requireAll(bearer), requireAll(apiKey)] });
  const table: [string, Record<string, string>, Expected][] = [
    ["only Authorization: Bearer", BEARER, { accept: "alice" }],
    ["only X-API-Key", KEY, { accept: "bob" }],
    [
      "both headers (the first alternative met names the caller)",
      { ...BEARER, ...KEY },
      { accept: "alice" },
    ],
    ["neither", {}, { refuse: 401 }],
    ["a refused bearer token beside a good API key", { ...BAD_BEARER, ...KEY }, { accept: "bob" }],
    [
      "a good bearer token beside a refused API key",
      { ...BEARER, ...BAD_KEY },
      { accept: "alice" },
    ],
    ["both refused", { ...BAD_BEARER, ...BAD_KEY }, { refuse: 401 }],
  ];
  it.each(table)("%s", async (_label, headers, expected) => {
    await expectOutcome(harness, headers, expected);
  });

  it("names both alternatives in the 401 and challenges with both schemes", async () => {
    const got = await send(harness.a2a);
    const error = expect401(got);
    expect(error.message).toBe("Authentication required: send credentials for bearer | apiKey");
    expect(errorInfo(error.data).metadata.securityRequirements).toBe("bearer | apiKey");
    expect(got.headers.get("www-authenticate")).toBe(
      'Bearer realm="a2a", APIKey realm="a2a", in="header", name="X-API-Key"',
    );
  });
});

describe("AND inside one requireAll (seed example B: bearer AND API key)", () => {
  const harness = agent({ security: [requireAll(bearer, apiKey)] });
  const table: [string, Record<string, string>, Expected][] = [
    ["only Authorization: Bearer (missing API key)", BEARER, { refuse: 401 }],
    ["only X-API-Key (missing bearer)", KEY, { refuse: 401 }],
    [
      "both headers (the first scheme names the caller)",
      { ...BEARER, ...KEY },
      { accept: "alice" },
    ],
    ["neither", {}, { refuse: 401 }],
    ["a good bearer token with a refused API key", { ...BEARER, ...BAD_KEY }, { refuse: 401 }],
    ["a refused bearer token with a good API key", { ...BAD_BEARER, ...KEY }, { refuse: 401 }],
  ];
  it.each(table)("%s", async (_label, headers, expected) => {
    await expectOutcome(harness, headers, expected);
  });

  it("says which alternative is wanted", async () => {
    const error = expect401(await send(harness.a2a, BEARER));
    expect(error.message).toBe("Authentication required: send credentials for bearer+apiKey");
  });
});

describe("scopes", () => {
  const harness = agent({ security: [requireAll(oauth.withScopes("a", "b"))] });
  const table: [string, Record<string, string>, Expected][] = [
    ["a token granting a and b", oauthToken("oauth-ab"), { accept: "svc-ab" }],
    ["a token granting only a", oauthToken("oauth-a"), { refuse: 403 }],
    ["a token granting no scope", oauthToken("oauth-none"), { refuse: 403 }],
    ["an unknown token (not authenticated at all)", oauthToken("oauth-forged"), { refuse: 401 }],
    ["no token", {}, { refuse: 401 }],
  ];
  it.each(table)("%s", async (_label, headers, expected) => {
    await expectOutcome(harness, headers, expected);
  });

  it("a 403 names the missing scope, in the message, the metadata and the challenge", async () => {
    const got = await send(harness.a2a, oauthToken("oauth-a"));
    const error = expect403(got);
    expect(error.message).toBe("Insufficient scope: oauth needs b");
    expect(errorInfo(error.data).metadata).toMatchObject({ scheme: "oauth", requiredScopes: "b" });
    expect(got.headers.get("www-authenticate")).toBe(
      'Bearer realm="a2a", error="insufficient_scope", scope="b"',
    );
    const none = expect403(await send(harness.a2a, oauthToken("oauth-none")));
    expect(none.message).toBe("Insufficient scope: oauth needs a, b");
  });

  it("scopes given in several entries of one requireAll add up", async () => {
    const merged = agent({
      security: [requireAll(oauth.withScopes("a"), oauth.withScopes("b"))],
    });
    await expectOutcome(merged, oauthToken("oauth-ab"), { accept: "svc-ab" });
    const error = expect403(await send(merged.a2a, oauthToken("oauth-a")));
    expect(error.message).toContain("b");
  });
});

describe("mixing scopes (seed example C: OAuth needs scopes, the API key does not)", () => {
  describe("as alternatives: oauth(a, b) OR apiKey", () => {
    const harness = agent({
      security: [requireAll(oauth.withScopes("a", "b")), requireAll(apiKey)],
    });
    const table: [string, Record<string, string>, Expected][] = [
      ["an OAuth token with both scopes", oauthToken("oauth-ab"), { accept: "svc-ab" }],
      ["an API key (no scopes needed)", KEY, { accept: "bob" }],
      ["an OAuth token short of a scope: 403", oauthToken("oauth-a"), { refuse: 403 }],
      [
        "an OAuth token short of a scope, with an API key",
        { ...oauthToken("oauth-a"), ...KEY },
        { accept: "bob" },
      ],
      [
        "an OAuth token short of a scope, with a refused API key",
        { ...oauthToken("oauth-a"), ...BAD_KEY },
        { refuse: 403 },
      ],
      ["nothing", {}, { refuse: 401 }],
    ];
    it.each(table)("%s", async (_label, headers, expected) => {
      await expectOutcome(harness, headers, expected);
    });
  });

  describe("together: oauth(a, b) AND apiKey", () => {
    const harness = agent({ security: [requireAll(oauth.withScopes("a", "b"), apiKey)] });
    const table: [string, Record<string, string>, Expected][] = [
      [
        "an OAuth token with both scopes and an API key",
        { ...oauthToken("oauth-ab"), ...KEY },
        { accept: "svc-ab" },
      ],
      ["an OAuth token with both scopes, no API key", oauthToken("oauth-ab"), { refuse: 401 }],
      ["an API key only", KEY, { refuse: 401 }],
      [
        "an API key and an OAuth token short of a scope: 403",
        { ...oauthToken("oauth-a"), ...KEY },
        { refuse: 403 },
      ],
    ];
    it.each(table)("%s", async (_label, headers, expected) => {
      await expectOutcome(harness, headers, expected);
    });

    // 403 means "an alternative is met but for scopes". Here the alternative also lacks the
    // API key, so even with every scope it would not be met: the answer must be 401, and
    // must not depend on the order the schemes are listed in.
    it("an OAuth token short of a scope without the API key is 401, in either order", async () => {
      const reversed = agent({ security: [requireAll(apiKey, oauth.withScopes("a", "b"))] });
      await expectOutcome(reversed, oauthToken("oauth-a"), { refuse: 401 });
      await expectOutcome(harness, oauthToken("oauth-a"), { refuse: 401 });
    });
  });

  it("a 403 is only given when no alternative is met; a met one wins over a scope-short one", async () => {
    const harness = agent({
      security: [requireAll(oauth.withScopes("admin")), requireAll(oauth.withScopes("a"))],
    });
    await expectOutcome(harness, oauthToken("oauth-a"), { accept: "svc-a" });
    const error = expect403(await send(harness.a2a, oauthToken("oauth-none")));
    expect(error.message).toBe("Insufficient scope: oauth needs admin");
  });
});

// ---------------------------------------------------------------------------------------
// Error shape on every binding
// ---------------------------------------------------------------------------------------

describe("401 and 403 on every binding", () => {
  const guarded = agent({ security: [requireAll(bearer), requireAll(apiKey)] });
  const scoped = agent({ security: [requireAll(oauth.withScopes("a", "b"))] });
  const CHALLENGE = 'Bearer realm="a2a", APIKey realm="a2a", in="header", name="X-API-Key"';

  it("JSON-RPC 1.0: HTTP 401, code -32030, id null, ErrorInfo UNAUTHENTICATED", async () => {
    const got = await answer(
      await guarded.a2a.fetch(
        rpcRequest("SendMessage", { message: userMessage("hi") }, { id: 42 }),
      ),
    );
    // The body was never read, so its id is unknown.
    const error = expect401(got, null);
    expect(typeof errorInfo(error.data).metadata.timestamp).toBe("string");
    expect(got.headers.get("www-authenticate")).toBe(CHALLENGE);
  });

  it("JSON-RPC 1.0: HTTP 403, code -32031, id null, ErrorInfo PERMISSION_DENIED", async () => {
    const got = await send(scoped.a2a, oauthToken("oauth-a"), { id: 42 });
    expect403(got, null);
    expect(got.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
  });

  it("HTTP+JSON 1.0: a google.rpc.Status body as application/a2a+json", async () => {
    const got = await sendRest(guarded.a2a);
    expect(got.status).toBe(401);
    expect(got.headers.get("content-type")).toBe("application/a2a+json");
    expect(got.body.error).toMatchObject({
      code: 401,
      status: "UNAUTHENTICATED",
      message: "Authentication required: send credentials for bearer | apiKey",
    });
    expect(errorInfo(got.body.error.details).reason).toBe("UNAUTHENTICATED");
    expect(got.headers.get("www-authenticate")).toBe(CHALLENGE);

    const denied = await sendRest(scoped.a2a, oauthToken("oauth-a"));
    expect(denied.status).toBe(403);
    expect(denied.headers.get("content-type")).toBe("application/a2a+json");
    expect(denied.body.error).toMatchObject({ code: 403, status: "PERMISSION_DENIED" });
    expect(errorInfo(denied.body.error.details).reason).toBe("PERMISSION_DENIED");
    expect(denied.headers.get("www-authenticate")).toBe(
      'Bearer realm="a2a", error="insufficient_scope", scope="b"',
    );
  });

  it("0.3 JSON-RPC (message/send): HTTP 401 with code -32030", async () => {
    const got = await send03(guarded.a2a);
    expect401(got, null);
    expect(got.headers.get("www-authenticate")).toBe(CHALLENGE);
    const denied = await send03(scoped.a2a, oauthToken("oauth-a"));
    expect403(denied, null);
    expect(guarded.runs.length + scoped.runs.length).toBe(0);
  });

  it("0.3 HTTP+JSON (/v1/message:send): HTTP 401 with a JSON-RPC error object as application/json", async () => {
    const got = await sendRest03(guarded.a2a);
    expect(got.status).toBe(401);
    expect(got.headers.get("content-type")).toBe("application/json");
    expect(got.body).toMatchObject({ code: -32030 });
    expect(errorInfo(got.body.data).reason).toBe("UNAUTHENTICATED");
    expect(got.headers.get("www-authenticate")).toBe(CHALLENGE);
    const denied = await sendRest03(scoped.a2a, oauthToken("oauth-a"));
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: -32031 });
  });

  it("the same credentials pass on every binding", async () => {
    expect((await send(guarded.a2a, KEY)).body.result.task.status.state).toBe(
      "TASK_STATE_COMPLETED",
    );
    expect((await sendRest(guarded.a2a, KEY)).body.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect((await send03(guarded.a2a, KEY)).body.result.status.state).toBe("completed");
    expect((await sendRest03(guarded.a2a, KEY)).body.status.state).toBe("completed");
    expect(guarded.runs.map((run) => run.principal?.id)).toEqual(["bob", "bob", "bob", "bob"]);
  });

  it("a refused token gets error=invalid_token with a description", async () => {
    const got = await send(guarded.a2a, BAD_BEARER);
    const error = expect401(got);
    expect(error.message).toBe("Authentication failed: The credential was not accepted (bearer)");
    expect(got.headers.get("www-authenticate")).toBe(
      'Bearer realm="a2a", error="invalid_token", error_description="The credential was not accepted", ' +
        'APIKey realm="a2a", in="header", name="X-API-Key"',
    );
    const rest = await sendRest(guarded.a2a, BAD_BEARER);
    expect(rest.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("an InvalidCredentialError's reason is the description", async () => {
    const revoking = bearerScheme({
      name: "revoking",
      verify: () => {
        throw new InvalidCredentialError('The token was "revoked"');
      },
    });
    const harness = agent({ security: [revoking] });
    const got = await send(harness.a2a, { authorization: "Bearer whatever-token" });
    expect(expect401(got).message).toBe(
      'Authentication failed: The token was "revoked" (revoking)',
    );
    expect(got.headers.get("www-authenticate")).toBe(
      'Bearer realm="a2a", error="invalid_token", error_description="The token was \\"revoked\\""',
    );
  });

  it("a reason with line breaks or non-ASCII cannot break the challenge header", async () => {
    const revoking = bearerScheme({
      name: "revoking",
      verify: () => {
        throw new InvalidCredentialError("Révoqué\r\nSet-Cookie: forged=1");
      },
    });
    const harness = agent({ security: [revoking] });
    const got = await send(harness.a2a, { authorization: "Bearer whatever-token" });
    expect(expect401(got).message).toBe(
      "Authentication failed: Révoqué\r\nSet-Cookie: forged=1 (revoking)",
    );
    expect(got.headers.get("set-cookie")).toBeNull();
    expect(got.headers.get("www-authenticate")).toBe(
      'Bearer realm="a2a", error="invalid_token", error_description="R voqu   Set-Cookie: forged=1"',
    );
  });

  it("Basic and custom HTTP schemes challenge with their own names", async () => {
    const basic = basicScheme({ name: "basic", verify: () => undefined });
    const custom = httpAuthScheme({ name: "hmac", scheme: "X-HMAC", verify: () => undefined });
    const harness = agent({ security: [basic, custom] });
    const got = await send(harness.a2a);
    expect401(got);
    expect(got.headers.get("www-authenticate")).toBe(
      'Basic realm="a2a", charset="UTF-8", X-HMAC realm="a2a"',
    );
  });
});

// ---------------------------------------------------------------------------------------
// Every operation is gated
// ---------------------------------------------------------------------------------------

describe("every operation is gated", () => {
  const harness = agent({
    security: [requireAll(bearer)],
    extendedCard: { description: "More for signed-in callers" },
  });

  const rpcCalls: [string, Json][] = [
    ["SendMessage", { message: userMessage("hi") }],
    ["SendStreamingMessage", { message: userMessage("hi") }],
    ["GetTask", { id: "t-1" }],
    ["ListTasks", {}],
    ["CancelTask", { id: "t-1" }],
    ["SubscribeToTask", { id: "t-1" }],
    [
      "CreateTaskPushNotificationConfig",
      { taskId: "t-1", config: { url: "https://client.example/hook" } },
    ],
    ["GetTaskPushNotificationConfig", { taskId: "t-1", id: "c-1" }],
    ["ListTaskPushNotificationConfigs", { taskId: "t-1" }],
    ["DeleteTaskPushNotificationConfig", { taskId: "t-1", id: "c-1" }],
    ["GetExtendedAgentCard", {}],
  ];

  const restCalls: [string, string, Json | undefined][] = [
    ["POST", "/message:send", { message: userMessage("hi") }],
    ["POST", "/message:stream", { message: userMessage("hi") }],
    ["GET", "/tasks/t-1", undefined],
    ["GET", "/tasks", undefined],
    ["POST", "/tasks/t-1:cancel", {}],
    ["GET", "/tasks/t-1:subscribe", undefined],
    ["POST", "/tasks/t-1/pushNotificationConfigs", { url: "https://client.example/hook" }],
    ["GET", "/tasks/t-1/pushNotificationConfigs", undefined],
    ["GET", "/tasks/t-1/pushNotificationConfigs/c-1", undefined],
    ["DELETE", "/tasks/t-1/pushNotificationConfigs/c-1", undefined],
    ["GET", "/extendedAgentCard", undefined],
  ];

  const restRequest = (method: string, path: string, body: Json, headers = {}) =>
    new Request(`${BASE}${path}`, {
      method,
      headers: { "a2a-version": "1.0", "content-type": "application/json", ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  it.each(rpcCalls)(
    "JSON-RPC %s: 401 without credentials, served with them",
    async (method, params) => {
      const before = harness.runs.length;
      const refused = await answer(await harness.a2a.fetch(rpcRequest(method, params)));
      expect401(refused);
      expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="a2a"');
      expect(harness.runs.length).toBe(before);

      const served = await harness.a2a.fetch(rpcRequest(method, params, { headers: BEARER }));
      expect(served.status).not.toBe(401);
      expect(await served.text()).not.toContain("-32030");
    },
  );

  it.each(restCalls)(
    "HTTP+JSON %s %s: 401 without credentials, served with them",
    async (method, path, body) => {
      const before = harness.runs.length;
      const refused = await harness.a2a.fetch(restRequest(method, path, body));
      expect(refused.status).toBe(401);
      expect((await refused.json()).error.status).toBe("UNAUTHENTICATED");
      expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="a2a"');
      expect(harness.runs.length).toBe(before);

      const served = await harness.a2a.fetch(restRequest(method, path, body, BEARER));
      expect(served.status).not.toBe(401);
      expect(await served.text()).not.toContain("UNAUTHENTICATED");
    },
  );

  it("a body that is not even JSON gets 401, not a parse error", async () => {
    const before = harness.runs.length;
    const garbage = (url: string, contentType = "application/json") =>
      new Request(url, {
        method: "POST",
        headers: { "content-type": contentType, "a2a-version": "1.0" },
        body: "{{{ this is not JSON",
      });
    expect401(await answer(await harness.a2a.fetch(garbage(BASE))));
    const rest = await harness.a2a.fetch(garbage(`${BASE}/message:send`));
    expect(rest.status).toBe(401);
    // Not even the content type is looked at before the credentials.
    expect401(await answer(await harness.a2a.fetch(garbage(BASE, "text/plain"))));
    // With credentials, the same body is a parse error.
    const parsed = await harness.a2a.fetch(
      new Request(BASE, {
        method: "POST",
        headers: { "content-type": "application/json", ...BEARER },
        body: "{{{ this is not JSON",
      }),
    );
    expect((await parsed.json()).error.code).toBe(-32700);
    expect(harness.runs.length).toBe(before);
  });

  it("the executor runs only for an authenticated send", async () => {
    const before = harness.runs.length;
    expect401(await send(harness.a2a));
    expect(harness.runs.length).toBe(before);
    expectAccepted(await send(harness.a2a, BEARER), harness, "alice");
  });

  it("the public card stays public and declares the schemes and requirements", async () => {
    const response = await harness.a2a.fetch(cardRequest(CARD_URL));
    expect(response.status).toBe(200);
    const card = await response.json();
    expect(card.securitySchemes).toEqual({
      bearer: { httpAuthSecurityScheme: { scheme: "Bearer", bearerFormat: "opaque" } },
    });
    expect(card.securityRequirements).toEqual([{ schemes: { bearer: {} } }]);
    // Also served under the mount path, and as a 0.3 card, without credentials.
    expect(
      (await harness.a2a.fetch(cardRequest(`${BASE}/.well-known/agent-card.json`))).status,
    ).toBe(200);
    expect((await harness.a2a.fetch(new Request(CARD_URL))).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------
// Credential locations
// ---------------------------------------------------------------------------------------

describe("API keys in each location", () => {
  const seen: string[] = [];
  const lookup = (key: string) => {
    seen.push(key);
    return key === "the-key" ? { id: "keyholder" } : undefined;
  };
  const inHeader = apiKeyScheme({
    name: "h",
    keyName: "X-Api-KEY",
    location: "header",
    verify: lookup,
  });
  const inQuery = apiKeyScheme({
    name: "q",
    keyName: "api_key",
    location: "query",
    verify: lookup,
  });
  const inCookie = apiKeyScheme({
    name: "c",
    keyName: "session",
    location: "cookie",
    verify: lookup,
  });

  afterEach(() => {
    seen.length = 0;
  });

  it("header: the header name is case-insensitive", async () => {
    const harness = agent({ security: [inHeader] });
    expectAccepted(await send(harness.a2a, { "x-api-key": "the-key" }), harness, "keyholder");
    expectAccepted(await send(harness.a2a, { "X-API-KEY": "the-key" }), harness, "keyholder");
    expect401(await send(harness.a2a, { "x-api-key": "another-key" }));
    expect401(await send(harness.a2a, { "x-api-key": "   " }));
  });

  it("header: looked up by its lowercase name through the agent's handle", async () => {
    const harness = agent({ security: [inHeader] });
    const input = (headers: Record<string, string>): HttpInput => {
      // Only lowercase names are found, as the HttpInput contract says.
      const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      return {
        method: "POST",
        path: new URL(BASE).pathname,
        search: "",
        origin: { protocol: "http", host: new URL(BASE).host },
        header: (name) => lower.get(name) ?? null,
        headers: () => new Headers([...lower]),
        text: async () =>
          JSON.stringify({
            jsonrpc: "2.0",
            id: "h-1",
            method: "SendMessage",
            params: { message: userMessage("hi") },
          }),
      };
    };
    const ok = await internalsOf(harness.a2a).handle(
      input({ "content-type": "application/json", "a2a-version": "1.0", "X-Api-Key": "the-key" }),
    );
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body as string).result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const refused = await internalsOf(harness.a2a).handle(
      input({ "content-type": "application/json", "a2a-version": "1.0" }),
    );
    expect(refused.status).toBe(401);
    expect(refused.headers["www-authenticate"]).toBe(
      'APIKey realm="a2a", in="header", name="X-Api-KEY"',
    );
  });

  it("query parameter", async () => {
    const harness = agent({ security: [inQuery] });
    expectAccepted(
      await send(harness.a2a, {}, { url: `${BASE}?api_key=the-key` }),
      harness,
      "keyholder",
    );
    expect401(await send(harness.a2a, {}, { url: `${BASE}?api_key=wrong` }));
    expect401(await send(harness.a2a, {}, { url: `${BASE}?API_KEY=the-key` }));
    // Over HTTP+JSON, beside other query parameters.
    const listed = await harness.a2a.fetch(
      new Request(`${BASE}/tasks?pageSize=5&api_key=the-key`, {
        headers: { "a2a-version": "1.0" },
      }),
    );
    expect(listed.status).toBe(200);
  });

  it("cookie, among other cookies", async () => {
    const harness = agent({ security: [inCookie] });
    expectAccepted(
      await send(harness.a2a, { cookie: "theme=dark; session=the-key; lang=en" }),
      harness,
      "keyholder",
    );
    expectAccepted(await send(harness.a2a, { cookie: 'session="the-key"' }), harness, "keyholder");
    expectAccepted(
      await send(harness.a2a, { cookie: "a=1;session=the%2Dkey" }),
      harness,
      "keyholder",
    );
    expect401(
      await send(harness.a2a, { cookie: "theme=dark; xsession=the-key; sessionx=the-key" }),
    );
    expect401(await send(harness.a2a, { cookie: "session=wrong; theme=dark" }));
  });

  it("a key in the wrong location is not accepted", async () => {
    const header = agent({ security: [inHeader] });
    expect401(await send(header.a2a, {}, { url: `${BASE}?X-Api-KEY=the-key` }));
    expect401(await send(header.a2a, { cookie: "X-Api-KEY=the-key" }));
    const query = agent({ security: [inQuery] });
    expect401(await send(query.a2a, { api_key: "the-key" }));
    expect401(await send(query.a2a, { cookie: "api_key=the-key" }));
    const cookie = agent({ security: [inCookie] });
    expect401(await send(cookie.a2a, { session: "the-key" }));
    expect401(await send(cookie.a2a, {}, { url: `${BASE}?session=the-key` }));
    // The verifier never even saw a key.
    expect(seen).toEqual([]);
    expect(header.runs.length + query.runs.length + cookie.runs.length).toBe(0);
  });

  it("each location is declared on the card", async () => {
    const harness = agent({ security: [inHeader, inQuery, inCookie] });
    const card = await (await harness.a2a.fetch(cardRequest(CARD_URL))).json();
    expect(card.securitySchemes).toEqual({
      h: { apiKeySecurityScheme: { location: "header", name: "X-Api-KEY" } },
      q: { apiKeySecurityScheme: { location: "query", name: "api_key" } },
      c: { apiKeySecurityScheme: { location: "cookie", name: "session" } },
    });
  });
});

describe("HTTP authentication schemes", () => {
  const basicOf = (text: string) => `Basic ${Buffer.from(text, "utf8").toString("base64")}`;

  it("basicScheme: the verifier gets the decoded username and password", async () => {
    const received: { username: string; password: string }[] = [];
    const basic = basicScheme({
      name: "basic",
      verify: (credentials) => {
        received.push(credentials);
        return credentials.username === "alice" && credentials.password === "pä:ss wörd"
          ? { id: `user:${credentials.username}` }
          : undefined;
      },
    });
    const harness = agent({ security: [basic] });
    // The password may contain colons and non-ASCII characters; the scheme name any case.
    expectAccepted(
      await send(harness.a2a, { authorization: basicOf("alice:pä:ss wörd") }),
      harness,
      "user:alice",
    );
    expectAccepted(
      await send(harness.a2a, {
        authorization: basicOf("alice:pä:ss wörd").replace("Basic", "bAsIc"),
      }),
      harness,
      "user:alice",
    );
    expect(received[0]).toEqual({ username: "alice", password: "pä:ss wörd" });
    expect401(await send(harness.a2a, { authorization: basicOf("alice:wrong") }));
    expect(received).toHaveLength(3);
  });

  it("basicScheme: a malformed credential is refused before the verifier sees it", async () => {
    let calls = 0;
    const basic = basicScheme({
      name: "basic",
      verify: () => {
        calls++;
        return { id: "anyone" };
      },
    });
    const harness = agent({ security: [basic] });
    const malformed = [
      "Basic !!!not-base64!!!",
      `Basic ${Buffer.from("no colon here").toString("base64")}`,
      `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString("base64")}`, // not UTF-8
      "Basic YWxpY2U6cGFzcw==garbage",
    ];
    for (const authorization of malformed) {
      const got = await send(harness.a2a, { authorization });
      expect401(got);
      expect(got.headers.get("www-authenticate")).toBe('Basic realm="a2a", charset="UTF-8"');
    }
    expect(calls).toBe(0);
    expect(harness.runs).toHaveLength(0);
    expectAccepted(await send(harness.a2a, { authorization: basicOf("a:b") }), harness, "anyone");
    expect(calls).toBe(1);
  });

  it("httpAuthScheme with a custom scheme name", async () => {
    const signatures: string[] = [];
    const hmac = httpAuthScheme({
      name: "X-My-Scheme",
      scheme: "X-HMAC",
      verify: (credential) => {
        signatures.push(credential);
        return credential === "sig=abc123" ? { id: "signer" } : undefined;
      },
    });
    const harness = agent({ security: [hmac] });
    expectAccepted(
      await send(harness.a2a, { authorization: "X-HMAC sig=abc123" }),
      harness,
      "signer",
    );
    expectAccepted(
      await send(harness.a2a, { authorization: "x-hmac   sig=abc123 " }),
      harness,
      "signer",
    );
    expect(signatures).toEqual(["sig=abc123", "sig=abc123"]);
    const other = await send(harness.a2a, { authorization: "Bearer sig=abc123" });
    expect401(other);
    expect(other.headers.get("www-authenticate")).toBe('X-HMAC realm="a2a"');
    const wrong = await send(harness.a2a, { authorization: "X-HMAC sig=forged" });
    expect(wrong.headers.get("www-authenticate")).toBe(
      'X-HMAC realm="a2a", error="invalid_token", error_description="The credential was not accepted"',
    );
    const card = await (await harness.a2a.fetch(cardRequest(CARD_URL))).json();
    expect(card.securitySchemes).toEqual({
      "X-My-Scheme": { httpAuthSecurityScheme: { scheme: "X-HMAC" } },
    });
    expect(card.securityRequirements).toEqual([{ schemes: { "X-My-Scheme": {} } }]);
  });
});

// ---------------------------------------------------------------------------------------
// Host principals
// ---------------------------------------------------------------------------------------

describe("host principals", () => {
  const sso = bearerScheme({ name: "sso" }); // no verifier: the host app's auth decides
  const host = (principal: Principal): { context: RequestExtras } => ({ context: { principal } });

  it("a scheme without verify is satisfied by RequestExtras.principal", async () => {
    const harness = agent({ security: [sso] });
    const got = await send(harness.a2a, {}, host({ id: "host-user", claims: { via: "sso" } }));
    expectAccepted(got, harness, "host-user");
    expect(harness.runs[0]?.principal?.claims).toEqual({ via: "sso" });
  });

  it("and refused (401) without one, even with a credential it cannot check", async () => {
    const harness = agent({ security: [sso] });
    const got = await send(harness.a2a);
    expect401(got);
    expect(got.headers.get("www-authenticate")).toBe('Bearer realm="a2a"');
    expect401(await send(harness.a2a, { authorization: "Bearer looks-valid" }));
    expect(harness.runs).toHaveLength(0);
  });

  it("a host principal without an id satisfies nothing (401, not an anonymous caller)", async () => {
    const harness = agent({ security: [sso] });
    expect401(await send(harness.a2a, {}, host({ id: "" })));
    expect401(await send(harness.a2a, {}, host({} as Principal)));
    expect(harness.runs).toHaveLength(0);
  });

  it("a scheme with a verifier ignores the host principal", async () => {
    const harness = agent({ security: [bearer] });
    expect401(await send(harness.a2a, {}, host({ id: "host-user" })));
    // The request's own credential decides, and names the caller.
    expectAccepted(await send(harness.a2a, BEARER, host({ id: "host-user" })), harness, "alice");
  });

  it("unless acceptHostPrincipal: true", async () => {
    const lenient = bearerScheme({
      name: "lenient",
      verify: (token) => BEARER_TOKENS.get(token),
      acceptHostPrincipal: true,
    });
    const harness = agent({ security: [lenient] });
    expectAccepted(await send(harness.a2a, {}, host({ id: "host-user" })), harness, "host-user");
    expectAccepted(await send(harness.a2a, BEARER), harness, "alice");
    expect401(await send(harness.a2a));
  });

  it("the scopes of a host principal are checked", async () => {
    const harness = agent({ security: [requireAll(sso.withScopes("admin"))] });
    expectAccepted(
      await send(harness.a2a, {}, host({ id: "root", scopes: ["admin", "user"] })),
      harness,
      "root",
    );
    const denied = await send(harness.a2a, {}, host({ id: "joe", scopes: ["user"] }));
    expect(expect403(denied).message).toBe("Insufficient scope: sso needs admin");
    expect403(await send(harness.a2a, {}, host({ id: "nobody" })));
    expect(harness.runs).toHaveLength(1);
  });

  it("the host principal passes through a2a.handle too", async () => {
    const harness = agent({ security: [sso] });
    const request = rpcRequest("GetTask", { id: "none" });
    const input = (principal?: Principal): HttpInput => ({
      method: "POST",
      path: new URL(request.url).pathname,
      search: "",
      origin: { protocol: "http", host: new URL(request.url).host },
      header: (name) => request.headers.get(name),
      headers: () => request.headers,
      text: async () =>
        JSON.stringify({ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "x" } }),
      principal,
    });
    expect((await internalsOf(harness.a2a).handle(input())).status).toBe(401);
    const served = await internalsOf(harness.a2a).handle(input({ id: "host-user" }));
    expect(JSON.parse(served.body as string).error.code).toBe(-32001);
  });
});

// ---------------------------------------------------------------------------------------
// Per-skill security
// ---------------------------------------------------------------------------------------

describe("per-skill security", () => {
  const skills = [
    { id: "public", name: "Public", description: "Anyone", tags: ["open"] },
    {
      id: "secret",
      name: "Secret",
      description: "Bearer callers only",
      tags: ["closed"],
      security: [requireAll(bearer)],
    },
    {
      id: "admin",
      name: "Admin",
      description: "Admin scope only",
      tags: ["closed"],
      security: [requireAll(oauth.withScopes("admin"))],
    },
  ];
  const skillFor = (message: { metadata?: Record<string, unknown> }) =>
    message.metadata?.skill as string | undefined;
  const forSkill = (skill: string | undefined) =>
    userMessage("hi", skill === undefined ? {} : { metadata: { skill } });

  it("the protected skill refuses without credentials, with the JSON-RPC id echoed", async () => {
    const harness = agent({ card: { ...testCard, skills }, skillFor });
    const got = await send(harness.a2a, {}, { id: "req-7", message: forSkill("secret") });
    const error = expect401(got, "req-7");
    expect(error.message).toBe("Authentication required: send credentials for bearer");
    expect(got.headers.get("www-authenticate")).toBe('Bearer realm="a2a"');
    expect(harness.runs).toHaveLength(0);
    expectAccepted(
      await send(harness.a2a, BEARER, { message: forSkill("secret") }),
      harness,
      "alice",
    );
  });

  it("a skill's scopes give a 403, id echoed", async () => {
    const harness = agent({ card: { ...testCard, skills }, skillFor });
    const got = await send(harness.a2a, oauthToken("oauth-a"), {
      id: 9,
      message: forSkill("admin"),
    });
    expect(expect403(got, 9).message).toBe("Insufficient scope: oauth needs admin");
    expect(harness.runs).toHaveLength(0);
  });

  it("the unprotected skill accepts anyone, and still identifies who calls", async () => {
    const harness = agent({ card: { ...testCard, skills }, skillFor });
    expectAccepted(
      await send(harness.a2a, {}, { message: forSkill("public") }),
      harness,
      undefined,
    );
    expectAccepted(
      await send(harness.a2a, {}, { message: forSkill(undefined) }),
      harness,
      undefined,
    );
    expectAccepted(
      await send(harness.a2a, BEARER, { message: forSkill("public") }),
      harness,
      "alice",
    );
  });

  it("the skill is enforced over HTTP+JSON too", async () => {
    const harness = agent({ card: { ...testCard, skills }, skillFor });
    const response = await harness.a2a.fetch(
      new Request(`${BASE}/message:send`, {
        method: "POST",
        headers: { "content-type": "application/json", "a2a-version": "1.0" },
        body: JSON.stringify({ message: forSkill("secret") }),
      }),
    );
    expect(response.status).toBe(401);
    expect((await response.json()).error.status).toBe("UNAUTHENTICATED");
  });

  it("an unknown skill id is INVALID_PARAMS", async () => {
    const harness = agent({ card: { ...testCard, skills }, skillFor });
    const got = await send(harness.a2a, BEARER, { id: 5, message: forSkill("nope") });
    expectRpcError(got, { status: 200, code: -32602, reason: "INVALID_PARAMS", id: 5 });
    expect(got.body.error.message).toContain("nope");
    expect(harness.runs).toHaveLength(0);
  });

  it("a single-skill agent needs no skillFor", async () => {
    const harness = agent({
      card: { ...testCard, skills: [{ ...skills[1]!, id: "only" }] },
    });
    expect401(await send(harness.a2a, {}, { id: "x" }), "x");
    expectAccepted(await send(harness.a2a, BEARER), harness, "alice");
  });

  it("several skills with security and no skillFor: createA2A throws a TypeError", () => {
    expect(() => agent({ card: { ...testCard, skills } })).toThrow(TypeError);
    expect(() => agent({ card: { ...testCard, skills } })).toThrow(/skillFor/);
  });

  it("the card declares each skill's requirements and every scheme", async () => {
    const harness = agent({ card: { ...testCard, skills }, skillFor });
    const card = await (await harness.a2a.fetch(cardRequest(CARD_URL))).json();
    expect(card.securityRequirements).toBeUndefined();
    expect(Object.keys(card.securitySchemes).sort()).toEqual(["bearer", "oauth"]);
    expect(card.skills[0].securityRequirements).toBeUndefined();
    expect(card.skills[1].securityRequirements).toEqual([{ schemes: { bearer: {} } }]);
    expect(card.skills[2].securityRequirements).toEqual([
      { schemes: { oauth: { list: ["admin"] } } },
    ]);
  });
});

describe("ctx.call.authorize from inside the executor", () => {
  const adminKey = apiKeyScheme({
    name: "adminKey",
    keyName: "X-Admin-Key",
    location: "header",
    verify: (key) => (key === "root-key" ? { id: "root", scopes: ["danger"] } : undefined),
  });
  const outcomes: (Principal | undefined)[] = [];
  const a2a = makeAgent({
    security: [requireAll(bearer)],
    executor: async (ctx, task) => {
      if (ctx.text === "bearer again") {
        outcomes.push(await ctx.call.authorize([requireAll(bearer)]));
      } else if (ctx.text === "danger") {
        outcomes.push(await ctx.call.authorize([requireAll(adminKey.withScopes("danger"))]));
      } else if (ctx.text === "too much") {
        outcomes.push(await ctx.call.authorize([requireAll(adminKey.withScopes("more"))]));
      } else if (ctx.text === "late") {
        await task.working("checking");
        try {
          await ctx.call.authorize([adminKey]);
        } catch (error) {
          await task.fail(`refused: ${(error as A2AError).kind} ${(error as A2AError).httpStatus}`);
          return;
        }
      }
      await task.complete("done");
    },
  });
  const say = (text: string, headers: Record<string, string>, id = 1) =>
    send(a2a, headers, { message: userMessage(text), id });

  beforeEach(() => {
    outcomes.length = 0;
  });

  it("accepts, resolving to the principal of the scheme met", async () => {
    const got = await say("danger", { ...BEARER, "x-admin-key": "root-key" });
    expect(got.body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(outcomes.map((p) => p?.id)).toEqual(["root"]);
  });

  it("refuses with a 401 the caller sees (id echoed) when thrown before the task exists", async () => {
    const got = await say("danger", BEARER, 77);
    const error = expect401(got, 77);
    expect(error.message).toBe("Authentication required: send credentials for adminKey");
    expect(got.headers.get("www-authenticate")).toBe(
      'APIKey realm="a2a", in="header", name="X-Admin-Key"',
    );
    expect(outcomes).toEqual([]);
  });

  it("refuses with a 403 for a missing scope", async () => {
    const got = await say("too much", { ...BEARER, "x-admin-key": "root-key" }, 78);
    expect(expect403(got, 78).message).toBe("Insufficient scope: adminKey needs more");
  });

  it("rejects with an A2AError the agent can catch", async () => {
    const got = await say("late", BEARER);
    const { status } = got.body.result.task;
    expect(status.state).toBe("TASK_STATE_FAILED");
    expect(status.message.parts[0].text).toBe("refused: UNAUTHENTICATED 401");
  });

  it("judges a scheme once per request however often it is named", async () => {
    const before = bearerVerifications;
    const got = await say("bearer again", BEARER);
    expect(got.body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(outcomes.map((p) => p?.id)).toEqual(["alice"]);
    expect(bearerVerifications - before).toBe(1);
  });

  it("works without any declared security, against the host principal", async () => {
    const seen: (Principal | undefined)[] = [];
    const open = makeAgent({
      executor: async (ctx, task) => {
        seen.push(await ctx.call.authorize([bearerScheme({ name: "host" })]));
        await task.complete("ok");
      },
    });
    const ok = await send(open, {}, { context: { principal: { id: "h" } } });
    expect(ok.body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(seen.map((p) => p?.id)).toEqual(["h"]);
    expect401(await send(open, {}, { id: 3 }), 3);
  });
});

// ---------------------------------------------------------------------------------------
// Optional auth
// ---------------------------------------------------------------------------------------

describe("requireAll() makes auth optional", () => {
  it.each([
    ["bearer, then none", () => [requireAll(bearer), requireAll()]],
    ["none, then bearer", () => [requireAll(), requireAll(bearer)]],
  ] as [string, () => SecurityInput][])("%s", async (_label, security) => {
    const harness = agent({ security: security() });
    // Anonymous callers are let in.
    expectAccepted(await send(harness.a2a), harness, undefined);
    // Valid credentials name the caller.
    const mine = await send(harness.a2a, BEARER);
    expectAccepted(mine, harness, "alice");
    // A host principal is the caller when no credential is sent.
    expectAccepted(
      await send(harness.a2a, {}, { context: { principal: { id: "h" } } }),
      harness,
      "h",
    );
  });

  it("the task is owned by the principal", async () => {
    const harness = agent({ security: [requireAll(bearer), requireAll()] });
    const created = await send(harness.a2a, BEARER);
    const taskId = created.body.result.task.id;
    const byOwner = await answer(
      await harness.a2a.fetch(rpcRequest("GetTask", { id: taskId }, { headers: BEARER })),
    );
    expect(byOwner.body.result.id).toBe(taskId);
    const anonymous = await answer(await harness.a2a.fetch(rpcRequest("GetTask", { id: taskId })));
    expect(anonymous.body.error.code).toBe(-32001);
    const other = await answer(
      await harness.a2a.fetch(
        rpcRequest("GetTask", { id: taskId }, { headers: { authorization: "Bearer tok-carol" } }),
      ),
    );
    expect(other.body.error.code).toBe(-32001);
    const listed = await answer(await harness.a2a.fetch(rpcRequest("ListTasks", {})));
    expect(listed.body.result.tasks).toEqual([]);
    const mine = await answer(
      await harness.a2a.fetch(rpcRequest("ListTasks", {}, { headers: BEARER })),
    );
    expect(mine.body.result.tasks.map((t: Json) => t.id)).toEqual([taskId]);
  });

  it("the card declares the empty alternative", async () => {
    const harness = agent({ security: [requireAll(bearer), requireAll()] });
    const card = await (await harness.a2a.fetch(cardRequest(CARD_URL))).json();
    expect(card.securityRequirements).toEqual([{ schemes: { bearer: {} } }, {}]);
  });
});

// ---------------------------------------------------------------------------------------
// Startup validation
// ---------------------------------------------------------------------------------------

describe("startup validation", () => {
  const base = { card: testCard, executor: () => undefined, logger: silentLogger };

  it("two different schemes with the same name: TypeError", () => {
    const one = bearerScheme({ name: "dup" });
    const two = apiKeyScheme({ name: "dup", keyName: "k", location: "header" });
    expect(() => createA2A({ ...base, security: [one, two] })).toThrow(TypeError);
    expect(() => createA2A({ ...base, security: [requireAll(one, two)] })).toThrow(
      /two different security schemes are named "dup"/,
    );
    // Across the agent and a skill too.
    expect(() =>
      createA2A({
        ...base,
        security: [one],
        card: { ...testCard, skills: [{ ...testCard.skills[0]!, security: [two] }] },
      }),
    ).toThrow(/"dup"/);
    // One scheme used in several places is fine.
    expect(() =>
      createA2A({
        ...base,
        security: [one, requireAll(one.withScopes("x"))],
        card: { ...testCard, skills: [{ ...testCard.skills[0]!, security: [one] }] },
      }),
    ).not.toThrow();
  });

  it("a skill with raw securityRequirements is refused", () => {
    const skill = {
      ...testCard.skills[0]!,
      securityRequirements: [{ schemes: { bearer: {} } }],
    };
    const create = () =>
      createA2A({ ...base, card: { ...testCard, skills: [skill] } as A2AOptions["card"] });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(/securityRequirements/);
  });

  it("a security list of something else is refused", () => {
    expect(() =>
      createA2A({ ...base, security: [{ name: "bearer" }] as unknown as SecurityInput }),
    ).toThrow(/security/);
  });
});

// ---------------------------------------------------------------------------------------
// Verifier failures and redaction
// ---------------------------------------------------------------------------------------

interface Captured {
  logger: Logger;
  lines: [string, string, Record<string, unknown> | undefined][];
}

function captureLogger(): Captured {
  const lines: Captured["lines"] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push([level, message, fields]);
    };
  return {
    lines,
    logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
  };
}

describe("a verifier that throws", () => {
  it("answers an internal error (500 over HTTP+JSON) and logs it", async () => {
    const { logger, lines } = captureLogger();
    const broken = bearerScheme({
      name: "broken",
      verify: () => {
        throw new Error("the token database is down");
      },
    });
    const harness = agent({ security: [broken], logger });
    const rest = await sendRest(harness.a2a, { authorization: "Bearer some-token" });
    expect(rest.status).toBe(500);
    expect(rest.body.error).toMatchObject({
      code: 500,
      status: "INTERNAL",
      message: "Internal error",
    });
    expect(rest.headers.get("www-authenticate")).toBeNull();

    // JSON-RPC carries it as -32603 (with its binding's usual HTTP status).
    const rpc = await send(harness.a2a, { authorization: "Bearer some-token" });
    expect(rpc.body.error.code).toBe(-32603);
    expect(rpc.body.error.message).toBe("Internal error");
    expect(errorInfo(rpc.body.error.data).reason).toBe("INTERNAL");
    expect(harness.runs).toHaveLength(0);

    const logged = lines.filter(([level]) => level === "error");
    expect(logged).toHaveLength(2);
    expect(logged[0]?.[1]).toBe("security scheme verifier failed");
    expect(logged[0]?.[2]).toEqual({
      scheme: "broken",
      error: "Error: the token database is down",
    });
    // Without a credential the verifier is not asked, so a plain 401.
    expect401(await send(harness.a2a));
  });

  it("a verifier that returns a principal without an id is a server fault, not anonymous", async () => {
    const { logger, lines } = captureLogger();
    const sloppy = apiKeyScheme({
      name: "sloppy",
      keyName: "X-API-Key",
      location: "header",
      verify: () => ({ scopes: ["all"] }) as unknown as Principal,
    });
    const harness = agent({ security: [sloppy], logger });
    const rest = await sendRest(harness.a2a, { "x-api-key": "any-key-at-all" });
    expect(rest.status).toBe(500);
    expect(harness.runs).toHaveLength(0);
    expect(lines.find(([level]) => level === "error")?.[2]).toEqual({
      scheme: "sloppy",
      error: "TypeError: the verifier of sloppy returned no principal id",
    });
  });

  it("a throwing async verifier is no different, and the public card still answers", async () => {
    const { logger, lines } = captureLogger();
    const broken = apiKeyScheme({
      name: "keys",
      keyName: "X-API-Key",
      location: "header",
      verify: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        throw new TypeError("lookup failed");
      },
    });
    const principals: (Principal | undefined)[] = [];
    const harness = agent({
      security: [broken],
      logger,
      // A modifier makes the card identify its caller, so the verifier is asked.
      cardModifier: (card, context) => {
        principals.push(context.principal);
        return card;
      },
    });
    const got = await sendRest03(harness.a2a, { "x-api-key": "whatever" });
    expect(got.status).toBe(500);
    const card = await harness.a2a.fetch(cardRequest(CARD_URL, { headers: { "x-api-key": "x" } }));
    expect(card.status).toBe(200);
    expect(principals).toEqual([undefined]);
    expect(
      lines.filter(([, message]) => message === "security scheme verifier failed"),
    ).toHaveLength(2);
  });
});

describe("no credential ever appears in logs or error messages", () => {
  const BEARER_SECRET = "brr-7Q2x-SECRET-bearer-token";
  const KEY_SECRET = "key-9Z3w-SECRET-api-key";
  const BASIC_PASSWORD = "pw-4K8v-SECRET-basic-pass";
  const COOKIE_SECRET = "ck-6M1n-SECRET-cookie-val";
  const BASIC_TOKEN = Buffer.from(`alice:${BASIC_PASSWORD}`).toString("base64");
  const SECRETS = [BEARER_SECRET, KEY_SECRET, BASIC_PASSWORD, COOKIE_SECRET, BASIC_TOKEN, "SECRET"];

  let spies: MockInstance[] = [];
  beforeEach(() => {
    spies = (["log", "info", "warn", "error", "debug", "trace"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation(() => {}),
    );
  });
  afterEach(() => {
    for (const spy of spies) spy.mockRestore();
  });

  type Mode = "refuse" | "throw" | "invalid";
  /** What a verifier does with the credential it got. */
  const judge = (mode: Mode, credential: string): Principal | undefined => {
    if (mode === "throw") throw new Error(`lookup failed for ${credential}`);
    if (mode === "invalid") throw new InvalidCredentialError(`credential ${credential} is revoked`);
    return undefined;
  };

  function schemes(mode: Mode): SecurityInput {
    return [
      bearerScheme({ name: "bearer", verify: (token) => judge(mode, token) }),
      apiKeyScheme({
        name: "apiKey",
        keyName: "X-API-Key",
        location: "header",
        verify: (key) => judge(mode, key),
      }),
      apiKeyScheme({
        name: "queryKey",
        keyName: "key",
        location: "query",
        verify: (key) => judge(mode, key),
      }),
      basicScheme({
        name: "basic",
        verify: ({ username, password }) => judge(mode, `${username}:${password}`),
      }),
      apiKeyScheme({
        name: "cookie",
        keyName: "sid",
        location: "cookie",
        verify: (key) => judge(mode, `sid=${key}`),
      }),
    ];
  }

  const credentials: [string, Record<string, string>, string][] = [
    ["bearer", { authorization: `Bearer ${BEARER_SECRET}` }, ""],
    ["api key header", { "x-api-key": KEY_SECRET }, ""],
    ["api key query", {}, `?key=${KEY_SECRET}`],
    ["basic", { authorization: `Basic ${BASIC_TOKEN}` }, ""],
    ["cookie", { cookie: `theme=dark; sid=${COOKIE_SECRET}; lang=en` }, ""],
  ];

  /** Every way to reach the agent with these credentials, with the binding each uses. */
  function requests(
    headers: Record<string, string>,
    query: string,
  ): [Request, "rpc" | "rest" | "card"][] {
    const json = { "content-type": "application/json", ...headers };
    const v1 = { ...json, "a2a-version": "1.0" };
    return [
      [
        new Request(`${BASE}${query}`, {
          method: "POST",
          headers: v1,
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method: "SendMessage",
            params: { message: userMessage("hi") },
          }),
        }),
        "rpc",
      ],
      [
        new Request(`${BASE}${query}`, {
          method: "POST",
          headers: v1,
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 2,
            method: "SendStreamingMessage",
            params: { message: userMessage("hi") },
          }),
        }),
        "rpc",
      ],
      [
        new Request(`${BASE}/message:send${query}`, {
          method: "POST",
          headers: v1,
          body: JSON.stringify({ message: userMessage("hi") }),
        }),
        "rest",
      ],
      [new Request(`${BASE}/tasks${query}`, { headers: v1 }), "rest"],
      [
        new Request(`${BASE}${query}`, {
          method: "POST",
          headers: json,
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 3,
            method: "message/send",
            params: { message: message03("hi") },
          }),
        }),
        "rpc",
      ],
      [
        new Request(`${BASE}/v1/message:send${query}`, {
          method: "POST",
          headers: json,
          body: JSON.stringify({ message: message03("hi") }),
        }),
        "rest",
      ],
      [
        new Request(`${CARD_URL}${query}`, { headers: { ...headers, "a2a-version": "1.0" } }),
        "card",
      ],
    ];
  }

  it.each(["refuse", "throw", "invalid"] as Mode[])(
    "when the verifier's answer is %s",
    async (mode) => {
      const { logger, lines } = captureLogger();
      // The modifier makes card requests identify the caller: the verifiers run there too.
      const harness = agent({ security: schemes(mode), logger, cardModifier: (card) => card });
      const responses: string[] = [];
      for (const [, headers, query] of credentials) {
        for (const [request, binding] of requests(headers, query)) {
          const response = await harness.a2a.fetch(request);
          // A failing verifier is the server's fault: 500 (JSON-RPC: -32603 in its usual 200).
          const expected = { refuse: 401, invalid: 401, throw: binding === "rest" ? 500 : 200 }[
            mode
          ];
          expect(response.status).toBe(binding === "card" ? 200 : expected);
          responses.push(
            JSON.stringify([response.status, [...response.headers], await response.text()]),
          );
        }
      }
      expect(harness.runs).toHaveLength(0);

      const safeStringify = (value: unknown) =>
        JSON.stringify(value, (_key, v) =>
          v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v,
        );
      const consoleText = spies.map((spy) => safeStringify(spy.mock.calls)).join("\n");
      const logText = safeStringify(lines);
      for (const secret of SECRETS) {
        for (const text of [...responses, logText, consoleText]) expect(text).not.toContain(secret);
      }
      if (mode === "throw") {
        // Failures were logged, with the credential redacted rather than dropped silently.
        const failures = lines.filter(
          ([, message]) => message === "security scheme verifier failed",
        );
        expect(failures.length).toBeGreaterThanOrEqual(credentials.length);
        expect(logText).toContain("lookup failed for [redacted]");
        expect(logText).toContain("lookup failed for alice:[redacted]");
        expect(logText).toContain("lookup failed for sid=[redacted]");
      }
      if (mode === "invalid") {
        // The reason reaches the client, redacted.
        expect(responses.join("\n")).toContain("credential [redacted] is revoked");
      }
    },
  );

  it("the default console logger gets nothing secret either", async () => {
    const a2a = createA2A({
      card: testCard,
      basePath: "/a2a",
      executor: () => undefined,
      security: schemes("throw"),
    });
    for (const [, headers, query] of credentials) {
      for (const [request] of requests(headers, query)) await (await a2a.fetch(request)).text();
    }
    const consoleText = spies.map((spy) => JSON.stringify(spy.mock.calls)).join("\n");
    expect(consoleText).toContain("security scheme verifier failed");
    for (const secret of SECRETS) expect(consoleText).not.toContain(secret);
  });
});
