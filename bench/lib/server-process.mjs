import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const probe = fileURLToPath(new URL("./probe.mjs", import.meta.url));

/** The CPU the servers run on; the load generator gets the other one. */
export const SERVER_CPU = "1";

/** Servers still running: killed if the bench exits without stopping them (an error). */
const running = new Set();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts one server under test, pinned to SERVER_CPU, with the GC probe preloaded, and
 * resolves once it listens. `memory()` forces a GC in it and reads its memory.
 */
export function startServer(server, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), "a2a-bench-"));
  const memFile = join(dir, "mem.json");
  const child = spawn(
    "taskset",
    [
      "-c",
      SERVER_CPU,
      process.execPath,
      "--expose-gc",
      "--import",
      probe,
      server.script,
      ...(server.args ?? []),
    ],
    {
      cwd: server.cwd,
      env: {
        ...process.env,
        ...env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        PORT: "0",
        BENCH_MEM_FILE: memFile,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  running.add(child);
  child.on("exit", () => running.delete(child));
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${server.id} did not start:\n${output}`)),
      60_000,
    );
    const onData = (chunk) => {
      output += chunk;
      const port =
        /READY (\d+)/.exec(output)?.[1] ??
        (output.includes("Ready") ? /Local:\s+http:\/\/[^:]+:(\d+)/.exec(output)?.[1] : undefined);
      if (!port) return;
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.stdout.resume();
      child.stderr.resume();
      resolve({
        pid: child.pid, // taskset execs node, so this is the server's own pid
        url: `http://127.0.0.1:${port}${server.path}`,
        async memory() {
          rmSync(memFile, { force: true });
          process.kill(child.pid, "SIGUSR2");
          for (let i = 0; i < 200; i++) {
            await new Promise((r) => setTimeout(r, 25));
            try {
              return JSON.parse(readFileSync(memFile, "utf8"));
            } catch {}
          }
          throw new Error(`${server.id}: no memory reading`);
        },
        stop() {
          child.kill("SIGKILL");
          rmSync(dir, { recursive: true, force: true });
        },
      });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => reject(new Error(`${server.id} exited with ${code}:\n${output}`)));
  });
}
