import { describe, expect, it } from "vitest";
import * as wire from "../src/wire/index.js";
import { cardRequest, makeAgent, readSse, rpc, rpcRequest, userMessage } from "./helpers.js";

describe("wire schemas", () => {
  it("Part is a oneof of text, raw, url and data", () => {
    expect(wire.Part.safeParse({ text: "a" }).success).toBe(true);
    expect(wire.Part.safeParse({ raw: "aGk=", mediaType: "text/plain" }).success).toBe(true);
    expect(wire.Part.safeParse({ url: "https://x/y.png", filename: "y.png" }).success).toBe(true);
    expect(wire.Part.safeParse({ data: { a: [1, 2] } }).success).toBe(true);
    expect(wire.Part.safeParse({ data: null }).success).toBe(true);
    expect(wire.Part.safeParse({}).success).toBe(false);
    expect(wire.Part.safeParse({ text: "a", url: "https://x" }).success).toBe(false);
    expect(wire.Part.safeParse({ raw: "not base64!" }).success).toBe(false);
  });

  it("SecurityScheme and OAuthFlows are oneofs", () => {
    const bearer = { httpAuthSecurityScheme: { scheme: "Bearer", bearerFormat: "JWT" } };
    expect(wire.SecurityScheme.safeParse(bearer).success).toBe(true);
    expect(wire.SecurityScheme.safeParse({ ...bearer, mtlsSecurityScheme: {} }).success).toBe(
      false,
    );
    expect(
      wire.OAuthFlows.safeParse({
        clientCredentials: { tokenUrl: "https://t", scopes: { read: "Read" } },
      }).success,
    ).toBe(true);
    expect(wire.OAuthFlows.safeParse({}).success).toBe(false);
  });

  it("enums are read by name only", () => {
    expect(wire.TaskState.safeParse("TASK_STATE_WORKING").success).toBe(true);
    expect(wire.TaskState.safeParse(2).success).toBe(false);
    expect(wire.TaskState.safeParse("working").success).toBe(false);
    expect(wire.Role.safeParse("ROLE_UNSPECIFIED").success).toBe(false);
  });

  it("int32 fields accept ProtoJSON numbers and decimal strings", () => {
    expect(wire.GetTaskRequest.parse({ id: "t", historyLength: "3" }).historyLength).toBe(3);
    expect(wire.GetTaskRequest.safeParse({ id: "t", historyLength: 2 ** 31 }).success).toBe(false);
  });

  it("everything the server writes matches the response schemas", async () => {
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        if (ctx.text === "msg")
          return { messageId: "r", role: "ROLE_AGENT", parts: [{ text: "hi" }] };
        await task.working("on it");
        await task.artifact({ parts: [{ data: { n: 1 } }] }, { lastChunk: true });
        await task.complete();
      },
    });
    const sent = await rpc(a2a, "SendMessage", { message: userMessage("x") });
    expect(wire.SendMessageResponseSchema.safeParse(sent.result).success).toBe(true);
    const msg = await rpc(a2a, "SendMessage", { message: userMessage("msg") });
    expect(wire.SendMessageResponseSchema.safeParse(msg.result).success).toBe(true);
    const events = await readSse(
      await a2a.fetch(rpcRequest("SendStreamingMessage", { message: userMessage("y") })),
    );
    expect(events).toHaveLength(4);
    for (const event of events) {
      expect(wire.StreamResponseSchema.safeParse(event.result).error).toBeUndefined();
    }
    const list = await rpc(a2a, "ListTasks", { includeArtifacts: true });
    expect(wire.ListTasksResponseSchema.safeParse(list.result).error).toBeUndefined();
    const card = await (
      await a2a.fetch(cardRequest("http://agent.test/.well-known/agent-card.json"))
    ).json();
    expect(wire.AgentCard.safeParse(card).error).toBeUndefined();
  });
});
