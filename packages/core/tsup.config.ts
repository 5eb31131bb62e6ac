import { defineConfig } from "tsup";
import { requireEsmEntries } from "../../scripts/require-esm-entries.mjs";

export default defineConfig({
  // The Node bridge is its own entry, so the main one stays free of node: imports.
  entry: {
    index: "src/index.ts",
    "node/index": "src/node/index.ts",
    // What the adapters build on: not for apps.
    "node/internal": "src/node/internal.ts",
    "wire/index": "src/wire/index.ts",
    "wire/v03/index": "src/wire/v03/index.ts",
  },
  // `cjs` for the `.d.cts` types; its JavaScript is replaced (see requireEsmEntries).
  format: ["esm", "cjs"],
  // Node types only matter to the bridge; the main entry is checked without them (tsconfig.json).
  dts: { compilerOptions: { types: ["node"] } },
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  external: [/^node:/],
  onSuccess: requireEsmEntries("dist", [
    "index",
    "node/index",
    "node/internal",
    "wire/index",
    "wire/v03/index",
  ]),
});
