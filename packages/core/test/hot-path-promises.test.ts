import { createHook } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import type { HttpInput } from "../src/http/exchange.js";
import type { AgentExecuteFn } from "../src/index.js";
import { internalsOf } from "../src/transport/agent.js";
import { type Json, makeAgent, userMessage } from "./helpers.js";

/**
 * The promises one request creates (async frames, awaits, the run's waits), counted as the
 * bench counts them: issue 14 asks for at most 20 per 4-event task request. A count, not a
 * time, so it holds on any machine; an async frame added on the hot path fails it.
 */

const fourEvents: AgentExecuteFn = async (_ctx, task) => {
  await task.working();
  const artifactId = await task.artifact({ parts: [{ text: "half" }] });
  await task.artifact({ artifactId, parts: [{ text: "other half" }] }, { append: true });
  await task.complete("done");
};

const HEADERS: Record<string, string> = {
  "content-type": "application/json",
  "a2a-version": "1.0",
};

function input(body: string): HttpInput {
  return {
    method: "POST",
    path: "/a2a",
    search: "",
    origin: { protocol: "http", host: "agent.test" },
    header: (name) => HEADERS[name] ?? null,
    headers: () => new Headers(HEADERS),
    text: async () => body,
  };
}

const body = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "SendMessage",
  params: { message: userMessage("hi") },
});

/** Promises per request, and the result of the last one. */
async function promisesPerRequest(executor: AgentExecuteFn): Promise<[number, Json]> {
  const { handle } = internalsOf(makeAgent({ executor }));
  let result: Json;
  const once = async () => {
    const reply = await handle(input(body));
    result = JSON.parse(reply.body as string).result;
  };
  for (let i = 0; i < 50; i++) await once();
  let promises = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === "PROMISE") promises++;
    },
  });
  const requests = 100;
  hook.enable();
  try {
    for (let i = 0; i < requests; i++) await once();
  } finally {
    hook.disable();
  }
  return [promises / requests, result];
}

describe("promises per request", () => {
  it("a 4-event task request creates at most 20, the agent's own awaits included", async () => {
    const [promises, result] = await promisesPerRequest(fourEvents);
    expect(result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(result.task.artifacts[0].parts).toEqual([{ text: "half" }, { text: "other half" }]);
    expect(promises).toBeLessThanOrEqual(20);
  });

  it("a request answered by a message creates at most 14", async () => {
    const answer: AgentExecuteFn = async () => ({
      messageId: "reply",
      role: "ROLE_AGENT",
      parts: [{ text: "hello" }],
    });
    const [promises, result] = await promisesPerRequest(answer);
    expect(result.message.parts).toEqual([{ text: "hello" }]);
    expect(promises).toBeLessThanOrEqual(14);
  });
});
