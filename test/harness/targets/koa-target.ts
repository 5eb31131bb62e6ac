import { createServer } from "node:http";
import { a2aKoa, a2aWellKnown } from "@a2a-mount/koa";
import { bodyParser } from "@koa/bodyparser";
import koaCors from "@koa/cors";
import Router from "@koa/router";
import type Koa from "koa";
import koa2 from "koa2";
import koa3 from "koa3";
import { listen } from "./http-running.js";
import { DEFAULT_SETUP, SUB_ROUTER_PATH, type Target } from "./target.js";

function koaTarget(name: string, Framework: typeof Koa): Target {
  return {
    name,
    http: true,
    supports: {
      subRouter: true,
      bodyParser: true,
      compression: false,
      cors: true,
      auth: true,
      hostCookie: true,
    },
    async start(agent, partial = {}) {
      const setup = { ...DEFAULT_SETUP, ...partial };
      const app = new Framework();
      if (setup.cors) app.use(koaCors());
      if (setup.auth) {
        app.use(async (ctx, next) => {
          const id = ctx.get("x-user");
          if (id) ctx.state.user = { id, role: "tester" };
          await next();
        });
      }
      if (setup.hostCookie) {
        app.use(async (ctx, next) => {
          ctx.cookies.set("host", "1", { httpOnly: false });
          await next();
        });
      }
      if (setup.bodyParser) app.use(bodyParser());
      let mountPath = setup.mountPath;
      if (setup.subRouter) {
        const router = new Router({ prefix: "/api/v1" });
        router.all("/a2a{/*rest}", a2aKoa(agent, { path: SUB_ROUTER_PATH }) as Koa.Middleware);
        app.use(router.routes());
        mountPath = SUB_ROUTER_PATH;
      } else {
        app.use(a2aKoa(agent, { path: setup.mountPath }) as Koa.Middleware);
      }
      if (setup.wellKnown) app.use(a2aWellKnown(agent, { agentPath: mountPath }) as Koa.Middleware);
      app.use(async (ctx) => {
        ctx.status = 404;
        ctx.type = "text/plain";
        ctx.body = "host 404";
      });
      return listen(createServer(app.callback()), mountPath);
    },
  };
}

export const koa2Target = koaTarget("Koa 2", koa2 as unknown as typeof Koa);
export const koa3Target = koaTarget("Koa 3", koa3);
