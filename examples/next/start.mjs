// `npm run example:next`: builds the app, starts `next start` on PORT (default 3000) and,
// once it is ready, prints the agent card URL and a curl command to paste.
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { readyMessage, storageOf } from "@a2a-mount/demo-agent";

const next = createRequire(import.meta.url).resolve("next/dist/bin/next");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const port = process.env.PORT ?? "3000";

const build = spawnSync(process.execPath, [next, "build"], { stdio: "inherit", env });
if (build.status !== 0) process.exit(build.status ?? 1);

const server = spawn(process.execPath, [next, "start", "-p", port], {
  stdio: ["inherit", "pipe", "inherit"],
  env,
});
let announced = false;
let output = "";
server.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  if (announced) return;
  output += chunk;
  const url = /Local:\s+(http:\/\/\S+)/.exec(output)?.[1];
  if (url && output.includes("Ready")) {
    announced = true;
    console.log(`\n${readyMessage(url, "/api/a2a", storageOf(process.env.DATABASE_URL))}`);
  }
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
