import { type A2A, createA2A } from "@a2a-mount/core";

/** Where the catch-all route below `app/` serves the agent. */
export const AGENT_PATH = "/api/a2a";

function create(): A2A {
  return createA2A({
    card: {
      name: "Next echo agent",
      description: "Echoes what you say, streaming the answer.",
      version: "1.0.0",
      skills: [{ id: "echo", name: "Echo", description: "Echoes text", tags: ["echo"] }],
    },
    executor: async (ctx, task) => {
      await task.working("Thinking...");
      // Word by word, with a pause, so a streaming client sees the answer grow.
      const words = ctx.text.split(" ");
      let artifactId: string | undefined;
      for (const [i, word] of words.entries()) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const text = i === 0 ? word : ` ${word}`;
        artifactId = await task.artifact(
          { artifactId, name: "echo", parts: [{ text }] },
          { append: i > 0, lastChunk: i === words.length - 1 },
        );
      }
      await task.complete("Done");
    },
  });
}

// One agent per server process, also across dev-mode reloads, so its tasks survive them.
const shared = globalThis as { a2aAgent?: A2A };
export const a2a: A2A = (shared.a2aAgent ??= create());
