// tsyringe, which @peculiar/x509 uses, needs the Reflect metadata polyfill loaded first.
import "reflect-metadata";
import { webcrypto, X509Certificate } from "node:crypto";
import {
  createServer as createHttpServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import {
  createServer as createHttpsServer,
  Agent as HttpsAgent,
  type Server as HttpsServer,
  request as httpsRequest,
  type ServerOptions,
} from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import {
  type A2A,
  apiKeyScheme,
  type ClientCertificate,
  createA2A,
  mtlsScheme,
  type Principal,
  requireAll,
  type SecurityInput,
  silentLogger,
} from "@a2a-mount/core";
import { handleNodeRequest } from "@a2a-mount/core/internal";
import { toNodeHandler } from "@a2a-mount/core/node";
import { a2aExpress } from "@a2a-mount/express";
import { a2aKoa } from "@a2a-mount/koa";
import * as x509 from "@peculiar/x509";
import express5 from "express5";
import type Koa from "koa";
import koa3 from "koa3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { a2aHeaders, type Json, rpcBody, until, userMessage } from "../harness/client.js";

/**
 * Mutual TLS through real TLS servers: certificates are generated at test time (a CA, a
 * client it issued, a self-signed intruder, a server certificate for 127.0.0.1), the agent
 * is served by `https.createServer({ requestCert: true, rejectUnauthorized: false })` through
 * the node bridge, Express 5 and Koa 3, and clients present (or not) their certificates.
 */

// ---- certificates ----

x509.cryptoProvider.set(webcrypto as Crypto);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

interface Issued {
  cert: string;
  key: string;
  /** As Node's TLS layer prints it: colon-separated upper-case hex. */
  fingerprint256: string;
}

let serial = 1;
const validity = () => ({
  serialNumber: (serial++).toString(16).padStart(2, "0"),
  notBefore: new Date(Date.now() - 60_000),
  notAfter: new Date(Date.now() + 24 * 3600_000),
});

async function pemKey(keys: CryptoKeyPair): Promise<string> {
  return x509.PemConverter.encode(
    await webcrypto.subtle.exportKey("pkcs8", keys.privateKey),
    "PRIVATE KEY",
  );
}

async function issued(cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<Issued> {
  const pem = cert.toString("pem");
  return {
    cert: pem,
    key: await pemKey(keys),
    fingerprint256: new X509Certificate(pem).fingerprint256,
  };
}

/** A self-signed certificate: a CA when `ca`, else a lone client certificate. */
async function selfSigned(name: string, ca: boolean) {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    ...validity(),
    name,
    keys,
    signingAlgorithm: ALG,
    extensions: ca
      ? [
          new x509.BasicConstraintsExtension(true, undefined, true),
          new x509.KeyUsagesExtension(
            x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature,
            true,
          ),
        ]
      : [
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        ],
  });
  return { certificate: cert, keys, ...(await issued(cert, keys)) };
}

/** A leaf certificate `issuer` signs. */
async function signedBy(
  issuer: { certificate: x509.X509Certificate; keys: CryptoKeyPair },
  subject: string,
  extensions: x509.Extension[],
): Promise<Issued> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.create({
    ...validity(),
    subject,
    issuer: issuer.certificate.subject,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: ALG,
    extensions,
  });
  return issued(cert, keys);
}

const ca = await selfSigned("CN=Test CA, O=A2A Mount Tests", true);
const client = await signedBy(ca, "CN=client-1, O=A2A Mount Tests", [
  new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
  new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
]);
const intruder = await selfSigned("CN=intruder", false);
const serverCert = await signedBy(ca, "CN=127.0.0.1", [
  new x509.SubjectAlternativeNameExtension([{ type: "ip", value: "127.0.0.1" }]),
  new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
]);

const TLS_OPTIONS: ServerOptions = {
  key: serverCert.key,
  cert: serverCert.cert,
  ca: ca.cert,
  requestCert: true,
  // Untrusted certificates get through the handshake, so the scheme is what refuses them.
  rejectUnauthorized: false,
};

// ---- the agents ----

interface TestAgent {
  a2a: A2A;
  seen: (Principal | undefined)[];
}

function makeAgent(security: SecurityInput): TestAgent {
  const seen: (Principal | undefined)[] = [];
  const a2a = createA2A({
    card: {
      name: "mTLS agent",
      description: "Answers who called",
      version: "1.0.0",
      skills: [{ id: "echo", name: "Echo", description: "Echoes", tags: ["test"] }],
    },
    logger: silentLogger,
    security,
    executor: async (ctx, task) => {
      seen.push(ctx.principal);
      await task.complete(`hello ${ctx.principal?.id ?? "nobody"}`);
    },
  });
  return { a2a, seen };
}

const mtls = mtlsScheme({ name: "mtls", description: "A client certificate from our CA" });
const pinned = mtlsScheme({
  name: "pinned",
  verify: (certificate) =>
    certificate.fingerprint256 === intruder.fingerprint256
      ? { id: certificate.subject.CN ?? "?", claims: { pinned: true } }
      : undefined,
});
const apiKey = apiKeyScheme({
  name: "apiKey",
  keyName: "X-API-Key",
  location: "header",
  verify: (key) => (key === "k-123" ? { id: "key-holder" } : undefined),
});

// ---- servers ----

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** The ways a Node app serves the agent over TLS. */
const servers: { name: string; listener: (agent: A2A) => Listener }[] = [
  {
    name: "node:http bridge (toNodeHandler)",
    listener: (agent) => toNodeHandler(agent, { basePath: "/a2a" }),
  },
  {
    // The adapters' own entry (`@a2a-mount/core/internal`), called by hand as a host
    // framework would: the certificate still comes off the TLS socket.
    name: "node:http bridge (handleNodeRequest)",
    listener: (agent) => (req, res) =>
      void handleNodeRequest(agent, req, res, { basePath: "/a2a" }),
  },
  {
    name: "Express 5",
    listener: (agent) => {
      const app = express5();
      app.use("/a2a", a2aExpress(agent));
      return app;
    },
  },
  {
    name: "Koa 3",
    listener: (agent) => {
      const app = new koa3();
      app.use(a2aKoa(agent, { path: "/a2a" }) as Koa.Middleware);
      return app.callback();
    },
  },
];

async function listen(server: HttpsServer | HttpServer, scheme: "https" | "http"): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return `${scheme}://127.0.0.1:${port}`;
}

function close(server: HttpsServer | HttpServer): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

// ---- the client ----

interface Reply {
  status: number;
  /** The TLS session was resumed rather than negotiated afresh. */
  resumed: boolean;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

/**
 * One HTTPS exchange presenting `identity`'s certificate (or none), trusting our CA for the
 * server. Without an `agent`, no pooling: each request is its own full handshake.
 */
function tlsRequest(
  url: string,
  identity: Issued | undefined,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    agent?: HttpsAgent;
    /** Told when the server hands the client a session to resume. */
    onSession?: () => void;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, {
      method: init.method ?? "GET",
      headers: init.headers,
      ca: ca.cert,
      ...(identity && { cert: identity.cert, key: identity.key }),
      agent: init.agent ?? false,
    });
    const { onSession } = init;
    if (onSession) req.on("socket", (socket) => socket.once("session", onSession));
    req.setTimeout(3000, () => req.destroy(new Error("no response in time")));
    req.on("error", reject);
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("error", reject);
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          resumed: (res.socket as TLSSocket).isSessionReused(),
          headers: res.headers,
          body: JSON.parse(text),
        }),
      );
    });
    req.end(init.body);
  });
}

function send(
  url: string,
  identity: Issued | undefined,
  headers: Record<string, string> = {},
  agent?: HttpsAgent,
): Promise<Reply> {
  return tlsRequest(url, identity, {
    agent,
    method: "POST",
    headers: a2aHeaders(headers),
    body: rpcBody("SendMessage", { message: userMessage("hi") }),
  });
}

/** The 401 the agent sends before reading the body: JSON-RPC error -32030, `id: null`. */
function expect401(reply: Reply): Json {
  expect(reply.status, JSON.stringify(reply.body)).toBe(401);
  expect(reply.headers["www-authenticate"]).toContain('MutualTLS realm="a2a"');
  expect(reply.body.id).toBeNull();
  expect(reply.body.error.code).toBe(-32030);
  expect(reply.body.error.data[0].reason).toBe("UNAUTHENTICATED");
  return reply.body;
}

function expectServed(reply: Reply, id: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(reply.body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
  expect(reply.body.result.task.status.message.parts[0].text).toBe(`hello ${id}`);
}

describe.each(servers)("mTLS through $name", ({ listener }) => {
  const agents = {
    mtls: makeAgent([mtls]),
    pinned: makeAgent([pinned]),
    both: makeAgent([requireAll(mtls, apiKey)]),
  };
  const urls = {} as Record<keyof typeof agents, string>;
  const running: HttpsServer[] = [];

  beforeAll(async () => {
    for (const name of Object.keys(agents) as (keyof typeof agents)[]) {
      const tls = createHttpsServer(TLS_OPTIONS, listener(agents[name].a2a));
      running.push(tls);
      urls[name] = `${await listen(tls, "https")}/a2a`;
    }
  });
  afterAll(async () => {
    await Promise.all(running.map(close));
  });

  it("serves a client whose certificate the CA issued; the executor sees its subject and fingerprint", async () => {
    const reply = await send(urls.mtls, client);
    expectServed(reply, "client-1");
    const principal = agents.mtls.seen.at(-1);
    expect(principal?.id).toBe("client-1");
    expect(principal?.claims).toMatchObject({
      subject: { CN: "client-1", O: "A2A Mount Tests" },
      issuer: { CN: "Test CA", O: "A2A Mount Tests" },
      fingerprint256: client.fingerprint256,
    });
    expect(typeof principal?.claims?.serialNumber).toBe("string");

    // REST too, on its own connection and handshake.
    const listed = await tlsRequest(`${urls.mtls}/tasks`, client, {
      headers: { "a2a-version": "1.0" },
    });
    expect(listed.status).toBe(200);
    expect(listed.body.tasks.map((t: Json) => t.id)).toContain(reply.body.result.task.id);
  });

  it("still knows the client on a resumed TLS session (a pooling client's new connections)", async () => {
    const agent = new HttpsAgent({ keepAlive: false, maxCachedSessions: 10 });
    try {
      let ticket = false;
      const first = await tlsRequest(urls.mtls, client, {
        agent,
        method: "POST",
        headers: a2aHeaders(),
        body: rpcBody("SendMessage", { message: userMessage("hi") }),
        onSession: () => (ticket = true),
      });
      expectServed(first, "client-1");
      expect(first.resumed).toBe(false);
      await until(() => ticket);
      const again = await send(urls.mtls, client, {}, agent);
      expect(again.resumed).toBe(true); // no certificate was sent in this handshake
      expectServed(again, "client-1");
      expect(agents.mtls.seen.at(-1)?.claims?.fingerprint256).toBe(client.fingerprint256);
    } finally {
      agent.destroy();
    }
  });

  it("refuses a client without a certificate: 401 with a JSON-RPC error", async () => {
    const runs = agents.mtls.seen.length;
    const body = expect401(await send(urls.mtls, undefined));
    expect(body.error.message).toBe("Authentication required: send credentials for mtls");
    const rest = await tlsRequest(`${urls.mtls}/tasks`, undefined, {
      headers: { "a2a-version": "1.0" },
    });
    expect(rest.status).toBe(401);
    expect(rest.body.error.status).toBe("UNAUTHENTICATED");
    expect(agents.mtls.seen.length).toBe(runs);
  });

  it("refuses a certificate no trusted authority issued, though TLS let it through", async () => {
    const runs = agents.mtls.seen.length;
    const body = expect401(await send(urls.mtls, intruder));
    expect(body.error.message).toContain(
      "The client certificate is not issued by a trusted authority",
    );
    expect(agents.mtls.seen.length).toBe(runs);
  });

  it("serves the public card without a certificate, declaring the mTLS scheme", async () => {
    const card = await tlsRequest(`${urls.mtls}/.well-known/agent-card.json`, undefined, {
      headers: { "a2a-version": "1.0" },
    });
    expect(card.status).toBe(200);
    expect(card.body.securitySchemes).toEqual({
      mtls: { mtlsSecurityScheme: { description: "A client certificate from our CA" } },
    });
    expect(card.body.securityRequirements).toEqual([{ schemes: { mtls: {} } }]);
  });

  it("a verify that pins a fingerprint accepts that self-signed certificate, and only it", async () => {
    expectServed(await send(urls.pinned, intruder), "intruder");
    expect(agents.pinned.seen.at(-1)).toEqual({
      id: "intruder",
      claims: { pinned: true },
      scheme: "pinned",
    });
    const refused = expect401(await send(urls.pinned, client));
    expect(refused.error.message).toContain("The credential was not accepted (pinned)");
    expect401(await send(urls.pinned, undefined));
  });

  it("requireAll(mtls, apiKey) needs both the certificate and the key", async () => {
    const runs = agents.both.seen.length;
    expectServed(await send(urls.both, client, { "x-api-key": "k-123" }), "client-1");
    expect(agents.both.seen.at(-1)?.id).toBe("client-1");

    const challenge = (reply: Reply) => {
      expect(reply.status, JSON.stringify(reply.body)).toBe(401);
      expect(reply.body.error.code).toBe(-32030);
      return String(reply.headers["www-authenticate"]);
    };
    // Each half alone, a wrong key, an untrusted certificate: all refused.
    expect(challenge(await send(urls.both, client))).toContain('APIKey realm="a2a"');
    expect(challenge(await send(urls.both, undefined, { "x-api-key": "k-123" }))).toContain(
      'MutualTLS realm="a2a"',
    );
    challenge(await send(urls.both, client, { "x-api-key": "wrong-key" }));
    challenge(await send(urls.both, intruder, { "x-api-key": "k-123" }));
    expect(agents.both.seen.length).toBe(runs + 1);
  });
});

describe("mTLS card and Fetch entry point", () => {
  it("declares the scheme as mtlsSecurityScheme (1.0) and type mutualTLS (0.3)", async () => {
    const { a2a } = makeAgent([mtls]);
    const v1 = await (
      await a2a.fetch(
        new Request("http://agent.test/.well-known/agent-card.json", {
          headers: { "a2a-version": "1.0" },
        }),
      )
    ).json();
    expect(v1.securitySchemes.mtls).toEqual({
      mtlsSecurityScheme: { description: "A client certificate from our CA" },
    });
    expect(v1.securityRequirements).toEqual([{ schemes: { mtls: {} } }]);
    const v03 = await (
      await a2a.fetch(
        new Request("http://agent.test/.well-known/agent-card.json", {
          headers: { "a2a-version": "0.3" },
        }),
      )
    ).json();
    expect(v03.protocolVersion).toMatch(/^0\.3/);
    expect(v03.securitySchemes.mtls).toEqual({
      type: "mutualTLS",
      description: "A client certificate from our CA",
    });
    expect(v03.security).toEqual([{ mtls: [] }]);
  });

  /** A certificate as a TLS-terminating proxy would hand it on. */
  const forwarded = (authorized: boolean): ClientCertificate => ({
    authorized,
    subject: { CN: "proxied-client", O: "Edge" },
    issuer: { CN: "Test CA" },
    fingerprint256: client.fingerprint256,
    serialNumber: "0A",
    validFrom: "Jan  1 00:00:00 2026 GMT",
    validTo: "Jan  1 00:00:00 2027 GMT",
  });

  function sendFetch(a2a: A2A, clientCertificate?: ClientCertificate): Promise<Response> {
    return a2a.fetch(
      new Request("http://agent.test/", {
        method: "POST",
        headers: a2aHeaders(),
        body: rpcBody("SendMessage", { message: userMessage("hi") }),
      }),
      clientCertificate ? { clientCertificate } : {},
    );
  }

  it("RequestExtras.clientCertificate satisfies mtls without TLS", async () => {
    const agent = makeAgent([mtls]);
    const served = await sendFetch(agent.a2a, forwarded(true));
    expect(served.status).toBe(200);
    expect((await served.json()).result.task.status.message.parts[0].text).toBe(
      "hello proxied-client",
    );
    expect(agent.seen.at(-1)?.claims).toMatchObject({
      subject: { CN: "proxied-client", O: "Edge" },
      fingerprint256: client.fingerprint256,
    });

    const untrusted = await sendFetch(agent.a2a, forwarded(false));
    expect(untrusted.status).toBe(401);
    expect((await untrusted.json()).error.message).toContain("not issued by a trusted authority");
    const none = await sendFetch(agent.a2a);
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe(-32030);
    expect(agent.seen).toHaveLength(1);
  });

  it("plain HTTP carries no certificate: the node bridge refuses", async () => {
    const agent = makeAgent([mtls]);
    const plain = createHttpServer(toNodeHandler(agent.a2a));
    try {
      const origin = await listen(plain, "http");
      const response = await fetch(origin, {
        method: "POST",
        headers: a2aHeaders(),
        body: rpcBody("SendMessage", { message: userMessage("hi") }),
      });
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe(-32030);
      expect(agent.seen).toHaveLength(0);
    } finally {
      await close(plain);
    }
  });
});
