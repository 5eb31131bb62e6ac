import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The packages as npm publishes them: each packed with `npm pack`, checked with
 * @arethetypeswrong/cli, and installed from the tarballs into throwaway projects outside the
 * workspace (an ES module app in TypeScript, a CommonJS app in TypeScript and one in plain
 * JavaScript), which are type-checked without the DOM lib and run.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const PACKAGES = ["core", "express", "koa", "next", "postgres"];
const tsc = join(root, "node_modules/typescript/bin/tsc");
const attw = join(root, "node_modules/@arethetypeswrong/cli/dist/index.js");

let dir: string;
const tarballs = new Map<string, string>();

async function node(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, args, { cwd, timeout: 60_000 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`node ${args.join(" ")} failed:\n${stdout ?? ""}${stderr ?? ""}`);
  }
}

/** A project outside the workspace with the tarballs (and `extra` from the registry) installed. */
async function consumer(
  name: string,
  type: "module" | "commonjs",
  extra: Record<string, string>,
): Promise<string> {
  const project = join(dir, name);
  await cp(
    fileURLToPath(new URL(`consumers/${type === "module" ? "esm" : "cjs"}`, import.meta.url)),
    project,
    {
      recursive: true,
    },
  );
  const dependencies: Record<string, string> = { ...extra };
  for (const pkg of ["core", "express"])
    dependencies[`@a2a-mount/${pkg}`] = `file:${tarballs.get(pkg)}`;
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name, private: true, type, dependencies }, null, 2),
  );
  // The workspace's installs filled npm's cache: no download for what it already holds.
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: project,
    timeout: 120_000,
  });
  // @types/node from the workspace: the consumer checks against Node's types, not the DOM's.
  await mkdir(join(project, "node_modules/@types"), { recursive: true });
  await cp(join(root, "node_modules/@types/node"), join(project, "node_modules/@types/node"), {
    recursive: true,
  });
  await cp(join(root, "node_modules/undici-types"), join(project, "node_modules/undici-types"), {
    recursive: true,
  });
  return project;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "a2a-mount-packed-"));
  const packed = join(dir, "tarballs");
  await mkdir(packed);
  for (const pkg of PACKAGES) {
    const before = new Set(await readdir(packed));
    await run("npm", ["pack", "--pack-destination", packed, "--silent"], {
      cwd: join(root, "packages", pkg),
      timeout: 60_000,
    });
    const made = (await readdir(packed)).find((file) => !before.has(file));
    if (!made) throw new Error(`npm pack made nothing for ${pkg}`);
    tarballs.set(pkg, join(packed, made));
  }
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the packed packages", () => {
  it.each(PACKAGES)(
    "@a2a-mount/%s: @arethetypeswrong/cli finds no problem",
    async (pkg) => {
      // attw exits 1 when it finds problems; its report is on stdout either way.
      const out = await run(process.execPath, [attw, tarballs.get(pkg)!, "--format", "json"], {
        cwd: dir,
        timeout: 60_000,
      }).then(
        (done) => done.stdout,
        (error: { stdout?: string }) => error.stdout ?? "",
      );
      const report = JSON.parse(out) as { problems: unknown };
      expect(report.problems).toEqual(Array.isArray(report.problems) ? [] : {});
      const entrypoints = Object.keys(
        (report as unknown as { analysis: { entrypoints: object } }).analysis.entrypoints,
      );
      if (pkg === "core") expect(entrypoints).toContain("./node");
    },
    60_000,
  );

  it("an ES module TypeScript app type-checks without the DOM lib and runs", async () => {
    const project = await consumer("esm-app", "module", {});
    await node([tsc, "-p", "."], project);
    const out = JSON.parse(await node(["dist/main.js"], project));
    expect(out).toEqual({ card: "ESM consumer", answer: "esm: hi" });
  }, 180_000);

  it("a CommonJS TypeScript app (require) type-checks without the DOM lib and runs, and so does plain require with Express", async () => {
    const project = await consumer("cjs-app", "commonjs", { express: "5.3.0" });
    await node([tsc, "-p", "."], project);
    expect(JSON.parse(await node(["dist/main.js"], project))).toEqual({
      state: "TASK_STATE_COMPLETED",
      internals: "function",
      error: true,
    });
    expect(JSON.parse(await node(["express.cjs"], project))).toEqual({ card: "CJS Express" });
  }, 180_000);
});
