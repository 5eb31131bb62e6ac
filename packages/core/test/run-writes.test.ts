import { describe, expect, it } from "vitest";
import {
  type AppendResult,
  InMemoryTaskStore,
  type TaskKey,
  type TaskLogEntry,
} from "../src/index.js";
import { gate, makeAgent, rpc, until, userMessage } from "./helpers.js";

/**
 * An in-memory store that answers its appends a turn later, as a remote one does, recording
 * the events of each append; `hold` (when set) keeps the next append whose events match it
 * from reaching the store until opened.
 */
class RemoteLikeStore extends InMemoryTaskStore {
  readonly appends: string[][] = [];
  hold:
    | { when: (entries: readonly TaskLogEntry[]) => boolean; gate: ReturnType<typeof gate<void>> }
    | undefined;

  override async append(
    key: TaskKey,
    expected: number,
    entries: readonly TaskLogEntry[],
  ): Promise<AppendResult> {
    this.appends.push(entries.map(({ event }) => describeEvent(event)));
    const held = this.hold;
    if (held?.when(entries)) {
      this.hold = undefined;
      await held.gate.promise;
    }
    await new Promise((resolve) => setImmediate(resolve));
    return super.append(key, expected, entries);
  }
}

function describeEvent(event: TaskLogEntry["event"]): string {
  if ("statusUpdate" in event) return event.statusUpdate.status.state.replace("TASK_STATE_", "");
  if ("artifactUpdate" in event) return "artifact";
  return Object.keys(event)[0]!;
}

describe("a run's writes", () => {
  it("appends the events published while a write is under way together, in order, in one append", async () => {
    const store = new RemoteLikeStore();
    const a2a = makeAgent({
      taskStore: store,
      executor: async (_ctx, task) => {
        await Promise.all([
          task.working("one"),
          task.artifact({ artifactId: "a", parts: [{ text: "x" }] }),
          task.artifact({ artifactId: "a", parts: [{ text: "y" }] }, { append: true }),
          task.complete("done"),
        ]);
      },
    });
    const { result } = await rpc(a2a, "SendMessage", { message: userMessage("go") });
    expect(result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(result.task.artifacts[0].parts).toEqual([{ text: "x" }, { text: "y" }]);
    expect(store.appends).toEqual([
      ["task", "WORKING"],
      ["artifact", "artifact", "COMPLETED"],
    ]);
    const events = await store.readEvents({ tenant: "", owner: "", taskId: result.task.id }, 0);
    expect(events?.map((e) => [e.seq, describeEvent(e.event)])).toEqual([
      [1, "task"],
      [2, "WORKING"],
      [3, "artifact"],
      [4, "artifact"],
      [5, "COMPLETED"],
    ]);
  });

  it("with the in-memory store, has an event stored by the time the agent's call returns", async () => {
    const seen: Array<string | undefined> = [];
    const a2a = makeAgent({
      executor: async (_ctx, task) => {
        const working = task.working("one");
        seen.push(task.current?.status.state);
        const artifact = task.artifact("x");
        seen.push(`${task.current?.artifacts?.length}`);
        await Promise.all([working, artifact]);
        await task.complete();
      },
    });
    const { result } = await rpc(a2a, "SendMessage", { message: userMessage("go") });
    expect(result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(seen).toEqual(["TASK_STATE_WORKING", "1"]);
  });

  it("refuses an event that cannot be serialised to its publisher alone; the events around it are written", async () => {
    const store = new RemoteLikeStore();
    const refused: unknown[] = [];
    const a2a = makeAgent({
      taskStore: store,
      executor: async (_ctx, task) => {
        await Promise.all([
          task.working("one"),
          task
            .artifact({ parts: [{ data: { n: 1n } as never }] })
            .catch((error: unknown) => refused.push(error)),
          task.complete("done"),
        ]);
      },
    });
    const { result } = await rpc(a2a, "SendMessage", { message: userMessage("go") });
    expect(result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(result.task.artifacts).toBeUndefined();
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(TypeError);
    expect(store.appends.flat()).not.toContain("artifact");
  });

  it("drops a whole batch that lost to a cancel, resolving its calls, and stops the agent", async () => {
    const store = new RemoteLikeStore();
    const calls: string[] = [];
    let signal: AbortSignal | undefined;
    const a2a = makeAgent({
      taskStore: store,
      executor: async (ctx, task) => {
        signal = ctx.signal;
        await task.working("one");
        await Promise.all([
          task.artifact("x").then(() => calls.push("artifact resolved")),
          task.complete("done").then(() => calls.push("complete resolved")),
        ]);
      },
    });
    const held = gate();
    store.hold = {
      when: (entries) => entries.some((e) => "artifactUpdate" in e.event),
      gate: held,
    };
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("go"),
      configuration: { returnImmediately: true },
    });
    const id = sent.result.task.id;
    await until(() => store.appends.some((events) => events.includes("artifact")));
    const canceled = await rpc(a2a, "CancelTask", { id });
    expect(canceled.result.status.state).toBe("TASK_STATE_CANCELED");
    held.open();
    await until(() => calls.length === 2);
    expect(signal?.aborted).toBe(true);
    const got = await rpc(a2a, "GetTask", { id });
    expect(got.result.status.state).toBe("TASK_STATE_CANCELED");
    expect(got.result.artifacts).toBeUndefined();
    const events = await store.readEvents({ tenant: "", owner: "", taskId: id }, 0);
    expect(events?.map((e) => describeEvent(e.event))).toEqual(["task", "WORKING", "CANCELED"]);
  });
});
