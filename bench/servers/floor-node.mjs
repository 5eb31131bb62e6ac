// The floor: bare node:http reading and parsing the JSON-RPC body, answering a fixed
// response of the size a2a-mount sends for the same scenario, and doing no A2A work.
import { createServer } from "node:http";
import { listen } from "../lib/listen.mjs";

const body = Buffer.from(process.env.BENCH_FLOOR_BODY ?? '{"jsonrpc":"2.0","id":1,"result":{}}');
listen(
  createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      try {
        JSON.parse(Buffer.concat(chunks).toString());
      } catch {}
      res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      res.end(body);
    });
  }),
);
