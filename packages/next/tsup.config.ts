import { defineConfig } from "tsup";
import { requireEsmEntries } from "../../scripts/require-esm-entries.mjs";

export default defineConfig({
  entry: ["src/index.ts"],
  // `cjs` for the `.d.cts` types; its JavaScript is replaced (see requireEsmEntries).
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  external: ["@a2a-mount/core"],
  onSuccess: requireEsmEntries("dist", ["index"]),
});
