import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The core's folders are layers, bottom first; a module imports from its own layer or from
 * layers below it, never above. (Import cycles are refused separately, by madge in `lint`.)
 */
const LAYERS = [
  "types", // Principal, ProtocolVersion: what every layer names
  "util", // pure helpers
  "http", // the runtime-neutral HTTP exchange (HttpInput, HttpReply)
  "errors", // A2AError and its wire mappings
  "wire", // the A2A shapes of 1.0 and 0.3, and converters between them
  "ports", // task stores, logger, clock
  "security", // schemes, verifiers, requirements
  "server", // the operations and the agent's execution
  "card", // the agent card
  "transport", // JSON-RPC, HTTP+JSON, SSE, version negotiation
  "node", // the Node bridge
  ".", // create-a2a.ts and index.ts
] as const;

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** The layer of a file below `src`: its first folder, or `.` at the top. */
function layerOf(file: string): string {
  const path = relative(SRC, file);
  return path.includes("/") ? path.split("/")[0]! : ".";
}

describe("layers", () => {
  it("every folder of src is a known layer", () => {
    const layers = new Set(sourceFiles(SRC).map(layerOf));
    expect([...layers].filter((layer) => !LAYERS.includes(layer as never))).toEqual([]);
  });

  it("import downward only", () => {
    const upward: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const rank = LAYERS.indexOf(layerOf(file) as never);
      const text = readFileSync(file, "utf8");
      for (const [, spec] of text.matchAll(/from "(\.[^"]+)"/g)) {
        const target = resolve(dirname(file), spec!);
        const targetRank = LAYERS.indexOf(layerOf(target) as never);
        if (targetRank > rank) upward.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
