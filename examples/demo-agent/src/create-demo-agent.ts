import { type A2A, type A2AOptions, createA2A } from "@a2a-mount/core";
import { demoExecutor } from "./demo-executor.js";

/** The demo agent's card. */
export const demoCard: A2AOptions["card"] = {
  name: "a2a-mount demo agent",
  description:
    "Echoes text as a streamed artifact; /message, /slow <s>, /input, /fail, /reject and /help show the rest of A2A.",
  version: "1.0.0",
  skills: [
    {
      id: "echo",
      name: "Echo",
      description: "Streams your text back as an artifact in two chunks.",
      tags: ["demo", "echo"],
      examples: ["hello world", "/slow 5", "/input", "/message hi", "/help"],
    },
  ],
};

/** The demo agent, with the bounded in-memory store; `options` override the defaults. */
export function createDemoAgent(options: Partial<A2AOptions> = {}): A2A {
  return createA2A({ card: demoCard, executor: demoExecutor, ...options });
}
