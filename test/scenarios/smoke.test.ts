import { afterEach, describe, expect, it } from "vitest";
import { makeTestAgent } from "../harness/agent.js";
import { rpc, userMessage } from "../harness/client.js";
import { type Running, targets } from "../harness/targets/index.js";

describe.each(targets)("$name: smoke", (target) => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it("sends a message and reads the completed task back", async () => {
    const { a2a } = makeTestAgent();
    running = await target.start(a2a);
    const sent = await rpc(running, "SendMessage", { message: userMessage("hello") });
    expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    const got = await rpc(running, "GetTask", { id: sent.result.task.id });
    expect(got.result.artifacts[0].parts.map((p: { text: string }) => p.text).join("")).toBe(
      "hello",
    );
  });

  it("streams events as they happen", async () => {
    const agent = makeTestAgent();
    running = await target.start(agent.a2a);
    const stream = await running.stream(running.url, {
      method: "POST",
      headers: { "content-type": "application/json", "a2a-version": "1.0" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "SendStreamingMessage",
        params: { message: userMessage("slow") },
      }),
    });
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    const first = (await stream.nextEvent()) as { result: { task: { status: { state: string } } } };
    expect(first.result.task.status.state).toBe("TASK_STATE_SUBMITTED");
    const working = (await stream.nextEvent()) as {
      result: { statusUpdate: { status: { state: string } } };
    };
    expect(working.result.statusUpdate.status.state).toBe("TASK_STATE_WORKING");
    agent.release();
    const rest = await stream.rest();
    expect(rest).toContain("TASK_STATE_COMPLETED");
  });
});
