// Where the promises of one request are made: the agent's `handle` in a loop, and for 100
// requests of a scenario, every promise's creation site (two frames), per request.
// Usage: node bench/promise-sites.mjs <scenario>   (a diagnostic; not part of `npm run bench`)
import { createHook } from "node:async_hooks";
import { silentLogger } from "@a2a-mount/core";
import { internalsOf } from "@a2a-mount/core/internal";
import { createDemoAgent } from "@a2a-mount/demo-agent";
import { SCENARIOS } from "./lib/scenarios.mjs";

const scenario = SCENARIOS.find((s) => s.id === process.argv[2]);
const a2a = createDemoAgent({ basePath: "/a2a", logger: silentLogger });
const { handle } = internalsOf(a2a);
const HEADERS = { "content-type": "application/json", "a2a-version": "1.0" };
const input = (body) => ({
  method: "POST",
  path: "/a2a",
  search: "",
  origin: { protocol: "http", host: "x" },
  header: (n) => HEADERS[n] ?? null,
  headers: () => new Headers(HEADERS),
  text: async () => body,
});
async function once(body) {
  const r = await handle(input(body));
  if (typeof r.body === "object" && r.body) while ((await r.body.next()) !== undefined) {}
}
const body = scenario.body();
for (let i = 0; i < 2000; i++) await once(body);
const sites = new Map();
Error.stackTraceLimit = 12;
const hook = createHook({
  init(_id, type) {
    if (type !== "PROMISE") return;
    const stack = new Error().stack
      .split("\n")
      .slice(2)
      .map((l) => l.trim())
      .filter((l) => !l.includes("node:internal/async_hooks") && !l.includes("promise-sites"));
    const site = stack
      .slice(0, 2)
      .join(" <- ")
      .replace(/file:\/\/\/work\/main\/[^ )]*\//g, "");
    sites.set(site, (sites.get(site) ?? 0) + 1);
  },
});
hook.enable();
for (let i = 0; i < 100; i++) await once(body);
hook.disable();
for (const [k, v] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 40))
  console.log((v / 100).toFixed(1).padStart(5), k);
