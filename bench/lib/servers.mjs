import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const nextBin = createRequire(here("../../examples/next/package.json")).resolve(
  "next/dist/bin/next",
);

/**
 * The servers under test. `path` is the agent's JSON-RPC endpoint; `a2a` says whether it does
 * A2A work (the floors do not); `group` names the floor it is compared with.
 */
export const SERVERS = [
  {
    id: "core-node",
    label: "a2a-mount core, node:http",
    script: here("../servers/core-node.mjs"),
    path: "/a2a",
    a2a: true,
  },
  {
    id: "express",
    label: "a2a-mount Express 5",
    script: here("../servers/express-a2a.mjs"),
    path: "/a2a",
    a2a: true,
  },
  {
    id: "koa",
    label: "a2a-mount Koa 3",
    script: here("../servers/koa-a2a.mjs"),
    path: "/a2a",
    a2a: true,
  },
  {
    id: "next",
    label: "a2a-mount Next 16 (next start)",
    script: nextBin,
    args: ["start", "-p", "0", "-H", "127.0.0.1"],
    cwd: here("../../examples/next"),
    path: "/api/a2a",
    a2a: true,
  },
  {
    id: "sdk",
    label: "@a2a-js/sdk, Express 5",
    script: here("../servers/sdk-express.mjs"),
    path: "/a2a",
    a2a: true,
  },
  {
    id: "floor-node",
    label: "floor: bare node:http",
    script: here("../servers/floor-node.mjs"),
    path: "/a2a",
    a2a: false,
  },
  {
    id: "floor-express",
    label: "floor: bare Express 5",
    script: here("../servers/floor-express.mjs"),
    path: "/a2a",
    a2a: false,
  },
];

/**
 * The core on node:http with its tasks in PostgreSQL (DATABASE_URL): measured only in the
 * PostgreSQL section of the run (`BENCH_SCENARIOS=postgres`), which starts the database.
 */
export const POSTGRES_SERVER = {
  id: "core-node-postgres",
  label: "a2a-mount core, node:http, PostgreSQL store",
  script: here("../servers/core-node-postgres.mjs"),
  path: "/a2a",
  a2a: true,
};
