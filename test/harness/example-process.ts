import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { until } from "./client.js";

/** An example app, started as its README says. */
export interface Example {
  name: string;
  dir: string;
  /** Arguments to `node`, run in `dir`. */
  args: string[];
  /** How long the example may take to print its ready message (next builds first). */
  readyMs: number;
  /** Variables set in the example's environment, on top of the user's. */
  env?: Record<string, string>;
}

/** What a started example printed. */
export interface Launched {
  child: ChildProcess;
  card: string;
  endpoint: string;
  curl: string;
  output: () => string;
}

/** Process groups started here, killed on the way out even if a hook never runs. */
const groups = new Set<number>();
process.on("exit", () => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {}
  }
});

/** Whether any live (not zombie) process is left in the process group `pgid`. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return true; // no /proc: trust kill(0)
  }
  return pids.some((pid) => {
    try {
      // After the command's closing parenthesis: state, ppid, pgrp, ...
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return Number(pgrp) === pgid && state !== "Z";
    } catch {
      return false;
    }
  });
}

export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {}
}

/** Stops the example and everything it started (next's server, tsx's child). */
export async function stop(child: ChildProcess): Promise<void> {
  const pgid = child.pid!;
  killGroup(pgid, "SIGTERM");
  try {
    await until(() => !groupAlive(pgid), 10_000);
  } catch {
    killGroup(pgid, "SIGKILL");
    await until(() => !groupAlive(pgid), 5_000);
  }
  groups.delete(pgid);
}

/** The environment of a user's shell, not vitest's. */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0" };
  for (const key of Object.keys(env)) {
    if (key === "NODE_ENV" || key.startsWith("VITEST")) delete env[key];
  }
  return env;
}

/** Starts an example with PORT=0 and resolves once it has printed its ready message. */
export function launch(example: Example): Promise<Launched> {
  const child = spawn(process.execPath, example.args, {
    cwd: example.dir,
    env: { ...userEnv(), ...example.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid !== undefined) groups.add(child.pid);
  let output = "";
  let settled = false;
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop(child).finally(() => reject(new Error(`${example.name} ${why}:\n${output}`)));
    };
    const timer = setTimeout(
      () => fail(`printed no ready message in ${example.readyMs} ms`),
      example.readyMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const card = /^Agent card: (\S+)$/m.exec(output)?.[1];
      const endpoint = /^Endpoint:\s+(\S+)$/m.exec(output)?.[1];
      const curl = /^(curl [^\n]+)\n/m.exec(output)?.[1];
      if (card && endpoint && curl && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ child, card, endpoint, curl, output: () => output });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("error", (error) => fail(`did not start: ${error.message}`));
    child.on("exit", (code, signal) => fail(`exited (${code ?? signal})`));
  });
}

/** The directory of `examples/<name>`. */
export const exampleDir = (name: string) =>
  fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

/** The tsx CLI an example runs `server.ts` with. */
export const tsxCli = (dir: string) => createRequire(`${dir}/package.json`).resolve("tsx/cli");
