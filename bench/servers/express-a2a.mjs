// The Express adapter on Express 5.
import { createServer } from "node:http";
import { silentLogger } from "@a2a-mount/core";
import { createDemoAgent } from "@a2a-mount/demo-agent";
import { a2aExpress } from "@a2a-mount/express";
import express from "express";
import { listen } from "../lib/listen.mjs";

const a2a = createDemoAgent({ logger: silentLogger });
const app = express();
app.use("/a2a", a2aExpress(a2a));
listen(createServer(app));
