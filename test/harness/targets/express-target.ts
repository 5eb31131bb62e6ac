import { createServer } from "node:http";
import { a2aExpress, a2aWellKnown } from "@a2a-mount/express";
import compression from "compression";
import cors from "cors";
import type express from "express";
import express4 from "express4";
import express5 from "express5";
import { listen } from "./http-running.js";
import { DEFAULT_SETUP, SUB_ROUTER_PATH, type Target } from "./target.js";

type ExpressFactory = typeof express;

function expressTarget(name: string, framework: ExpressFactory): Target {
  return {
    name,
    http: true,
    supports: {
      subRouter: true,
      bodyParser: true,
      compression: true,
      cors: true,
      auth: true,
      hostCookie: true,
    },
    async start(agent, partial = {}) {
      const setup = { ...DEFAULT_SETUP, ...partial };
      const app = framework();
      if (setup.compression) app.use(compression());
      if (setup.cors) app.use(cors());
      if (setup.auth) {
        app.use((req, _res, next) => {
          const id = req.get("x-user");
          if (id) (req as { user?: unknown }).user = { id, role: "tester" };
          next();
        });
      }
      if (setup.hostCookie) {
        app.use((_req, res, next) => {
          res.cookie("host", "1");
          next();
        });
      }
      if (setup.bodyParser) app.use(framework.json());
      let mountPath = setup.mountPath;
      if (setup.subRouter) {
        // /api -> /v1 -> /a2a: three levels of mounting, as a real app's API router would.
        const api = framework.Router();
        const v1 = framework.Router();
        v1.use("/a2a", a2aExpress(agent));
        api.use("/v1", v1);
        app.use("/api", api);
        mountPath = SUB_ROUTER_PATH;
      } else {
        app.use(setup.mountPath, a2aExpress(agent));
      }
      if (setup.wellKnown) app.use(a2aWellKnown(agent, { agentPath: mountPath }));
      app.use((_req, res) => {
        res.status(404).type("text/plain").send("host 404");
      });
      return listen(createServer(app), mountPath);
    },
  };
}

export const express4Target = expressTarget("Express 4", express4 as unknown as ExpressFactory);
export const express5Target = expressTarget("Express 5", express5);
