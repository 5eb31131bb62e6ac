import {
  createPublicKey,
  verify as cryptoVerify,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { JSONWebKeySet, JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type A2A,
  type A2AOptions,
  apiKeyScheme,
  basicScheme,
  bearerScheme,
  type CardContext,
  canonicalCard,
  httpAuthScheme,
  mtlsScheme,
  oauth2Scheme,
  openIdConnectScheme,
  type Principal,
  type RequestExtras,
  requireAll,
  verifyAgentCard,
} from "../src/index.js";
import { BASE, type Json, makeAgent, rpcRequest, testCard } from "./helpers.js";

const executor = () => undefined;
const CARD_URL = "http://agent.test/.well-known/agent-card.json";

// ---------------------------------------------------------------------------------------------
// Helpers

/** Tokens a test bearer scheme knows. */
const PRINCIPALS: Record<string, Principal> = {
  "alice-token": { id: "alice", scopes: ["a2a:call"] },
  "bob-token": { id: "bob", scopes: ["a2a:call"] },
};

const bearerVerify = (token: string) => PRINCIPALS[token];

/** Fetches the public card: 1.0 with `version: "1.0"`, 0.3 (no A2A-Version header) otherwise. */
async function fetchCard(
  a2a: A2A,
  options: {
    version?: "1.0" | "0.3";
    headers?: Record<string, string>;
    context?: RequestExtras;
    url?: string;
  } = {},
): Promise<{ response: Response; card: Json }> {
  const headers = new Headers(options.headers);
  headers.set("a2a-version", options.version ?? "1.0");
  const response = await a2a.fetch(
    new Request(options.url ?? CARD_URL, { headers }),
    options.context,
  );
  const text = await response.text();
  return { response, card: text === "" ? undefined : JSON.parse(text) };
}

const bearerHeader = (token: string) => ({ authorization: `Bearer ${token}` });

/** An RFC 8785 (JCS) serialisation, written here so the check does not rely on our code. */
function jcs(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new TypeError("JCS has no form for non-finite numbers");
    }
    // ECMAScript JSON.stringify gives RFC 8785's string and number forms.
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(jcs).join(",")}]`;
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${jcs(record[key])}`).join(",")}}`;
}

const b64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");
const decodeHeader = (protectedHeader: string): Json =>
  JSON.parse(Buffer.from(protectedHeader, "base64url").toString("utf8"));

type Alg = "ES256" | "EdDSA" | "RS256";

/**
 * Checks `card.signatures[0]` over the JCS form of the card as served minus `signatures`,
 * with node:crypto only (a served card has no default values left to strip).
 */
function verifiesIndependently(card: Json, publicKey: KeyObject, alg: Alg): boolean {
  const { signatures, ...unsigned } = card;
  const [signature] = signatures as { protected: string; signature: string }[];
  const input = Buffer.from(`${signature!.protected}.${b64url(jcs(unsigned))}`, "ascii");
  const bytes = Buffer.from(signature!.signature, "base64url");
  switch (alg) {
    case "ES256":
      return cryptoVerify("sha256", input, { key: publicKey, dsaEncoding: "ieee-p1363" }, bytes);
    case "EdDSA":
      return cryptoVerify(null, input, publicKey, bytes);
    case "RS256":
      return cryptoVerify("sha256", input, publicKey, bytes);
  }
}

/** A signing key in the forms the tests need. */
interface TestKey {
  alg: Alg;
  /** What `cardSigning.privateKey` gets: a CryptoKey or a private JWK. */
  privateKey: CryptoKey | JsonWebKey;
  /** For node:crypto verification. */
  publicKeyObject: KeyObject;
  /** Public JWK (no `kid`). */
  publicJwk: JsonWebKey;
  /** For verifyAgentCard's `key`. */
  publicKey: CryptoKey | JsonWebKey;
}

async function es256CryptoKey(): Promise<TestKey> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]);
  const publicJwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  return {
    alg: "ES256",
    privateKey: pair.privateKey,
    publicKeyObject: createPublicKey({ key: publicJwk, format: "jwk" }),
    publicJwk,
    publicKey: pair.publicKey,
  };
}

function nodeKey(alg: "EdDSA" | "RS256"): TestKey {
  const pair =
    alg === "EdDSA"
      ? generateKeyPairSync("ed25519")
      : generateKeyPairSync("rsa", { modulusLength: 2048 });
  const publicJwk = pair.publicKey.export({ format: "jwk" });
  return {
    alg,
    privateKey: pair.privateKey.export({ format: "jwk" }),
    publicKeyObject: pair.publicKey,
    publicJwk,
    publicKey: publicJwk,
  };
}

const KID = "card-key-1";
const JKU = "https://agent.test/.well-known/jwks.json";

function signing(key: TestKey): NonNullable<A2AOptions["cardSigning"]> {
  return {
    privateKey: key.privateKey as NonNullable<A2AOptions["cardSigning"]>["privateKey"],
    alg: key.alg,
    kid: KID,
    jku: JKU,
  };
}

// ---------------------------------------------------------------------------------------------
// Schemes used by the declaration tests

const bearer = bearerScheme({
  name: "bearer",
  bearerFormat: "JWT",
  description: "A JWT from our issuer",
  verify: bearerVerify,
});
const basic = basicScheme({
  name: "basic",
  verify: ({ username, password }) =>
    username === "carol" && password === "secret" ? { id: "carol" } : undefined,
});
const hmac = httpAuthScheme({
  name: "hmac",
  scheme: "HMAC-SHA256",
  description: "Signed requests",
  verify: (credential) => (credential === "good-mac" ? { id: "mac" } : undefined),
});
const headerKey = apiKeyScheme({
  name: "headerKey",
  keyName: "X-API-Key",
  location: "header",
  description: "A key in a header",
  verify: (key) => (key === "header-key" ? { id: "header-client" } : undefined),
});
const queryKey = apiKeyScheme({
  name: "queryKey",
  keyName: "api_key",
  location: "query",
  verify: (key) => (key === "query-key" ? { id: "query-client" } : undefined),
});
const cookieKey = apiKeyScheme({
  name: "cookieKey",
  keyName: "session",
  location: "cookie",
  verify: (key) => (key === "cookie-key" ? { id: "cookie-client" } : undefined),
});
const oauthCode = oauth2Scheme({
  name: "oauthCode",
  description: "Users sign in",
  oauth2MetadataUrl: "https://issuer.example/.well-known/oauth-authorization-server",
  flows: {
    authorizationCode: {
      authorizationUrl: "https://issuer.example/authorize",
      tokenUrl: "https://issuer.example/token",
      refreshUrl: "https://issuer.example/refresh",
      scopes: { admin: "Administer", write: "Write" },
      pkceRequired: true,
    },
  },
});
const oauthClient = oauth2Scheme({
  name: "oauthClient",
  flows: {
    clientCredentials: {
      tokenUrl: "https://issuer.example/token",
      scopes: { admin: "Administer" },
    },
  },
});
const oauthDevice = oauth2Scheme({
  name: "oauthDevice",
  oauth2MetadataUrl: "https://issuer.example/.well-known/oauth-authorization-server",
  flows: {
    deviceCode: {
      deviceAuthorizationUrl: "https://issuer.example/device",
      tokenUrl: "https://issuer.example/token",
      scopes: { tv: "Watch" },
    },
  },
});
const oidc = openIdConnectScheme({
  name: "oidc",
  url: "https://accounts.example/.well-known/openid-configuration",
  description: "Sign in with Example",
});
const mtls = mtlsScheme({ name: "mtls", description: "Client certificates" });

const allSchemesCard: A2AOptions["card"] = {
  ...testCard,
  skills: [
    { id: "echo", name: "Echo", description: "Echoes text", tags: ["test"] },
    {
      id: "admin",
      name: "Admin",
      description: "Administers",
      tags: ["admin"],
      security: [
        requireAll(oauthCode.withScopes("admin", "write")),
        oauthClient.withScopes("admin"),
      ],
    },
    {
      id: "device",
      name: "Device",
      description: "For devices",
      tags: ["device"],
      // bearer is also used agent-wide: declared once.
      security: [oauthDevice, cookieKey, bearer],
    },
    {
      id: "legacy",
      name: "Legacy",
      description: "Old clients",
      tags: ["legacy"],
      security: [requireAll(basic, hmac)],
    },
  ],
};

function allSchemesAgent(overrides: Partial<A2AOptions> = {}): A2A {
  return makeAgent({
    executor,
    card: allSchemesCard,
    security: [
      requireAll(bearer.withScopes("a2a:call")),
      requireAll(headerKey, mtls),
      oidc,
      queryKey,
    ],
    skillFor: () => undefined,
    ...overrides,
  });
}

// ---------------------------------------------------------------------------------------------

describe("card security declaration (derived from the enforced requirements)", () => {
  it("declares every scheme of the agent and its skills in the 1.0 card, each once", async () => {
    const { response, card } = await fetchCard(allSchemesAgent());
    expect(response.status).toBe(200);
    expect(card.securitySchemes).toEqual({
      bearer: {
        httpAuthSecurityScheme: {
          scheme: "Bearer",
          bearerFormat: "JWT",
          description: "A JWT from our issuer",
        },
      },
      basic: { httpAuthSecurityScheme: { scheme: "Basic" } },
      hmac: { httpAuthSecurityScheme: { scheme: "HMAC-SHA256", description: "Signed requests" } },
      headerKey: {
        apiKeySecurityScheme: {
          location: "header",
          name: "X-API-Key",
          description: "A key in a header",
        },
      },
      queryKey: { apiKeySecurityScheme: { location: "query", name: "api_key" } },
      cookieKey: { apiKeySecurityScheme: { location: "cookie", name: "session" } },
      oauthCode: {
        oauth2SecurityScheme: {
          description: "Users sign in",
          oauth2MetadataUrl: "https://issuer.example/.well-known/oauth-authorization-server",
          flows: {
            authorizationCode: {
              authorizationUrl: "https://issuer.example/authorize",
              tokenUrl: "https://issuer.example/token",
              refreshUrl: "https://issuer.example/refresh",
              scopes: { admin: "Administer", write: "Write" },
              pkceRequired: true,
            },
          },
        },
      },
      oauthClient: {
        oauth2SecurityScheme: {
          flows: {
            clientCredentials: {
              tokenUrl: "https://issuer.example/token",
              scopes: { admin: "Administer" },
            },
          },
        },
      },
      oauthDevice: {
        oauth2SecurityScheme: {
          oauth2MetadataUrl: "https://issuer.example/.well-known/oauth-authorization-server",
          flows: {
            deviceCode: {
              deviceAuthorizationUrl: "https://issuer.example/device",
              tokenUrl: "https://issuer.example/token",
              scopes: { tv: "Watch" },
            },
          },
        },
      },
      oidc: {
        openIdConnectSecurityScheme: {
          openIdConnectUrl: "https://accounts.example/.well-known/openid-configuration",
          description: "Sign in with Example",
        },
      },
      mtls: { mtlsSecurityScheme: { description: "Client certificates" } },
    });
  });

  it("lists the agent's requirements in order, in the proto JSON shape", async () => {
    const { card } = await fetchCard(allSchemesAgent());
    // An empty scope list is the proto default of StringList.list, so it is left out.
    expect(card.securityRequirements).toEqual([
      { schemes: { bearer: { list: ["a2a:call"] } } },
      { schemes: { headerKey: {}, mtls: {} } },
      { schemes: { oidc: {} } },
      { schemes: { queryKey: {} } },
    ]);
    expect(Object.keys(card.securityRequirements[1].schemes)).toEqual(["headerKey", "mtls"]);
  });

  it("gives skills their securityRequirements from their security", async () => {
    const { card } = await fetchCard(allSchemesAgent());
    const byId = Object.fromEntries(card.skills.map((skill: Json) => [skill.id, skill]));
    expect(byId.echo).toEqual({
      id: "echo",
      name: "Echo",
      description: "Echoes text",
      tags: ["test"],
    });
    expect(byId.admin.securityRequirements).toEqual([
      { schemes: { oauthCode: { list: ["admin", "write"] } } },
      { schemes: { oauthClient: { list: ["admin"] } } },
    ]);
    expect(byId.device.securityRequirements).toEqual([
      { schemes: { oauthDevice: {} } },
      { schemes: { cookieKey: {} } },
      { schemes: { bearer: {} } },
    ]);
    expect(byId.legacy.securityRequirements).toEqual([{ schemes: { basic: {}, hmac: {} } }]);
    for (const skill of card.skills) expect(skill).not.toHaveProperty("security");
  });

  it("declares the same in the OpenAPI shapes of the 0.3 card", async () => {
    const { response, card } = await fetchCard(allSchemesAgent(), { version: "0.3" });
    expect(response.status).toBe(200);
    expect(card.protocolVersion).toBe("0.3.0");
    expect(card.securitySchemes).toEqual({
      bearer: {
        type: "http",
        scheme: "Bearer",
        bearerFormat: "JWT",
        description: "A JWT from our issuer",
      },
      basic: { type: "http", scheme: "Basic" },
      hmac: { type: "http", scheme: "HMAC-SHA256", description: "Signed requests" },
      headerKey: {
        type: "apiKey",
        in: "header",
        name: "X-API-Key",
        description: "A key in a header",
      },
      queryKey: { type: "apiKey", in: "query", name: "api_key" },
      cookieKey: { type: "apiKey", in: "cookie", name: "session" },
      oauthCode: {
        type: "oauth2",
        description: "Users sign in",
        oauth2MetadataUrl: "https://issuer.example/.well-known/oauth-authorization-server",
        flows: {
          authorizationCode: {
            authorizationUrl: "https://issuer.example/authorize",
            tokenUrl: "https://issuer.example/token",
            refreshUrl: "https://issuer.example/refresh",
            scopes: { admin: "Administer", write: "Write" },
          },
        },
      },
      oauthClient: {
        type: "oauth2",
        flows: {
          clientCredentials: {
            tokenUrl: "https://issuer.example/token",
            scopes: { admin: "Administer" },
          },
        },
      },
      // 0.3 has no device code flow; the metadata URL still lets a client discover it.
      oauthDevice: {
        type: "oauth2",
        oauth2MetadataUrl: "https://issuer.example/.well-known/oauth-authorization-server",
        flows: {},
      },
      oidc: {
        type: "openIdConnect",
        openIdConnectUrl: "https://accounts.example/.well-known/openid-configuration",
        description: "Sign in with Example",
      },
      mtls: { type: "mutualTLS", description: "Client certificates" },
    });
    expect(card.security).toEqual([
      { bearer: ["a2a:call"] },
      { headerKey: [], mtls: [] },
      { oidc: [] },
      { queryKey: [] },
    ]);
    expect(card).not.toHaveProperty("securityRequirements");
    const byId = Object.fromEntries(card.skills.map((skill: Json) => [skill.id, skill]));
    expect(byId.echo).not.toHaveProperty("security");
    expect(byId.admin.security).toEqual([
      { oauthCode: ["admin", "write"] },
      { oauthClient: ["admin"] },
    ]);
    expect(byId.device.security).toEqual([{ oauthDevice: [] }, { cookieKey: [] }, { bearer: [] }]);
    expect(byId.legacy.security).toEqual([{ basic: [], hmac: [] }]);
    for (const skill of card.skills) expect(skill).not.toHaveProperty("securityRequirements");
  });

  it("declares both shapes in the hybrid card a client without A2A-Version gets", async () => {
    const agent = allSchemesAgent();
    const pure1 = (await fetchCard(agent)).card;
    const pure03 = (await fetchCard(agent, { version: "0.3" })).card;
    const response = await agent.fetch(new Request(CARD_URL));
    const hybrid = await response.json();
    // Each scheme carries its 1.0 oneof member and its OpenAPI-style 0.3 fields side by side.
    for (const name of Object.keys(pure1.securitySchemes)) {
      expect(hybrid.securitySchemes[name]).toEqual({
        ...pure03.securitySchemes[name],
        ...pure1.securitySchemes[name],
      });
    }
    expect(Object.keys(hybrid.securitySchemes).sort()).toEqual(
      Object.keys(pure1.securitySchemes).sort(),
    );
    expect(hybrid.securityRequirements).toEqual(pure1.securityRequirements);
    expect(hybrid.security).toEqual(pure03.security);
    const skills1 = new Map(pure1.skills.map((skill: Json) => [skill.id, skill]));
    const skills03 = new Map(pure03.skills.map((skill: Json) => [skill.id, skill]));
    for (const skill of hybrid.skills) {
      const { security, securityRequirements } = skill;
      expect(securityRequirements).toEqual((skills1.get(skill.id) as Json).securityRequirements);
      expect(security).toEqual((skills03.get(skill.id) as Json).security);
    }
  });

  it("declares skill-only schemes without agent-wide requirements", async () => {
    const a2a = makeAgent({
      executor,
      card: {
        ...testCard,
        skills: [{ ...testCard.skills[0]!, security: [headerKey.withScopes("echo")] }],
      },
    });
    const { card } = await fetchCard(a2a);
    expect(Object.keys(card.securitySchemes)).toEqual(["headerKey"]);
    expect(card).not.toHaveProperty("securityRequirements");
    expect(card.skills[0].securityRequirements).toEqual([
      { schemes: { headerKey: { list: ["echo"] } } },
    ]);
    const { card: v03 } = await fetchCard(a2a, { version: "0.3" });
    expect(Object.keys(v03.securitySchemes)).toEqual(["headerKey"]);
    expect(v03).not.toHaveProperty("security");
    expect(v03.skills[0].security).toEqual([{ headerKey: ["echo"] }]);
  });

  it("refuses two different schemes under one name, but not one scheme used twice", () => {
    const twin = bearerScheme({ name: "bearer", verify: bearerVerify });
    expect(() => makeAgent({ executor, security: [bearer, twin] })).toThrow(
      /two different security schemes are named "bearer"/,
    );
    expect(() =>
      makeAgent({
        executor,
        security: [bearer],
        card: { ...testCard, skills: [{ ...testCard.skills[0]!, security: [twin] }] },
      }),
    ).toThrow(TypeError);
    expect(() =>
      makeAgent({ executor, security: [bearer, requireAll(bearer.withScopes("x"), headerKey)] }),
    ).not.toThrow();
  });

  it("declares nothing when the agent has no security", async () => {
    const a2a = makeAgent({ executor });
    for (const version of ["1.0", "0.3"] as const) {
      const { card } = await fetchCard(a2a, { version });
      expect(card.name).toBe("Test agent");
      expect(card).not.toHaveProperty("securitySchemes");
      expect(card).not.toHaveProperty("securityRequirements");
      expect(card).not.toHaveProperty("security");
      expect(card.skills[0]).not.toHaveProperty("securityRequirements");
      expect(card.skills[0]).not.toHaveProperty("security");
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe("cardModifier", () => {
  function recordingAgent(overrides: Partial<A2AOptions> = {}) {
    const seen: { card: Json; ctx: CardContext }[] = [];
    const a2a = makeAgent({
      executor,
      card: {
        ...testCard,
        skills: [
          testCard.skills[0]!,
          {
            id: "cookie",
            name: "Cookie",
            description: "Needs a cookie",
            tags: ["cookie"],
            security: [cookieKey],
          },
        ],
      },
      security: [bearer],
      skillFor: () => undefined,
      cardModifier: (card, ctx) => {
        seen.push({ card: structuredClone(card), ctx });
        card.description = `Card for ${ctx.principal?.id ?? "anyone"}`;
        card.skills.push({
          id: "added",
          name: "Added",
          description: "Added by the modifier",
          tags: ["added"],
        });
        return card;
      },
      ...overrides,
    });
    return { a2a, seen };
  }

  it("is called per request with the version, headers and an empty tenant", async () => {
    const { a2a, seen } = recordingAgent();
    await fetchCard(a2a, { headers: { "x-client": "one" } });
    await fetchCard(a2a, { version: "0.3", headers: { "x-client": "two" } });
    await fetchCard(a2a, { headers: { "x-client": "three" } });
    expect(seen).toHaveLength(3);
    expect(seen.map(({ ctx }) => ctx.version)).toEqual(["1.0", "0.3", "1.0"]);
    expect(seen.map(({ ctx }) => ctx.headers.get("x-client"))).toEqual(["one", "two", "three"]);
    for (const { ctx } of seen) {
      expect(ctx.tenant).toBe("");
      expect(ctx.principal).toBeUndefined();
    }
  });

  it("gets the principal of a valid credential of any declared scheme, or the host's", async () => {
    const { a2a, seen } = recordingAgent();
    const agentWide = await fetchCard(a2a, { headers: bearerHeader("alice-token") });
    expect(agentWide.card.description).toBe("Card for alice");
    const skillOnly = await fetchCard(a2a, { headers: { cookie: "session=cookie-key" } });
    expect(skillOnly.card.description).toBe("Card for cookie-client");
    const host = await fetchCard(a2a, { context: { principal: { id: "host-user" } } });
    expect(host.card.description).toBe("Card for host-user");
    expect(seen.map(({ ctx }) => ctx.principal?.id)).toEqual([
      "alice",
      "cookie-client",
      "host-user",
    ]);
    // The principal is the verifier's, tagged with the scheme that authenticated it.
    expect(seen[0]!.ctx.principal).toEqual({ ...PRINCIPALS["alice-token"], scheme: "bearer" });
  });

  it("never fails the public card on a bad credential: the caller is just anonymous", async () => {
    const { a2a, seen } = recordingAgent();
    const invalid = await fetchCard(a2a, { headers: bearerHeader("forged-token") });
    expect(invalid.response.status).toBe(200);
    expect(invalid.response.headers.get("www-authenticate")).toBeNull();
    expect(invalid.card.description).toBe("Card for anyone");
    const badCookie = await fetchCard(a2a, { headers: { cookie: "session=wrong" } });
    expect(badCookie.response.status).toBe(200);
    const malformed = await fetchCard(a2a, { headers: { authorization: "Basic !!!" } });
    expect(malformed.response.status).toBe(200);
    expect(seen.map(({ ctx }) => ctx.principal)).toEqual([undefined, undefined, undefined]);
    // A refused credential does not hide the host's principal either.
    const withHost = await fetchCard(a2a, {
      headers: bearerHeader("forged-token"),
      context: { principal: { id: "host-user" } },
    });
    expect(withHost.response.status).toBe(200);
    expect(withHost.card.description).toBe("Card for host-user");
  });

  it("shows its changes in the 1.0 and the 0.3 card", async () => {
    const { a2a } = recordingAgent();
    const { card: v1 } = await fetchCard(a2a, { headers: bearerHeader("bob-token") });
    const { card: v03 } = await fetchCard(a2a, {
      version: "0.3",
      headers: bearerHeader("bob-token"),
    });
    for (const card of [v1, v03]) {
      expect(card.description).toBe("Card for bob");
      expect(card.skills.map((skill: Json) => skill.id)).toEqual(["echo", "cookie", "added"]);
    }
    expect(v1.securitySchemes.bearer.httpAuthSecurityScheme.scheme).toBe("Bearer");
    expect(v03.securitySchemes.bearer.type).toBe("http");
  });

  it("gets a fresh copy each time: mutations do not leak into the next request", async () => {
    const { a2a, seen } = recordingAgent();
    for (let i = 0; i < 3; i++) {
      const { card } = await fetchCard(a2a, { version: i === 1 ? "0.3" : "1.0" });
      expect(card.skills).toHaveLength(3);
    }
    for (const { card } of seen) {
      expect(card.description).toBe("An agent for tests");
      expect(card.skills.map((skill: Json) => skill.id)).toEqual(["echo", "cookie"]);
      // The modifier always sees the 1.0 shape.
      expect(card.securitySchemes.bearer).toHaveProperty("httpAuthSecurityScheme");
    }
  });

  it("makes the card private to the client's cache; without one it is public", async () => {
    const { a2a } = recordingAgent({ cardMaxAgeSeconds: 30 });
    const modified = await fetchCard(a2a);
    expect(modified.response.headers.get("cache-control")).toBe("private, max-age=30");
    // It may follow credentials or cookies: never reused for another request unrevalidated.
    expect(modified.response.headers.get("vary")).toBe("*");
    const plain = makeAgent({ executor, security: [bearer], cardMaxAgeSeconds: 30 });
    const unmodified = await fetchCard(plain, { headers: bearerHeader("alice-token") });
    expect(unmodified.response.headers.get("cache-control")).toBe("public, max-age=30");
    expect(unmodified.response.headers.get("vary")).toBe("A2A-Version");
  });

  it("has an ETag that follows the content: same card, same ETag and 304", async () => {
    const { a2a } = recordingAgent();
    const first = await fetchCard(a2a, { headers: bearerHeader("alice-token") });
    const etag = first.response.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const second = await fetchCard(a2a, { headers: bearerHeader("alice-token") });
    expect(second.response.headers.get("etag")).toBe(etag);
    expect(second.card).toEqual(first.card);
    const notModified = await fetchCard(a2a, {
      headers: { ...bearerHeader("alice-token"), "if-none-match": etag! },
    });
    expect(notModified.response.status).toBe(304);
    expect(notModified.card).toBeUndefined();
    // Another caller gets another card, with another ETag; alice's ETag does not match it.
    const bob = await fetchCard(a2a, {
      headers: { ...bearerHeader("bob-token"), "if-none-match": etag! },
    });
    expect(bob.response.status).toBe(200);
    expect(bob.card.description).toBe("Card for bob");
    expect(bob.response.headers.get("etag")).not.toBe(etag);
    const v03 = await fetchCard(a2a, { version: "0.3", headers: bearerHeader("alice-token") });
    expect(v03.response.headers.get("etag")).not.toBe(etag);
  });

  it("may be async", async () => {
    const a2a = makeAgent({
      executor,
      cardModifier: async (card) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return { ...card, name: "Renamed" };
      },
    });
    expect((await fetchCard(a2a)).card.name).toBe("Renamed");
    expect((await fetchCard(a2a, { version: "0.3" })).card.name).toBe("Renamed");
  });
});

// ---------------------------------------------------------------------------------------------

const secretSkill = {
  id: "secret",
  name: "Secret",
  description: "Only for signed-in callers",
  tags: ["secret"],
};
const extendedSkills = [...testCard.skills, secretSkill];

/** The four ways to ask for the extended card. */
const EXTENDED_ROUTES = [
  {
    name: "JSON-RPC 1.0 GetExtendedAgentCard",
    version: "1.0",
    request: (headers: Record<string, string>) =>
      rpcRequest("GetExtendedAgentCard", {}, { headers, id: "x" }),
    card: async (response: Response) => (await response.json()).result,
  },
  {
    name: "REST 1.0 GET /extendedAgentCard",
    version: "1.0",
    request: (headers: Record<string, string>) =>
      new Request(`${BASE}/extendedAgentCard`, { headers: { "a2a-version": "1.0", ...headers } }),
    card: (response: Response) => response.json(),
  },
  {
    name: "JSON-RPC 0.3 agent/getAuthenticatedExtendedCard",
    version: "0.3",
    request: (headers: Record<string, string>) =>
      new Request(BASE, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: "x",
          method: "agent/getAuthenticatedExtendedCard",
        }),
      }),
    card: async (response: Response) => (await response.json()).result,
  },
  {
    name: "REST 0.3 GET /v1/card",
    version: "0.3",
    request: (headers: Record<string, string>) => new Request(`${BASE}/v1/card`, { headers }),
    card: (response: Response) => response.json(),
  },
] as const;

async function extendedCardVia(
  route: (typeof EXTENDED_ROUTES)[number],
  a2a: A2A,
  headers: Record<string, string> = {},
  context?: RequestExtras,
): Promise<{ response: Response; card: Json }> {
  const response = await a2a.fetch(route.request(headers), context);
  const clone = response.clone();
  expect(response.status, await clone.text()).toBe(200);
  return { response, card: await route.card(response) };
}

/** Asserts a 401 UNAUTHENTICATED in the binding's error shape. */
async function expectUnauthenticated(route: (typeof EXTENDED_ROUTES)[number], response: Response) {
  expect(response.status).toBe(401);
  const body = await response.json();
  if (route.name.startsWith("JSON-RPC")) {
    expect(body.error.code).toBe(-32030);
    expect(body).not.toHaveProperty("result");
  } else if (route.version === "0.3") {
    // 0.3 HTTP+JSON errors are the JSON-RPC error object, as the 0.3 REST clients read them.
    expect(body.code).toBe(-32030);
    expect(body.data[0].reason).toBe("UNAUTHENTICATED");
  } else {
    expect(body.error.code).toBe(401);
    expect(body.error.status).toBe("UNAUTHENTICATED");
  }
}

describe("extended agent card", () => {
  const protectedAgent = (overrides: Partial<A2AOptions> = {}) =>
    makeAgent({
      executor,
      security: [bearer],
      extendedCard: { skills: extendedSkills, description: "The full picture" },
      ...overrides,
    });

  it("is announced on the public card, which keeps the public fields", async () => {
    const a2a = protectedAgent();
    const { card: v1 } = await fetchCard(a2a);
    expect(v1.capabilities.extendedAgentCard).toBe(true);
    expect(v1.description).toBe("An agent for tests");
    expect(v1.skills.map((skill: Json) => skill.id)).toEqual(["echo"]);
    const { card: v03 } = await fetchCard(a2a, { version: "0.3" });
    expect(v03.supportsAuthenticatedExtendedCard).toBe(true);
    expect(v03.skills.map((skill: Json) => skill.id)).toEqual(["echo"]);
  });

  for (const route of EXTENDED_ROUTES) {
    describe(route.name, () => {
      it("returns the extended card to an authenticated caller, in the call's version", async () => {
        const a2a = protectedAgent();
        const { response, card } = await extendedCardVia(route, a2a, bearerHeader("alice-token"));
        if (route.name.startsWith("REST")) {
          // The caller's own card: no cache keeps it for anyone else (spec §13.3).
          expect(response.headers.get("cache-control")).toBe("private, no-store");
        }
        expect(card.name).toBe("Test agent");
        expect(card.description).toBe("The full picture");
        expect(card.skills.map((skill: Json) => skill.id)).toEqual(["echo", "secret"]);
        if (route.version === "1.0") {
          expect(card.capabilities.extendedAgentCard).toBe(true);
          expect(card.supportedInterfaces[0]).toEqual({
            url: BASE,
            protocolBinding: "JSONRPC",
            protocolVersion: "1.0",
          });
          expect(card.securitySchemes.bearer.httpAuthSecurityScheme.scheme).toBe("Bearer");
          expect(card).not.toHaveProperty("protocolVersion");
        } else {
          expect(card.protocolVersion).toBe("0.3.0");
          expect(card.url).toBe(BASE);
          expect(card.supportsAuthenticatedExtendedCard).toBe(true);
          if (route.name.startsWith("JSON-RPC")) {
            expect(card.securitySchemes.bearer).toEqual({
              type: "http",
              scheme: "Bearer",
              bearerFormat: "JWT",
              description: "A JWT from our issuer",
            });
            expect(card.security).toEqual([{ bearer: [] }]);
          } else {
            // The ProtoJSON of the 0.3 proto AgentCard: security in its proto shapes.
            expect(card.securitySchemes.bearer).toEqual({
              httpAuthSecurityScheme: {
                scheme: "Bearer",
                bearerFormat: "JWT",
                description: "A JWT from our issuer",
              },
            });
            expect(card.security).toEqual([{ schemes: { bearer: {} } }]);
          }
          expect(card).not.toHaveProperty("supportedInterfaces");
        }
      });

      it("answers 401 without credentials or with a bad one", async () => {
        const a2a = protectedAgent();
        const none = await a2a.fetch(route.request({}));
        await expectUnauthenticated(route, none);
        expect(none.headers.get("www-authenticate")).toMatch(/^Bearer realm="a2a"/);
        const forged = await a2a.fetch(route.request(bearerHeader("forged-token")));
        await expectUnauthenticated(route, forged);
        expect(forged.headers.get("www-authenticate")).toContain('error="invalid_token"');
      });

      it("answers 401 to an anonymous caller even when the agent declares no security", async () => {
        const a2a = makeAgent({ executor, extendedCard: { skills: extendedSkills } });
        await expectUnauthenticated(route, await a2a.fetch(route.request({})));
        // A host principal without an id names nobody.
        const nameless = await a2a.fetch(route.request({}), { principal: { id: "" } });
        await expectUnauthenticated(route, nameless);
        // A host principal is an authenticated caller.
        const { card } = await extendedCardVia(route, a2a, {}, { principal: { id: "host" } });
        expect(card.skills.map((skill: Json) => skill.id)).toEqual(["echo", "secret"]);
      });
    });
  }

  it("is refused to anonymous callers when only a skill declares security", async () => {
    const a2a = makeAgent({
      executor,
      card: { ...testCard, skills: [{ ...testCard.skills[0]!, security: [headerKey] }] },
      extendedCard: { description: "Extended" },
    });
    const route = EXTENDED_ROUTES[0];
    const anonymous = await a2a.fetch(route.request({}));
    await expectUnauthenticated(route, anonymous);
    expect(anonymous.headers.get("www-authenticate")).toContain("APIKey");
    const { card } = await extendedCardVia(route, a2a, { "x-api-key": "header-key" });
    expect(card.description).toBe("Extended");
  });

  it("varies per principal with extendedCardModifier", async () => {
    const calls: { principal: string | undefined; version: string; tenant: string }[] = [];
    const a2a = protectedAgent({
      extendedCardModifier: (card, ctx) => {
        calls.push({ principal: ctx.principal?.id, version: ctx.version, tenant: ctx.tenant });
        card.description = `Extended for ${ctx.principal?.id}`;
        if (ctx.principal?.id === "bob") card.skills = card.skills.filter((s) => s.id !== "secret");
        return card;
      },
    });
    const rpc = EXTENDED_ROUTES[0];
    const alice = (await extendedCardVia(rpc, a2a, bearerHeader("alice-token"))).card;
    const bob = (await extendedCardVia(rpc, a2a, bearerHeader("bob-token"))).card;
    expect(alice.description).toBe("Extended for alice");
    expect(alice.skills.map((skill: Json) => skill.id)).toEqual(["echo", "secret"]);
    expect(bob.description).toBe("Extended for bob");
    expect(bob.skills.map((skill: Json) => skill.id)).toEqual(["echo"]);
    // Alice again: bob's filtering did not leak into the shared base card.
    const aliceAgain = (await extendedCardVia(rpc, a2a, bearerHeader("alice-token"))).card;
    expect(aliceAgain).toEqual(alice);
    const alice03 = (await extendedCardVia(EXTENDED_ROUTES[3], a2a, bearerHeader("alice-token")))
      .card;
    expect(alice03.description).toBe("Extended for alice");
    expect(alice03.protocolVersion).toBe("0.3.0");
    expect(calls).toEqual([
      { principal: "alice", version: "1.0", tenant: "" },
      { principal: "bob", version: "1.0", tenant: "" },
      { principal: "alice", version: "1.0", tenant: "" },
      { principal: "alice", version: "0.3", tenant: "" },
    ]);
    // The public card is not touched by the extended card's modifier.
    const { card: publicCard } = await fetchCard(a2a, { headers: bearerHeader("alice-token") });
    expect(publicCard.description).toBe("An agent for tests");
    expect(publicCard.capabilities.extendedAgentCard).toBe(true);
  });

  it("extendedCardModifier alone configures the extended card", async () => {
    const a2a = makeAgent({
      executor,
      security: [bearer],
      extendedCardModifier: (card, ctx) => ({ ...card, name: `For ${ctx.principal?.id}` }),
    });
    expect((await fetchCard(a2a)).card.capabilities.extendedAgentCard).toBe(true);
    const { card } = await extendedCardVia(EXTENDED_ROUTES[1], a2a, bearerHeader("bob-token"));
    expect(card.name).toBe("For bob");
  });

  it("is UnsupportedOperation when neither declared nor configured", async () => {
    const a2a = makeAgent({ executor, security: [bearer] });
    expect((await fetchCard(a2a)).card.capabilities).not.toHaveProperty("extendedAgentCard");
    const rpc = await a2a.fetch(
      rpcRequest("GetExtendedAgentCard", {}, { headers: bearerHeader("alice-token"), id: 3 }),
    );
    const body = await rpc.json();
    expect(body.id).toBe(3);
    expect(body.error.code).toBe(-32004);
    expect(body.error.data[0].reason).toBe("UNSUPPORTED_OPERATION");
    const rest = await a2a.fetch(EXTENDED_ROUTES[1].request(bearerHeader("alice-token")));
    expect(rest.status).toBe(400);
    expect((await rest.json()).error.details[0].reason).toBe("UNSUPPORTED_OPERATION");
  });

  it("is ExtendedAgentCardNotConfigured when declared in the card input without a card", async () => {
    const a2a = makeAgent({
      executor,
      security: [bearer],
      card: { ...testCard, capabilities: { extendedAgentCard: true } },
    });
    expect((await fetchCard(a2a)).card.capabilities.extendedAgentCard).toBe(true);
    const rpc = await a2a.fetch(
      rpcRequest("GetExtendedAgentCard", {}, { headers: bearerHeader("alice-token"), id: 4 }),
    );
    const body = await rpc.json();
    expect(body.id).toBe(4);
    expect(body.error.code).toBe(-32007);
    expect(body.error.data[0].reason).toBe("EXTENDED_AGENT_CARD_NOT_CONFIGURED");
    const rest03 = await a2a.fetch(EXTENDED_ROUTES[3].request(bearerHeader("alice-token")));
    expect(rest03.status).toBe(400);
    expect(JSON.stringify(await rest03.json())).toContain("EXTENDED_AGENT_CARD_NOT_CONFIGURED");
  });
});

// ---------------------------------------------------------------------------------------------

describe("card signing", () => {
  let es256: TestKey;
  let otherEs256: TestKey;
  let ed25519: TestKey;
  let rsa: TestKey;
  let jwksServer: Server;
  let jwksUrl: string;

  beforeAll(async () => {
    es256 = await es256CryptoKey();
    otherEs256 = await es256CryptoKey();
    ed25519 = nodeKey("EdDSA");
    rsa = nodeKey("RS256");
    const jwks = JSON.stringify({ keys: [{ ...es256.publicJwk, kid: KID, alg: "ES256" }] });
    jwksServer = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(jwks);
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  });

  afterAll(async () => {
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  const signedAgent = (key: TestKey, overrides: Partial<A2AOptions> = {}) =>
    makeAgent({
      executor,
      security: [bearer],
      cardSigning: signing(key),
      allowedHosts: [new URL(CARD_URL).hostname],
      ...overrides,
    });

  for (const name of ["ES256 (CryptoKey)", "EdDSA (private JWK)", "RS256 (private JWK)"]) {
    it(`signs the 1.0 card verifiably with ${name}`, async () => {
      const key = name.startsWith("ES256") ? es256 : name.startsWith("EdDSA") ? ed25519 : rsa;
      const { card } = await fetchCard(signedAgent(key));
      expect(card.signatures).toHaveLength(1);
      const [signature] = card.signatures;
      expect(Object.keys(signature).sort()).toEqual(["protected", "signature"]);
      expect(decodeHeader(signature.protected)).toEqual({
        alg: key.alg,
        typ: "JOSE",
        kid: KID,
        jku: JKU,
      });
      expect(verifiesIndependently(card, key.publicKeyObject, key.alg)).toBe(true);
      // The independent check is not vacuous.
      expect(verifiesIndependently({ ...card, name: "Other" }, key.publicKeyObject, key.alg)).toBe(
        false,
      );
      const verified = await verifyAgentCard(card, { key: key.publicKey as CryptoKey });
      expect(verified.header).toMatchObject({ alg: key.alg, kid: KID });
    });
  }

  it("signs each shape on its own; the hybrid card verifies as 1.0 and as 0.3", async () => {
    const agent = signedAgent(es256);
    const hybrid = await (await agent.fetch(new Request(CARD_URL))).json();
    const pure1 = (await fetchCard(agent)).card;
    const pure03 = (await fetchCard(agent, { version: "0.3" })).card;
    const signatures = [hybrid, pure1, pure03].map((card) => card.signatures[0].signature);
    expect(new Set(signatures).size).toBe(3);
    expect(verifiesIndependently(hybrid, es256.publicKeyObject, "ES256")).toBe(true);
    const key = { key: es256.publicKey as CryptoKey };
    for (const version of ["hybrid", "1.0", "0.3"] as const) {
      await expect(verifyAgentCard(hybrid, key, { version })).resolves.toBeTruthy();
    }
    await expect(verifyAgentCard(pure03, key, { version: "0.3" })).resolves.toBeTruthy();
    await expect(verifyAgentCard(pure1, key)).resolves.toBeTruthy();
    // A shape's signature does not carry over to another shape.
    const swapped = { ...pure1, signatures: pure03.signatures };
    await expect(verifyAgentCard(swapped, key)).rejects.toThrow(/No signature/);
  });

  it("omits jku from the protected header when not given", async () => {
    const { card } = await fetchCard(
      signedAgent(ed25519, {
        cardSigning: { ...signing(ed25519), jku: undefined },
      }),
    );
    expect(decodeHeader(card.signatures[0].protected)).toEqual({
      alg: "EdDSA",
      typ: "JOSE",
      kid: KID,
    });
    expect(verifiesIndependently(card, ed25519.publicKeyObject, "EdDSA")).toBe(true);
  });

  it("verifyAgentCard accepts the served card with the key, a JWKS or a JWKS URL", async () => {
    const { card } = await fetchCard(signedAgent(es256));
    await expect(verifyAgentCard(card, { key: es256.publicKey as CryptoKey })).resolves.toEqual({
      header: { alg: "ES256", typ: "JOSE", kid: KID, jku: JKU },
    });
    await expect(verifyAgentCard(card, { key: es256.publicJwk as JWK })).resolves.toMatchObject({
      header: { kid: KID },
    });
    const jwks = {
      keys: [
        { ...otherEs256.publicJwk, kid: "another" },
        { ...es256.publicJwk, kid: KID },
      ],
    } as JSONWebKeySet;
    await expect(verifyAgentCard(card, { jwks })).resolves.toMatchObject({
      header: { kid: KID },
    });
    await expect(verifyAgentCard(card, { jwksUrl })).resolves.toMatchObject({
      header: { kid: KID },
    });
  });

  it("verifyAgentCard refuses a tampered card, another key and an unsigned card", async () => {
    const { card } = await fetchCard(signedAgent(es256));
    const key = { key: es256.publicKey as CryptoKey };
    await expect(verifyAgentCard({ ...card, name: "Evil agent" }, key)).rejects.toThrow(
      /No signature/,
    );
    const withSkill = structuredClone(card);
    withSkill.skills.push({ id: "evil", name: "Evil", description: "Evil", tags: ["evil"] });
    await expect(verifyAgentCard(withSkill, key)).rejects.toThrow(/No signature/);
    const fewerSchemes = structuredClone(card);
    delete fewerSchemes.securityRequirements;
    await expect(verifyAgentCard(fewerSchemes, key)).rejects.toThrow(/No signature/);
    await expect(
      verifyAgentCard(card, { key: otherEs256.publicKey as CryptoKey }),
    ).rejects.toThrow();
    const otherSigner = await fetchCard(signedAgent(otherEs256));
    await expect(verifyAgentCard(otherSigner.card, key)).rejects.toThrow();
    const unsigned = (await fetchCard(makeAgent({ executor, security: [bearer] }))).card;
    expect(unsigned).not.toHaveProperty("signatures");
    await expect(verifyAgentCard(unsigned, key)).rejects.toThrow(/not signed/);
    // Untouched, it still verifies (the refusals above are about the changes).
    await expect(verifyAgentCard(card, key)).resolves.toBeDefined();
  });

  it("signs the 0.3 card too, which verifies as 0.3", async () => {
    const a2a = signedAgent(es256);
    const { card } = await fetchCard(a2a, { version: "0.3" });
    expect(card.protocolVersion).toBe("0.3.0");
    expect(card.signatures).toHaveLength(1);
    expect(decodeHeader(card.signatures[0].protected)).toEqual({
      alg: "ES256",
      typ: "JOSE",
      kid: KID,
      jku: JKU,
    });
    expect(verifiesIndependently(card, es256.publicKeyObject, "ES256")).toBe(true);
    const key = { key: es256.publicKey as CryptoKey };
    await expect(verifyAgentCard(card, key, { version: "0.3" })).resolves.toBeDefined();
    await expect(
      verifyAgentCard({ ...card, url: "https://evil.example/a2a" }, key, { version: "0.3" }),
    ).rejects.toThrow();
    // The 1.0 signature does not carry over to the 0.3 card or back.
    const { card: v1 } = await fetchCard(a2a);
    expect(v1.signatures[0].signature).not.toBe(card.signatures[0].signature);
  });

  it("keeps the ETag stable across requests with randomized ES256 signatures", async () => {
    const a2a = signedAgent(es256);
    const first = await fetchCard(a2a);
    const etag = first.response.headers.get("etag");
    const second = await fetchCard(a2a);
    expect(second.response.headers.get("etag")).toBe(etag);
    expect(second.card.signatures).toEqual(first.card.signatures);
    const cached = await fetchCard(a2a, { headers: { "if-none-match": etag! } });
    expect(cached.response.status).toBe(304);
  });

  it("keeps ETags stable per content with a modifier, and changes them with the content", async () => {
    const a2a = signedAgent(es256, {
      cardModifier: (card, ctx) => {
        card.description = `Card for ${ctx.principal?.id ?? "anyone"}`;
        return card;
      },
    });
    const alice1 = await fetchCard(a2a, { headers: bearerHeader("alice-token") });
    const alice2 = await fetchCard(a2a, { headers: bearerHeader("alice-token") });
    const etag = alice1.response.headers.get("etag");
    expect(alice2.response.headers.get("etag")).toBe(etag);
    expect(alice2.card).toEqual(alice1.card);
    const cached = await fetchCard(a2a, {
      headers: { ...bearerHeader("alice-token"), "if-none-match": etag! },
    });
    expect(cached.response.status).toBe(304);
    const bob = await fetchCard(a2a, { headers: bearerHeader("bob-token") });
    expect(bob.response.headers.get("etag")).not.toBe(etag);
    expect(bob.card.description).toBe("Card for bob");
    // Each modified card carries its own valid signature.
    for (const card of [alice1.card, bob.card]) {
      expect(verifiesIndependently(card, es256.publicKeyObject, "ES256")).toBe(true);
    }
    // The 0.3 form of alice's card has its own stable ETag.
    const a03 = await fetchCard(a2a, { version: "0.3", headers: bearerHeader("alice-token") });
    const b03 = await fetchCard(a2a, { version: "0.3", headers: bearerHeader("alice-token") });
    expect(a03.response.headers.get("etag")).toBe(b03.response.headers.get("etag"));
    expect(a03.response.headers.get("etag")).not.toBe(etag);
  });

  it("signs the extended card, in both versions", async () => {
    const a2a = signedAgent(es256, { extendedCard: { skills: extendedSkills } });
    const { card: v1 } = await extendedCardVia(
      EXTENDED_ROUTES[0],
      a2a,
      bearerHeader("alice-token"),
    );
    expect(v1.skills).toHaveLength(2);
    expect(v1.signatures).toHaveLength(1);
    expect(verifiesIndependently(v1, es256.publicKeyObject, "ES256")).toBe(true);
    await expect(verifyAgentCard(v1, { key: es256.publicKey as CryptoKey })).resolves.toBeDefined();
    const { card: rest } = await extendedCardVia(
      EXTENDED_ROUTES[1],
      a2a,
      bearerHeader("alice-token"),
    );
    expect(verifiesIndependently(rest, es256.publicKeyObject, "ES256")).toBe(true);
    const { card: v03 } = await extendedCardVia(
      EXTENDED_ROUTES[2],
      a2a,
      bearerHeader("alice-token"),
    );
    expect(v03.protocolVersion).toBe("0.3.0");
    expect(verifiesIndependently(v03, es256.publicKeyObject, "ES256")).toBe(true);
    await expect(
      verifyAgentCard(v03, { key: es256.publicKey as CryptoKey }, { version: "0.3" }),
    ).resolves.toBeDefined();
    // The public card's signature differs: it signs other content.
    const { card: publicCard } = await fetchCard(a2a);
    expect(publicCard.signatures[0].signature).not.toBe(v1.signatures[0].signature);
    expect(verifiesIndependently(publicCard, es256.publicKeyObject, "ES256")).toBe(true);
  });

  it("signs every scheme shape and optional field (the served card has no defaults left)", async () => {
    const a2a = allSchemesAgent({
      cardSigning: signing(rsa),
      publicUrl: "https://agent.example/a2a",
      card: {
        ...allSchemesCard,
        documentationUrl: "",
        provider: { organization: "Acme", url: "https://acme.example" },
        capabilities: {
          streaming: false,
          extensions: [
            { uri: "urn:ext:optional", required: false, params: { level: 1 } },
            { uri: "urn:ext:on", required: true },
          ],
        },
      },
    });
    for (const version of ["1.0", "0.3"] as const) {
      const { card } = await fetchCard(a2a, { version });
      expect(verifiesIndependently(card, rsa.publicKeyObject, "RS256")).toBe(true);
      await expect(
        verifyAgentCard(card, { key: rsa.publicJwk as JWK }, { version }),
      ).resolves.toMatchObject({ header: { alg: "RS256" } });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe("canonical form (spec §8.4.1)", () => {
  it("has a test-side JCS that agrees with the spec's example", () => {
    const expected =
      '{"capabilities":{"pushNotifications":false,"streaming":false},"description":"","name":"Example Agent","skills":[]}';
    expect(
      jcs({
        skills: [],
        name: "Example Agent",
        description: "",
        capabilities: { streaming: false, pushNotifications: false },
      }),
    ).toBe(expected);
    // RFC 8785 §3.2.3: keys sorted by UTF-16 code units; §3.2.2.2: minimal string escapes.
    expect(jcs({ "\u20ac": 1, "\r": 2, a: "\u2028é\n", "1": [1e21, 0.5, -0] })).toBe(
      '{"\\r":2,"1":[1e+21,0.5,0],"a":"\u2028é\\n","\u20ac":1}',
    );
  });

  it("gives the spec's example from its original fragment", () => {
    const fragment = {
      name: "Example Agent",
      description: "",
      capabilities: { streaming: false, pushNotifications: false, extensions: [] },
      skills: [],
    };
    expect(canonicalCard(fragment, "1.0")).toBe(
      '{"capabilities":{"pushNotifications":false,"streaming":false},"description":"","name":"Example Agent","skills":[]}',
    );
    // Signatures are excluded from the payload.
    expect(
      canonicalCard({ ...fragment, signatures: [{ protected: "x", signature: "y" }] }, "1.0"),
    ).toBe(canonicalCard(fragment, "1.0"));
  });

  it("drops plain proto3 defaults, keeps REQUIRED and explicitly set optional fields", () => {
    const canonical = JSON.parse(
      canonicalCard(
        {
          name: "A",
          description: "",
          version: "1",
          documentationUrl: "",
          supportedInterfaces: [
            {
              url: "https://a.example",
              protocolBinding: "JSONRPC",
              protocolVersion: "1.0",
              tenant: "",
            },
          ],
          capabilities: {
            streaming: false,
            extendedAgentCard: false,
            extensions: [
              { uri: "urn:a", required: false, description: "" },
              { uri: "urn:b", required: true },
            ],
          },
          defaultInputModes: ["text/plain"],
          defaultOutputModes: ["text/plain"],
          securitySchemes: {
            oauth: {
              oauth2SecurityScheme: {
                description: "",
                flows: {
                  clientCredentials: { tokenUrl: "https://t.example", refreshUrl: "", scopes: {} },
                },
              },
            },
          },
          securityRequirements: [{ schemes: { oauth: { list: [] } } }],
          skills: [{ id: "s", name: "S", description: "", tags: [], examples: [], inputModes: [] }],
        },
        "1.0",
      ),
    );
    expect(canonical).toEqual({
      name: "A",
      description: "",
      version: "1",
      documentationUrl: "",
      supportedInterfaces: [
        { url: "https://a.example", protocolBinding: "JSONRPC", protocolVersion: "1.0" },
      ],
      capabilities: {
        streaming: false,
        extendedAgentCard: false,
        extensions: [{ uri: "urn:a" }, { uri: "urn:b", required: true }],
      },
      defaultInputModes: ["text/plain"],
      defaultOutputModes: ["text/plain"],
      securitySchemes: {
        oauth: {
          oauth2SecurityScheme: {
            flows: { clientCredentials: { tokenUrl: "https://t.example", scopes: {} } },
          },
        },
      },
      securityRequirements: [{ schemes: { oauth: {} } }],
      skills: [{ id: "s", name: "S", description: "", tags: [] }],
    });
  });

  it("serves 1.0 cards in that form: defaults dropped, explicit optional falses kept", async () => {
    const a2a = makeAgent({
      executor,
      security: [bearer],
      card: {
        ...testCard,
        documentationUrl: "",
        capabilities: {
          streaming: false,
          extensions: [
            { uri: "urn:ext:optional", required: false, description: "Optional" },
            { uri: "urn:ext:on", required: true },
          ],
        },
        skills: [{ ...testCard.skills[0]!, examples: [], inputModes: [] }],
      },
    });
    const { card } = await fetchCard(a2a);
    expect(card.capabilities).toEqual({
      streaming: false,
      pushNotifications: false,
      extensions: [
        { uri: "urn:ext:optional", description: "Optional" },
        { uri: "urn:ext:on", required: true },
      ],
    });
    expect(card.documentationUrl).toBe("");
    expect(card.skills[0]).toEqual(testCard.skills[0]);
    expect(card.securityRequirements).toEqual([{ schemes: { bearer: {} } }]);
    // The served card is its own canonical form: nothing is left to strip.
    expect(canonicalCard(card, "1.0")).toBe(jcs(card));
    // An optional field a modifier sets to false is kept too.
    const modified = makeAgent({
      executor,
      cardModifier: (c) => {
        c.capabilities.extendedAgentCard = false;
        return c;
      },
    });
    const { card: withFalse } = await fetchCard(modified);
    expect(withFalse.capabilities).toEqual({
      streaming: true,
      pushNotifications: false,
      extendedAgentCard: false,
    });
  });

  it("takes a 0.3 card as it is", () => {
    const card = {
      name: "A",
      description: "",
      capabilities: { streaming: false },
      skills: [{ id: "s", examples: [] }],
      signatures: [{ protected: "p", signature: "s" }],
    };
    expect(canonicalCard(card, "0.3")).toBe(
      '{"capabilities":{"streaming":false},"description":"","name":"A","skills":[{"examples":[],"id":"s"}]}',
    );
  });
});
