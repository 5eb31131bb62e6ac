import { mkdir, readFile, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type Json, rpcRequest, userMessage } from "./helpers.js";

/** The README's push example, extracted verbatim and imported as a module. */
async function loadPushExample() {
  const readme = await readFile(
    fileURLToPath(new URL("../../../README.md", import.meta.url)),
    "utf8",
  );
  const block =
    /<!-- push-example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- push-example:end -->/.exec(readme);
  if (!block) throw new Error("README push example block not found");
  const dir = new URL("./.generated/", import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL("readme-push-example.ts", dir);
  await writeFile(file, block[1]!);
  return import(/* @vite-ignore */ file.href);
}

let receiver: Server | undefined;
afterAll(() => {
  receiver?.closeAllConnections();
  receiver?.close();
});

describe("README push example", () => {
  it("delivers the task's events to the receiver, which keeps them once each", async () => {
    const example = await loadPushExample();
    receiver = example.receiver as Server;
    let requests = 0;
    receiver.on("request", () => requests++);
    await new Promise<void>((resolve) => receiver!.listen(0, "127.0.0.1", resolve));
    const { port } = receiver.address() as AddressInfo;
    const url = "http://localhost:3000/";
    const card = await (
      await example.agent.fetch(new Request(`${url}.well-known/agent-card.json`))
    ).json();
    expect(card.capabilities.pushNotifications).toBe(true);
    const sent = await (
      await example.agent.fetch(
        rpcRequest(
          "SendMessage",
          {
            message: userMessage("Q1 sales"),
            configuration: {
              taskPushNotificationConfig: {
                url: `http://127.0.0.1:${port}/hook`,
                authentication: { scheme: "Bearer", credentials: "my-webhook-secret" },
              },
            },
          },
          { url },
        ),
      )
    ).json();
    expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const received = example.received as Json[];
    const deadline = Date.now() + 5000;
    while (received.length < 4 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(received.map((event) => Object.keys(event)[0])).toEqual([
      "task",
      "statusUpdate",
      "artifactUpdate",
      "statusUpdate",
    ]);
    expect(received[2].artifactUpdate.artifact.parts[0].text).toBe("Report on Q1 sales");
    expect(received[3].statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");

    // A wrong secret is refused by the receiver: the agent's delivery fails, not the task.
    const refused = await (
      await example.agent.fetch(
        rpcRequest(
          "SendMessage",
          {
            message: userMessage("Q2"),
            configuration: {
              taskPushNotificationConfig: {
                url: `http://127.0.0.1:${port}/hook`,
                authentication: { scheme: "Bearer", credentials: "wrong" },
              },
            },
          },
          { url },
        ),
      )
    ).json();
    expect(refused.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    // Each of its four events was tried once (a 401 gives that event up), and none kept.
    while (requests < 8 && Date.now() < deadline + 5000) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(requests).toBe(8);
    expect(received).toHaveLength(4);
  });
});
