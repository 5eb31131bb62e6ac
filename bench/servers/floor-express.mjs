// The Express floor: Express 5 with express.json(), answering the same fixed response.
import { createServer } from "node:http";
import express from "express";
import { listen } from "../lib/listen.mjs";

const body = Buffer.from(process.env.BENCH_FLOOR_BODY ?? '{"jsonrpc":"2.0","id":1,"result":{}}');
const app = express();
app.use(express.json({ type: () => true }));
app.post("/a2a", (_req, res) => {
  res.set("content-type", "application/json").send(body);
});
listen(createServer(app));
