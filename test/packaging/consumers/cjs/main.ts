// A CommonJS app written in TypeScript (nodenext compiles its imports to require()), no DOM
// lib: it type-checks against the `.d.cts` types and runs.
import { A2AError, createA2A } from "@a2a-mount/core";
import { internalsOf } from "@a2a-mount/core/internal";

const a2a = createA2A({
  card: {
    name: "CJS consumer",
    description: "Packed-tarball check",
    version: "1.0.0",
    skills: [{ id: "echo", name: "Echo", description: "Echoes", tags: ["echo"] }],
  },
  executor: async (ctx, task) => {
    await task.complete(`cjs: ${ctx.text}`);
  },
});

async function main(): Promise<void> {
  const reply = await a2a.fetch(
    new Request("http://127.0.0.1/", {
      method: "POST",
      headers: { "content-type": "application/json", "a2a-version": "1.0" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "SendMessage",
        params: { message: { messageId: "m1", role: "ROLE_USER", parts: [{ text: "hi" }] } },
      }),
    }),
  );
  const body = (await reply.json()) as { result: { task: { status: { state: string } } } };
  console.log(
    JSON.stringify({
      state: body.result.task.status.state,
      internals: typeof internalsOf(a2a).handle,
      error: new A2AError("TASK_NOT_FOUND", "x") instanceof Error,
    }),
  );
}
void main();
