import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./wrk.lua", import.meta.url));

/** The CPU the load generator runs on. */
export const LOAD_CPU = "0";

/** Installs Debian's wrk when it is missing (needs apt and root, as on the bench machine). */
export function ensureWrk() {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
  } catch (error) {
    if (error.code !== "ENOENT" && error.status === undefined) throw error;
    if (error.code === "ENOENT") {
      console.log("Installing wrk (apt-get install wrk)...");
      execFileSync("apt-get", ["install", "-y", "wrk"], { stdio: "inherit" });
    }
  }
}

/** One wrk run against `url`, pinned to LOAD_CPU; resolves with its summary. */
export function runWrk({ url, body, connections, seconds, limit = 0 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "taskset",
      [
        "-c",
        LOAD_CPU,
        "wrk",
        "-t1",
        `-c${connections}`,
        `-d${seconds}s`,
        "--timeout",
        "10s",
        "-s",
        script,
        url,
      ],
      {
        env: { ...process.env, BENCH_BODY: body, BENCH_LIMIT: String(limit) },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", () => {
      const line = /BENCH (\{.*\})/.exec(output)?.[1];
      if (!line) return reject(new Error(`wrk failed:\n${output}`));
      resolve(JSON.parse(line));
    });
  });
}
