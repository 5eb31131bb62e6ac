import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { toNodeHandler, webhookSender } from "../src/node/index.js";
import { type Json, makeAgent, rpcRequest, userMessage } from "./helpers.js";
import { PushReceiver } from "./push-receiver.js";

/**
 * A README example (between `<!-- <name>:start -->` and `<!-- <name>:end -->`), extracted
 * verbatim but for `replace` (its placeholder URLs), and imported as a module.
 */
async function loadExample(name: string, replace: Record<string, string> = {}) {
  const readme = await readFile(
    fileURLToPath(new URL("../../../README.md", import.meta.url)),
    "utf8",
  );
  const start = readme.indexOf(`<!-- ${name}:start -->`);
  const end = readme.indexOf(`<!-- ${name}:end -->`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(start, end));
  if (start < 0 || end < 0 || !block) throw new Error(`README block ${name} not found`);
  let code = block[1]!;
  for (const [from, to] of Object.entries(replace)) {
    expect(code).toContain(from);
    code = code.replaceAll(from, to);
  }
  const dir = new URL("./.generated/", import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL(`readme-${name}.ts`, dir);
  await writeFile(file, code);
  return import(/* @vite-ignore */ `${file.href}?${Date.now()}`);
}

let receiver: Server | undefined;
afterAll(() => {
  receiver?.closeAllConnections();
  receiver?.close();
});

describe("README push example", () => {
  it("delivers the task's events to the receiver, which keeps them once each", async () => {
    const example = await loadExample("push-example");
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

describe("README push verification example", () => {
  it("accepts a signed delivery once, acknowledges its replay, and refuses a forgery", async () => {
    const hook = await PushReceiver.start();
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        await task.complete();
      },
      push: {
        sender: webhookSender({ allowHosts: ["127.0.0.1"] }),
        signing: { privateKey: await exportJWK(privateKey), alg: "ES256", kid: "k1" },
      },
    });
    const agent = createServer(toNodeHandler(a2a));
    await new Promise<void>((resolve) => agent.listen(0, "127.0.0.1", resolve));
    try {
      const agentUrl = `http://127.0.0.1:${(agent.address() as AddressInfo).port}/a2a`;
      const example = await loadExample("push-verify-example", {
        "https://agent.example.com/a2a/.well-known/jwks.json": `${agentUrl}/.well-known/jwks.json`,
        "https://app.example.com/hooks/a2a": hook.url(),
      });
      const sent = await fetch(
        rpcRequest(
          "SendMessage",
          {
            message: userMessage("hi"),
            configuration: { taskPushNotificationConfig: { url: hook.url() } },
          },
          { url: agentUrl },
        ),
      );
      expect((await sent.json()).result.task.status.state).toBe("TASK_STATE_COMPLETED");
      const [delivery] = await hook.waitFor(1);
      const asRequest = (body: string) =>
        new Request(hook.url(), {
          method: "POST",
          headers: {
            "content-type": String(delivery!.headers["content-type"]),
            "a2a-notification-signature": String(delivery!.headers["a2a-notification-signature"]),
          },
          body,
        });
      const post: (request: Request) => Promise<Response> = example.POST;
      expect((await post(asRequest(delivery!.body))).status).toBe(204);
      expect((await post(asRequest(delivery!.body))).status).toBe(204); // the replay
      const forged = delivery!.body.replace("TASK_STATE_SUBMITTED", "TASK_STATE_COMPLETED");
      expect(forged).not.toBe(delivery!.body);
      expect((await post(asRequest(forged))).status).toBe(401);
    } finally {
      agent.closeAllConnections();
      agent.close();
      await hook.close();
    }
  });
});
