import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { a2aHeaders, rpcBody, userMessage } from "../harness/client.js";

const generated = new URL("./.generated/", import.meta.url);

/** Writes the README's `mount:<name>` block next to a stand-in `./agent.js` and imports it. */
async function loadMountExample(name: string) {
  const readme = await readFile(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
  const pattern = new RegExp(
    `<!-- mount:${name}:start -->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\`\\s*<!-- mount:${name}:end -->`,
  );
  const block = pattern.exec(readme);
  if (!block) throw new Error(`README block mount:${name} not found`);
  await mkdir(generated, { recursive: true });
  await writeFile(
    new URL("agent.ts", generated),
    'import { makeTestAgent } from "../../harness/agent.js";\nexport const { a2a } = makeTestAgent();\n',
  );
  const file = new URL(`mount-${name}.ts`, generated);
  await writeFile(file, block[1]!);
  return import(/* @vite-ignore */ file.href);
}

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

async function listen(listener: RequestListener): Promise<string> {
  server = createServer(listener);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function checkServesAgentAtA2a(origin: string) {
  const card = await (
    await fetch(`${origin}/.well-known/agent-card.json`, { headers: { "a2a-version": "1.0" } })
  ).json();
  expect(card.supportedInterfaces[0].url).toBe(`${origin}/a2a`);
  const sent = await (
    await fetch(`${origin}/a2a`, {
      method: "POST",
      headers: a2aHeaders(),
      body: rpcBody("SendMessage", { message: userMessage("from the README") }),
    })
  ).json();
  expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
  expect((await fetch(`${origin}/somewhere-else`)).status).toBe(404);
}

describe("README mount examples, run as written", () => {
  it("Express", async () => {
    const { app } = await loadMountExample("express");
    await checkServesAgentAtA2a(await listen(app));
  });

  it("Koa", async () => {
    const { app } = await loadMountExample("koa");
    await checkServesAgentAtA2a(await listen(app.callback()));
  });
});
