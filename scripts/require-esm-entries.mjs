// Shared by the packages' tsup configs. tsup builds each package as ES modules and, for
// CommonJS consumers, `.d.cts` types and `.cjs` files. The `.cjs` JavaScript is then
// replaced: each entry's `.cjs` loads the ES module entry with require() (Node >= 20.19,
// the packages' engines), and tsup's CommonJS copies of the code are deleted. So there is
// one copy of each module whether an app imports or requires it (no dual-package hazard:
// one agent registry, one A2AError class), and `.d.cts` types describe CommonJS entries as
// TypeScript and @arethetypeswrong/cli expect.
import { readdir, rm, writeFile } from "node:fs/promises";
import { join, posix } from "node:path";

/**
 * An `onSuccess` for tsup: `entries` are the entry names (`index`, `node/index`) under
 * `outDir`.
 */
export function requireEsmEntries(outDir, entries) {
  return async () => {
    for (const file of await readdir(outDir, { recursive: true })) {
      if (file.endsWith(".cjs") || file.endsWith(".cjs.map")) await rm(join(outDir, file));
    }
    for (const entry of entries) {
      const esm = `./${posix.basename(entry)}.js`;
      const source = [
        '"use strict";',
        "// The ES module itself, loaded with require(esm) (Node >= 20.19): one copy of the code",
        "// for import and require alike.",
        `module.exports = require(${JSON.stringify(esm)});`,
        "",
      ].join("\n");
      await writeFile(join(outDir, `${entry}.cjs`), source);
    }
  };
}
