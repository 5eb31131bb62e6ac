import { describe, expect, it } from "vitest";
import { makeAgent, readSse, rpc, rpcRequest, userMessage } from "./helpers.js";

describe("smoke", () => {
  it("runs a task end to end", async () => {
    const a2a = makeAgent({
      executor: async (ctx, task) => {
        await task.working();
        await task.artifact(`echo: ${ctx.text}`);
        await task.complete("done");
      },
    });
    const body = await rpc(a2a, "SendMessage", { message: userMessage("hi") });
    expect(body.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(body.result.task.artifacts[0].parts[0].text).toBe("echo: hi");
    const got = await rpc(a2a, "GetTask", { id: body.result.task.id });
    expect(got.result.id).toBe(body.result.task.id);
    const stream = await a2a.fetch(
      rpcRequest("SendStreamingMessage", { message: userMessage("s") }),
    );
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    const events = await readSse(stream);
    expect(events.map((e) => Object.keys(e.result)[0])).toEqual([
      "task",
      "statusUpdate",
      "artifactUpdate",
      "statusUpdate",
    ]);
  });
});
