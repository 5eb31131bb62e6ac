import { createServer } from "node:http";
import { type A2A, createA2A, silentLogger } from "@a2a-mount/core";
import { a2aExpress, a2aWellKnown as expressWellKnown } from "@a2a-mount/express";
import { a2aKoa, a2aWellKnown as koaWellKnown } from "@a2a-mount/koa";
import { a2aNext } from "@a2a-mount/next";
import express4 from "express4";
import express5 from "express5";
import type Koa from "koa";
import koa2 from "koa2";
import koa3 from "koa3";
import { afterEach, describe, expect, it } from "vitest";
import { oneSkillCard } from "../harness/card.js";
import { listen } from "../harness/targets/http-running.js";
import type { Running } from "../harness/targets/index.js";

/**
 * Each agent claims only its own card (`<mount>/.well-known/agent-card.json`); the app's
 * root card is served only where the app asks for it, the same way in every adapter.
 */

const CARD = "/.well-known/agent-card.json";

function agent(name: string): A2A {
  return createA2A({
    card: oneSkillCard(name, `the ${name} agent`),
    logger: silentLogger,
    executor: async (_ctx, task) => task.complete(),
  });
}

/** Two agents at /a and /b; `rootFor` names the one the app serves at its root, if any. */
type AppFactory = (
  a: A2A,
  b: A2A,
  rootFor: A2A | undefined,
) => (request: Request) => Promise<Response>;

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

/** Serves `listener` on a real socket; requests to the app go there by path. */
async function serve(listener: Parameters<typeof createServer>[1]) {
  const app = await listen(createServer(listener), "");
  running.push(app);
  return (request: Request) => {
    const url = new URL(request.url);
    return app.fetch(app.origin + url.pathname + url.search, request);
  };
}

function expressApp(framework: typeof express5): AppFactory {
  return (a, b, rootFor) => {
    const app = framework();
    app.use("/a", a2aExpress(a));
    app.use("/b", a2aExpress(b));
    if (rootFor) app.use(expressWellKnown(rootFor, { agentPath: rootFor === a ? "/a" : "/b" }));
    app.use((_req, res) => {
      res.status(404).type("text/plain").send("host 404");
    });
    let send: ((request: Request) => Promise<Response>) | undefined;
    return async (request) => {
      send ??= await serve(app);
      return send(request);
    };
  };
}

function koaApp(Framework: typeof Koa): AppFactory {
  return (a, b, rootFor) => {
    const app = new Framework();
    app.use(a2aKoa(a, { path: "/a" }) as Koa.Middleware);
    app.use(a2aKoa(b, { path: "/b" }) as Koa.Middleware);
    if (rootFor) {
      app.use(koaWellKnown(rootFor, { agentPath: rootFor === a ? "/a" : "/b" }) as Koa.Middleware);
    }
    app.use(async (ctx) => {
      ctx.status = 404;
      ctx.type = "text/plain";
      ctx.body = "host 404";
    });
    let send: ((request: Request) => Promise<Response>) | undefined;
    return async (request) => {
      send ??= await serve(app.callback());
      return send(request);
    };
  };
}

/** Next's router: a catch-all route per agent, and the root card route only if the app has one. */
const nextApp: AppFactory = (a, b, rootFor) => {
  const routes = { "/a": a2aNext(a), "/b": a2aNext(b) };
  const cardRoute = rootFor && a2aNext(rootFor, { basePath: rootFor === a ? "/a" : "/b" });
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === CARD) {
      return cardRoute
        ? cardRoute.GET(request, { params: Promise.resolve({}) })
        : new Response("host 404", { status: 404 });
    }
    for (const [mount, handlers] of Object.entries(routes)) {
      if (pathname === mount || pathname.startsWith(`${mount}/`)) {
        const path = pathname.slice(mount.length).split("/").filter(Boolean);
        return handlers.GET(request, { params: Promise.resolve(path.length ? { path } : {}) });
      }
    }
    return new Response("host 404", { status: 404 });
  };
};

const apps: [string, AppFactory][] = [
  ["Express 4", expressApp(express4 as unknown as typeof express5)],
  ["Express 5", expressApp(express5)],
  ["Koa 2", koaApp(koa2 as unknown as typeof Koa)],
  ["Koa 3", koaApp(koa3)],
  ["Next", nextApp],
];

const get = (send: (r: Request) => Promise<Response>, path: string) =>
  send(new Request(`http://app.test${path}`, { headers: { "a2a-version": "1.0" } }));

describe.each(apps)("the well-known card in %s", (_name, makeApp) => {
  it("leaves the root card path to the host app when no agent is asked to serve it", async () => {
    const send = makeApp(agent("alpha"), agent("beta"), undefined);
    const root = await get(send, CARD);
    expect(root.status).toBe(404);
    expect(await root.text()).toBe("host 404");
  });

  it("serves each agent's own card below its mount path", async () => {
    const send = makeApp(agent("alpha"), agent("beta"), undefined);
    expect((await (await get(send, `/a${CARD}`)).json()).name).toBe("alpha");
    expect((await (await get(send, `/b${CARD}`)).json()).name).toBe("beta");
  });

  it("serves the root card of the agent the app names, whichever was mounted first", async () => {
    const a = agent("alpha");
    const b = agent("beta");
    const send = makeApp(a, b, b);
    const root = await get(send, CARD);
    expect(root.status).toBe(200);
    const card = await root.json();
    expect(card.name).toBe("beta");
    expect(card.supportedInterfaces[0].url).toMatch(/\/b$/);
  });
});
