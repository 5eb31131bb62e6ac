// An ES module app written in TypeScript (nodenext, no DOM lib), as a user would write it
// against the published packages.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type AgentExecuteFn, createA2A } from "@a2a-mount/core";
import { toNodeHandler } from "@a2a-mount/core/node";

const executor: AgentExecuteFn = async (ctx, task) => {
  await task.complete(`esm: ${ctx.text}`);
};

const a2a = createA2A({
  card: {
    name: "ESM consumer",
    description: "Packed-tarball check",
    version: "1.0.0",
    skills: [{ id: "echo", name: "Echo", description: "Echoes", tags: ["echo"] }],
  },
  executor,
  basePath: "/a2a",
});

const server = createServer(toNodeHandler(a2a));
server.listen(0, "127.0.0.1", async () => {
  const { port } = server.address() as AddressInfo;
  const cardUrl = `http://127.0.0.1:${port}/a2a/.well-known/agent-card.json`;
  const card = (await (await fetch(cardUrl)).json()) as { name: string };
  const reply = await fetch(`http://127.0.0.1:${port}/a2a`, {
    method: "POST",
    headers: { "content-type": "application/json", "a2a-version": "1.0" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "SendMessage",
      params: { message: { messageId: "m1", role: "ROLE_USER", parts: [{ text: "hi" }] } },
    }),
  });
  const { result } = (await reply.json()) as {
    result: { task: { status: { message: { parts: { text: string }[] } } } };
  };
  console.log(
    JSON.stringify({ card: card.name, answer: result.task.status.message.parts[0]?.text }),
  );
  server.close();
});
