import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cardRequest, readSse, rpcRequest, userMessage } from "./helpers.js";

/** The README's example, extracted verbatim and imported as a module. */
async function loadReadmeExample() {
  const readme = await readFile(
    fileURLToPath(new URL("../../../README.md", import.meta.url)),
    "utf8",
  );
  const block = /<!-- example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- example:end -->/.exec(readme);
  if (!block) throw new Error("README example block not found");
  const dir = new URL("./.generated/", import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL("readme-example.ts", dir);
  await writeFile(file, block[1]!);
  return import(/* @vite-ignore */ file.href);
}

describe("README example", () => {
  it("serves the card, a task and a stream exactly as documented", async () => {
    const example = await loadReadmeExample();
    const fetch: (request: Request) => Promise<Response> = example.default.fetch;

    const card = await (
      await fetch(cardRequest("http://localhost:3000/.well-known/agent-card.json"))
    ).json();
    expect(card.name).toBe("Echo agent");
    expect(card.supportedInterfaces[0].url).toBe("http://localhost:3000/a2a");

    const url = "http://localhost:3000/a2a";
    const sent = await (
      await fetch(rpcRequest("SendMessage", { message: userMessage("hello") }, { url }))
    ).json();
    expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(sent.result.task.artifacts[0].parts[0].text).toBe("You said: hello");

    const empty = await (
      await fetch(rpcRequest("SendMessage", { message: userMessage("") }, { url }))
    ).json();
    expect(empty.result.task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");

    const events = await readSse(
      await fetch(rpcRequest("SendStreamingMessage", { message: userMessage("hi") }, { url })),
    );
    expect(events.map((e) => Object.keys(e.result)[0])).toEqual([
      "task",
      "statusUpdate",
      "artifactUpdate",
      "statusUpdate",
    ]);

    // The README's resume: the events after the second one, as the documented curl asks.
    const taskId = events[0].result.task.id;
    const resumed = await readSse(
      await fetch(
        new Request(`${url}/tasks/${taskId}:subscribe`, {
          headers: { "A2A-Version": "1.0", "Last-Event-ID": `${taskId}:2` },
        }),
      ),
    );
    expect(resumed.map((e) => Object.keys(e)[0])).toEqual(["artifactUpdate", "statusUpdate"]);
    expect(resumed).toEqual(events.slice(2).map((e) => e.result));
  });
});
