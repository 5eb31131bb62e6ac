import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** Absolute, so the config works from the root and from inside a package. */
const dir = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "core",
          root: dir("./packages/core"),
          include: ["test/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "postgres",
          root: dir("./packages/postgres"),
          include: ["test/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          // Each file's database is its own; files share one server.
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "adapters",
          root: dir("./test"),
          include: [
            "scenarios/**/*.test.ts",
            "unit/**/*.test.ts",
            "e2e/**/*.test.ts",
            "interop/**/*.test.ts",
            "packaging/**/*.test.ts",
          ],
        },
      },
    ],
  },
});
