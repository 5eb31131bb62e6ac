// The Koa adapter on Koa 3.
import { createServer } from "node:http";
import { silentLogger } from "@a2a-mount/core";
import { createDemoAgent } from "@a2a-mount/demo-agent";
import { a2aKoa } from "@a2a-mount/koa";
import Koa from "koa";
import { listen } from "../lib/listen.mjs";

const a2a = createDemoAgent({ logger: silentLogger });
const app = new Koa();
app.use(a2aKoa(a2a, { path: "/a2a" }));
listen(createServer(app.callback()));
