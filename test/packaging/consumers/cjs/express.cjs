// Plain CommonJS: the Express adapter and the core, required, serving one request.
const express = require("express");
const { createA2A } = require("@a2a-mount/core");
const { a2aExpress } = require("@a2a-mount/express");

const a2a = createA2A({
  card: {
    name: "CJS Express",
    description: "Packed-tarball check",
    version: "1.0.0",
    skills: [{ id: "echo", name: "Echo", description: "Echoes", tags: ["echo"] }],
  },
  executor: async (ctx, task) => {
    await task.complete(`express: ${ctx.text}`);
  },
});
const app = express();
app.use("/a2a", a2aExpress(a2a));
const server = app.listen(0, "127.0.0.1", async () => {
  const { port } = server.address();
  const card = await (
    await fetch(`http://127.0.0.1:${port}/a2a/.well-known/agent-card.json`)
  ).json();
  console.log(JSON.stringify({ card: card.name }));
  server.close();
});
