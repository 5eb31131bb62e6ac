import { type A2A, A2AError, createA2A, type PushOptions, silentLogger } from "@a2a-mount/core";
import { type AgentInternals, internalsOf } from "@a2a-mount/core/internal";

/**
 * Where an agent from `createA2A` keeps its adapter hooks. The core does not export the
 * symbol (apps have no use for it), but it is a registered one: `Symbol.for` with the core's
 * key is the very same symbol.
 */
const AGENT_INTERNALS = Symbol.for("@a2a-mount/core.agent-internals");

/**
 * `a2a` with some of its adapter hooks replaced: `handle` is what the Node bridge (and so
 * Express and Koa) calls for every request, never `fetch`. `hooks` gets the real ones to
 * wrap. Object spread copies the symbol-keyed hooks, so `{ ...a2a, fetch }` is already an
 * agent the adapters mount; this is for wrapping what they call.
 */
export function withInternals(
  a2a: A2A,
  hooks: (real: AgentInternals) => Partial<AgentInternals>,
): A2A {
  const real = internalsOf(a2a);
  // Built apart from the return: TypeScript cannot tell this symbol is the core's.
  const wrapped = { ...a2a, [AGENT_INTERNALS]: { ...real, ...hooks(real) } };
  return wrapped;
}

/** A promise with its resolver, for steering the agent from a test. */
export function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

/** What a test can observe and steer of the agent. */
export interface TestAgent {
  a2a: A2A;
  /** Principal ids the agent saw, in order. */
  principals: (string | undefined)[];
  /** Opened to let `slow` tasks finish. */
  release: () => void;
  /** Task ids whose executor saw its signal abort (a cancel). */
  aborted: Set<string>;
}

/**
 * The agent every scenario talks to. By the message text:
 * - `message`: answers with a plain Message (no task);
 * - `slow`: goes working, then waits until the test calls `release()` (or a cancel);
 * - `fail`: fails the task;
 * - `ask`: stops at input-required (a follow-up message on the task runs the agent again);
 * - `refuse late`: after 250 ms (so a stream has opened by then) refuses the request with
 *   UnsupportedOperation, before any task exists;
 * - anything else: working, an artifact echoing the text in two chunks, completed.
 *
 * With `push` (see `testPush` of ./push.js) it sends push notifications.
 */
export function makeTestAgent(
  options: { maxBodyBytes?: number; keepAliveMs?: number; push?: PushOptions } = {},
): TestAgent {
  const principals: (string | undefined)[] = [];
  const aborted = new Set<string>();
  let released = gate();
  const a2a = createA2A({
    card: {
      name: "Adapter test agent",
      description: "Echoes text; slow waits; fail fails",
      version: "1.0.0",
      skills: [{ id: "echo", name: "Echo", description: "Echoes text", tags: ["test"] }],
    },
    logger: silentLogger,
    ...options,
    executor: async (ctx, task) => {
      principals.push(ctx.principal?.id);
      if (ctx.text === "message")
        return { messageId: "reply", role: "ROLE_AGENT", parts: [{ text: "hi" }] };
      if (ctx.text === "fail") {
        await task.fail("failed on purpose");
        return;
      }
      if (ctx.text === "refuse late") {
        await new Promise((resolve) => setTimeout(resolve, 250));
        throw new A2AError("UNSUPPORTED_OPERATION", "refused on purpose");
      }
      if (ctx.text === "ask") {
        await task.inputRequired("tell me more");
        return;
      }
      await task.working("working");
      if (ctx.text === "slow") {
        ctx.signal.addEventListener("abort", () => aborted.add(ctx.taskId));
        await Promise.race([
          released.promise,
          new Promise((resolve) => ctx.signal.addEventListener("abort", resolve)),
        ]);
        if (ctx.signal.aborted) return;
      }
      const id = await task.artifact({ name: "echo", parts: [{ text: ctx.text.slice(0, 2) }] });
      await task.artifact(
        { artifactId: id, parts: [{ text: ctx.text.slice(2) }] },
        { append: true, lastChunk: true },
      );
      await task.complete("done");
    },
  });
  return {
    a2a,
    principals,
    aborted,
    release: () => {
      released.open();
      released = gate();
    },
  };
}
