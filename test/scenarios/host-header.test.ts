import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type A2A, createA2A, silentLogger } from "@a2a-mount/core";
import { toNodeHandler } from "@a2a-mount/core/node";
import { a2aExpress, a2aWellKnown as expressWellKnown } from "@a2a-mount/express";
import { a2aKoa, a2aWellKnown as koaWellKnown } from "@a2a-mount/koa";
import { a2aNext } from "@a2a-mount/next";
import type express from "express";
import express4 from "express4";
import express5 from "express5";
import type Koa from "koa";
import koa2 from "koa2";
import koa3 from "koa3";
import { afterEach, describe, expect, it } from "vitest";
import { oneSkillCard } from "../harness/card.js";
import { type Json, rpcBody, userMessage } from "../harness/client.js";
import { type RawResponse, rawRequest } from "../harness/raw-http.js";

/** The agent, counting its runs. */
function countingAgent(options: { trustProxy?: boolean } = {}) {
  const runs: string[] = [];
  const a2a = createA2A({
    card: oneSkillCard("Guarded", "Behind the host's auth"),
    logger: silentLogger,
    ...options,
    executor: async (ctx, task) => {
      runs.push(ctx.text);
      await task.complete(`echo ${ctx.text}`);
    },
  });
  return { a2a, runs };
}

/** The host app's own auth: everything under `/a2a` needs `Authorization: Bearer ok`. */
const guarded = (path: string, authorization: string | undefined) =>
  !(path === "/a2a" || path.startsWith("/a2a/")) || authorization === "Bearer ok";

/** Options a host app sets for a proxy in front: Express `trust proxy`, Koa `app.proxy`. */
interface HostOptions {
  trustProxy?: boolean;
}

type Start = (a2a: A2A, options?: HostOptions) => Promise<Server>;

function expressApp(framework: typeof express): Start {
  return async (a2a, options = {}) => {
    const app = framework();
    if (options.trustProxy) app.set("trust proxy", true);
    app.use((req, res, next) => {
      if (guarded(req.path, req.get("authorization"))) next();
      else res.status(401).send("host auth");
    });
    app.use("/a2a", a2aExpress(a2a));
    app.use(expressWellKnown(a2a, { agentPath: "/a2a" }));
    return createServer(app);
  };
}

function koaApp(Framework: typeof Koa): Start {
  return async (a2a, options = {}) => {
    const app = new Framework();
    if (options.trustProxy) app.proxy = true;
    app.use(async (ctx, next) => {
      if (guarded(ctx.path, ctx.get("authorization") || undefined)) await next();
      else {
        ctx.status = 401;
        ctx.body = "host auth";
      }
    });
    app.use(a2aKoa(a2a, { path: "/a2a" }) as Koa.Middleware);
    app.use(koaWellKnown(a2a, { agentPath: "/a2a" }) as Koa.Middleware);
    return createServer(app.callback());
  };
}

/** Bare node:http: the host's guard in front of the bridge, matching paths itself. */
const nodeApp: Start = async (a2a, options = {}) => {
  const agent = toNodeHandler(a2a, { basePath: "/a2a", trustProxy: options.trustProxy });
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (guarded(path, req.headers.authorization)) void agent(req, res);
    else res.writeHead(401).end("host auth");
  });
};

const frameworks: [string, Start][] = [
  ["Express 4", expressApp(express4 as unknown as typeof express)],
  ["Express 5", expressApp(express5)],
  ["Koa 2", koaApp(koa2 as unknown as typeof Koa)],
  ["Koa 3", koaApp(koa3)],
  ["node:http", nodeApp],
];

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function listen(start: Start, a2a: A2A, options?: HostOptions): Promise<number> {
  server = await start(a2a, options);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

const json = (response: RawResponse): Json => JSON.parse(response.body);

const A2A_1_0: [string, string][] = [
  ["Content-Type", "application/json"],
  ["A2A-Version", "1.0"],
];

const CARD = "/.well-known/agent-card.json";

/** Hosts a client can send that are not `host[:port]`. */
const NOT_HOSTS = [
  "evil.example/a2a",
  "a b",
  "evil.example:99999",
  "user@evil.example",
  "evil.example,good.example",
  "evil.example?x",
  "evil.example#x",
  "[::1",
];

describe.each(frameworks)("the Host header never routes: %s", (_name, start) => {
  it("a Host with a path cannot run SendMessage past the host's auth on /a2a", async () => {
    const { a2a, runs } = countingAgent();
    const port = await listen(start, a2a);
    const response = await rawRequest(port, {
      method: "POST",
      target: CARD,
      headers: [["Host", `127.0.0.1:${port}/a2a?`], ...A2A_1_0],
      body: rpcBody("SendMessage", { message: userMessage("smuggled") }),
    });
    expect(response.status).toBe(400);
    expect(response.body).not.toContain("smuggled");
    expect(runs).toEqual([]);
  });

  it("a Host ending in /a2a/tasks? cannot list tasks through the card URL", async () => {
    const { a2a } = countingAgent();
    const port = await listen(start, a2a);
    const sent = await rawRequest(port, {
      method: "POST",
      target: "/a2a",
      headers: [["Host", `127.0.0.1:${port}`], ["Authorization", "Bearer ok"], ...A2A_1_0],
      body: rpcBody("SendMessage", { message: userMessage("private") }),
    });
    expect(json(sent).result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const listed = await rawRequest(port, {
      target: CARD,
      headers: [
        ["Host", `127.0.0.1:${port}/a2a/tasks?`],
        ["A2A-Version", "1.0"],
      ],
    });
    expect(listed.status).toBe(400);
    expect(listed.body).not.toContain("private");
    expect(listed.body).not.toContain('"tasks"');
  });

  it("answers 400 to a Host that is not host[:port], at every endpoint", async () => {
    const { a2a, runs } = countingAgent();
    const port = await listen(start, a2a);
    for (const host of NOT_HOSTS) {
      const rpcCall = await rawRequest(port, {
        method: "POST",
        target: "/a2a",
        headers: [["Host", host], ["Authorization", "Bearer ok"], ...A2A_1_0],
        body: rpcBody("SendMessage", { message: userMessage("hi") }),
      });
      expect(rpcCall.status, host).toBe(400);
      expect(json(rpcCall).error.code, host).toBe(-32600);
      const rest = await rawRequest(port, {
        target: "/a2a/tasks",
        headers: [
          ["Host", host],
          ["Authorization", "Bearer ok"],
          ["A2A-Version", "1.0"],
        ],
      });
      expect(rest.status, host).toBe(400);
      expect(json(rest).error.status, host).toBe("INVALID_ARGUMENT");
      const card = await rawRequest(port, { target: CARD, headers: [["Host", host]] });
      expect(card.status, host).toBe(400);
    }
    expect(runs).toEqual([]);
  });

  it("routes an absolute-form target on its path, never on its authority", async () => {
    const { a2a, runs } = countingAgent();
    const port = await listen(start, a2a);
    const response = await rawRequest(port, {
      target: `http://evil.example${CARD}`,
      headers: [
        ["Host", `127.0.0.1:${port}`],
        ["A2A-Version", "1.0"],
      ],
    });
    expect(response.status).toBe(200);
    expect(json(response).supportedInterfaces[0].url).toBe(`http://127.0.0.1:${port}/a2a`);
    expect(runs).toEqual([]);
  });

  it("names the Host in the card and ignores X-Forwarded-* from an untrusted peer", async () => {
    const { a2a } = countingAgent();
    const port = await listen(start, a2a);
    const response = await rawRequest(port, {
      target: CARD,
      headers: [
        ["Host", `agent.example:${port}`],
        ["X-Forwarded-Host", "evil.example"],
        ["X-Forwarded-Proto", "https"],
        ["A2A-Version", "1.0"],
      ],
    });
    expect(response.status).toBe(200);
    const urls = json(response).supportedInterfaces.map((i: Json) => i.url);
    expect(urls).toEqual([`http://agent.example:${port}/a2a`, `http://agent.example:${port}/a2a`]);
    expect(response.headers["cache-control"]).toContain("public");
    expect(response.headers.vary).toBe("A2A-Version");
  });

  it("reads X-Forwarded-* when the host app trusts its proxy, and varies the card on them", async () => {
    const { a2a } = countingAgent();
    const port = await listen(start, a2a, { trustProxy: true });
    const response = await rawRequest(port, {
      target: CARD,
      headers: [
        ["Host", `127.0.0.1:${port}`],
        ["X-Forwarded-Host", "agent.example, proxy.internal"],
        ["X-Forwarded-Proto", "https"],
        ["A2A-Version", "1.0"],
      ],
    });
    expect(response.status).toBe(200);
    expect(json(response).supportedInterfaces[0].url).toBe("https://agent.example/a2a");
    const vary = response.headers.vary!.toLowerCase().split(/,\s*/);
    expect(vary).toEqual(
      expect.arrayContaining(["a2a-version", "x-forwarded-host", "x-forwarded-proto"]),
    );
    const forged = await rawRequest(port, {
      target: CARD,
      headers: [
        ["Host", `127.0.0.1:${port}`],
        ["X-Forwarded-Host", "evil.example/a2a?"],
      ],
    });
    expect(forged.status).toBe(400);
  });

  it("reads X-Forwarded-* when the agent trusts its proxy (trustProxy)", async () => {
    const { a2a } = countingAgent({ trustProxy: true });
    const port = await listen(start, a2a);
    const response = await rawRequest(port, {
      target: CARD,
      headers: [
        ["Host", `127.0.0.1:${port}`],
        ["X-Forwarded-Host", "agent.example"],
        ["X-Forwarded-Proto", "https"],
        ["A2A-Version", "1.0"],
      ],
    });
    expect(json(response).supportedInterfaces[0].url).toBe("https://agent.example/a2a");
    expect(response.headers.vary!.toLowerCase()).toContain("x-forwarded-host");
  });
});

describe("the Host header never routes: Next route handlers", () => {
  /** The catch-all route and the well-known card route, as Next calls them. */
  function nextApp(a2a: A2A) {
    const catchAll = a2aNext(a2a);
    const card = a2aNext(a2a, { basePath: "/a2a" });
    return (path: string, init: RequestInit = {}) => {
      // `next start` builds request URLs on localhost, whatever the Host header says.
      const request = new Request(`http://localhost:3000${path}`, init);
      if (path === CARD) return card.GET(request);
      const rest = path.split("?")[0]!.split("/").filter(Boolean).slice(1);
      const handler = catchAll[request.method as "GET" | "POST"];
      return handler(request, { params: Promise.resolve(rest.length ? { path: rest } : {}) });
    };
  }

  it("names the Host header in the card, not X-Forwarded-Host, unless the agent trusts its proxy", async () => {
    const untrusted = nextApp(countingAgent().a2a);
    const headers = {
      host: "agent.example",
      "x-forwarded-host": "evil.example",
      "a2a-version": "1.0",
    };
    const card = await untrusted(CARD, { headers });
    expect((await card.json()).supportedInterfaces[0].url).toBe("http://agent.example/a2a");
    expect(card.headers.get("vary")).toBe("A2A-Version");

    const trusted = nextApp(countingAgent({ trustProxy: true }).a2a);
    const proxied = await trusted(CARD, { headers });
    expect((await proxied.json()).supportedInterfaces[0].url).toBe("http://evil.example/a2a");
    expect(proxied.headers.get("vary")?.toLowerCase()).toContain("x-forwarded-host");
  });

  it("answers 400 to a Host that is not host[:port]", async () => {
    const { a2a, runs } = countingAgent();
    const app = nextApp(a2a);
    for (const host of NOT_HOSTS) {
      const card = await app(CARD, { headers: { host, "a2a-version": "1.0" } });
      expect(card.status, host).toBe(400);
      const sent = await app("/a2a", {
        method: "POST",
        headers: { host, "content-type": "application/json", "a2a-version": "1.0" },
        body: rpcBody("SendMessage", { message: userMessage("hi") }),
      });
      expect(sent.status, host).toBe(400);
      expect((await sent.json()).error.code, host).toBe(-32600);
    }
    expect(runs).toEqual([]);
  });
});
