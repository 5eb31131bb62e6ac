import {
  type A2A,
  type AgentExecutorObject,
  createA2A,
  type RequestContext,
  silentLogger,
} from "@a2a-mount/core";
import { type Frame, sseFrames } from "../../../core/test/helpers.js";
import { createPostgresTaskStore, type PostgresTaskStore } from "../../src/index.js";

export const BASE = "http://agent.test/a2a";

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
export type Json = any;

/** One "server instance" in this process: an agent on its own store over the shared database. */
export interface Instance {
  name: string;
  a2a: A2A;
  store: PostgresTaskStore;
  /** What the agent was asked to do here, in order (message texts). */
  ran: string[];
  /** When each run here saw its signal fire, and its cancel hook run (ms since the epoch). */
  aborted: Map<string, number>;
  canceled: Map<string, number>;
  close(): Promise<void>;
}

/** Gates the test opens to let a waiting agent go on, by name. */
export const gates = new Map<string, () => void>();

function waitFor(name: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    gates.set(name, resolve);
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/**
 * The test agent. `wait <name>`: WORKING, then waits for gate `name` (or a cancel), then
 * COMPLETED. `ask`: INPUT_REQUIRED; a continuation `wait <name>` waits likewise, anything else
 * completes. Any other text: one WORKING then COMPLETED.
 */
function executor(instance: Pick<Instance, "name" | "ran" | "aborted" | "canceled">) {
  const agent: AgentExecutorObject = {
    async execute(ctx: RequestContext, task) {
      instance.ran.push(ctx.text);
      ctx.signal.addEventListener("abort", () => instance.aborted.set(ctx.taskId, Date.now()), {
        once: true,
      });
      const [verb, name] = ctx.text.split(" ");
      if (verb === "ask" && !ctx.task) {
        await task.inputRequired(`${instance.name} asks for more`);
        return;
      }
      await task.working(`${instance.name} works`);
      if (verb === "wait") {
        await waitFor(name!, ctx.signal);
        if (ctx.signal.aborted) return;
      }
      await task.complete(`${instance.name} done`);
    },
    cancel(ctx) {
      instance.canceled.set(ctx.taskId, Date.now());
    },
  };
  return agent;
}

/** Opens an instance named `name` on the database at `url`. */
export async function openInstance(
  name: string,
  url: string,
  options: { leaseMs?: number; pollIntervalMs?: number } = {},
): Promise<Instance> {
  const store = await createPostgresTaskStore({
    connectionString: url,
    logger: silentLogger,
    pollIntervalMs: options.pollIntervalMs,
  });
  const partial = { name, ran: [] as string[], aborted: new Map(), canceled: new Map() };
  const a2a = createA2A({
    card: {
      name: "multi",
      description: "test",
      version: "1.0.0",
      skills: [{ id: "work", name: "Work", description: "Works", tags: ["test"] }],
    },
    executor: executor(partial),
    taskStore: store,
    basePath: "/a2a",
    logger: silentLogger,
    leaseMs: options.leaseMs,
  });
  return { ...partial, a2a, store, close: () => store.close() };
}

let nextId = 1;

export function message(text: string, extra: Record<string, unknown> = {}) {
  return { messageId: `m-${nextId++}`, role: "ROLE_USER", parts: [{ text }], ...extra };
}

export function rpcRequest(method: string, params: unknown, headers: Record<string, string> = {}) {
  return new Request(BASE, {
    method: "POST",
    headers: { "content-type": "application/json", "a2a-version": "1.0", ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
}

export async function rpc(a2a: A2A, method: string, params: unknown): Promise<Json> {
  return (await a2a.fetch(rpcRequest(method, params))).json();
}

/** Collects a stream's frames until it ends (bounded). */
export async function collect(response: Response, timeoutMs = 10_000): Promise<Frame[]> {
  const frames: Frame[] = [];
  const reading = (async () => {
    for await (const frame of sseFrames(response)) frames.push(frame);
  })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    reading,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("stream did not end in time")), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  return frames;
}

/** Waits until `check` holds (bounded). */
export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The state a frame shows, whatever its kind. */
export function stateOf(data: Json): string | undefined {
  const result = data.result ?? data;
  return result.task?.status?.state ?? result.statusUpdate?.status?.state;
}
