import { defineConfig } from "tsup";
import { requireEsmEntries } from "../../scripts/require-esm-entries.mjs";

export default defineConfig({
  entry: ["src/index.ts", "src/cli.ts"],
  // `cjs` for the `.d.cts` types; its JavaScript is replaced (see requireEsmEntries).
  format: ["esm", "cjs"],
  dts: { entry: "src/index.ts" },
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "node",
  external: ["@a2a-mount/core", "pg"],
  onSuccess: requireEsmEntries("dist", ["index"]),
});
