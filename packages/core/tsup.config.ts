import { defineConfig } from "tsup";

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
  format: ["esm"],
  // Node types only matter to the bridge; the main entry is checked without them (tsconfig.json).
  dts: { compilerOptions: { types: ["node"] } },
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  external: [/^node:/],
});
