import { describe, expect, it } from "vitest";
import { BASE, type Json, makeAgent, rpc, userMessage } from "./helpers.js";

/** `protocolVersions: ["1.0"]`: an agent that serves A2A 1.0 only. */

const CARD_URL = `${BASE}/.well-known/agent-card.json`;

function agent(protocolVersions?: ("1.0" | "0.3")[]) {
  return makeAgent({
    protocolVersions,
    executor: async (ctx, task) => task.complete(`echo: ${ctx.text}`),
  });
}

async function json(response: Response): Promise<{ status: number; body: Json }> {
  return { status: response.status, body: await response.json() };
}

describe("an agent serving 1.0 only", () => {
  it("answers a card request without A2A-Version with the pure 1.0 card", async () => {
    const only1 = agent(["1.0"]);
    const { status, body } = await json(await only1.fetch(new Request(CARD_URL)));
    expect(status).toBe(200);
    expect(body.supportedInterfaces).toHaveLength(2);
    for (const field of ["url", "preferredTransport", "additionalInterfaces", "protocolVersion"]) {
      expect(body).not.toHaveProperty(field);
    }
    const asked = await only1.fetch(new Request(CARD_URL, { headers: { "a2a-version": "1.0" } }));
    expect(await asked.json()).toEqual(body);
  });

  it("refuses the 0.3 card", async () => {
    const only1 = agent(["1.0"]);
    const { status, body } = await json(
      await only1.fetch(new Request(CARD_URL, { headers: { "a2a-version": "0.3" } })),
    );
    expect(status).toBe(400);
    expect(body.error.details[0].reason).toBe("VERSION_NOT_SUPPORTED");
    expect(body.error.details[0].metadata.supportedVersions).toBe("1.0");
  });

  it("has no 0.3 JSON-RPC methods", async () => {
    const only1 = agent(["1.0"]);
    const params = { message: { ...userMessage("hi"), role: "user", kind: "message" } };
    const bare = await only1.fetch(
      new Request(BASE, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "message/send", params }),
      }),
    );
    expect((await bare.json()).error.code).toBe(-32601);
    const asked = await rpc(only1, "message/send", params, { headers: { "a2a-version": "0.3" } });
    expect(asked.error.code).toBe(-32009);
    // 1.0 still works, with or without the header.
    const sent = await rpc(only1, "SendMessage", { message: userMessage("hi") });
    expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("has no 0.3 routes: /v1 is a tenant named v1", async () => {
    const only1 = agent(["1.0"]);
    const send = await only1.fetch(
      new Request(`${BASE}/v1/message:send`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: userMessage("hi") }),
      }),
    );
    expect(send.status).toBe(200);
    const task = (await send.json()).task;
    expect(task.status.state).toBe("TASK_STATE_COMPLETED");
    // The task lives in tenant v1, as a 1.0 task.
    const got = await rpc(only1, "GetTask", { id: task.id, tenant: "v1" });
    expect(got.result.id).toBe(task.id);
    const card = await only1.fetch(new Request(`${BASE}/v1/card`));
    expect(card.status).toBe(404);
  });

  it("is the same as the default for 1.0 and 0.3 together, in any order", async () => {
    const both = agent(["0.3", "1.0"]);
    const card = await (await both.fetch(new Request(CARD_URL))).json();
    expect(card.url).toBe(BASE);
    expect(card.supportedInterfaces).toHaveLength(2);
  });

  it("refuses a list without 1.0 at start-up", () => {
    expect(() => agent(["0.3"])).toThrow(/protocolVersions: must include 1.0/);
    expect(() => agent([])).toThrow(/protocolVersions/);
  });
});
