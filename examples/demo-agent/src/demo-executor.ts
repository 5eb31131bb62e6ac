import type { AgentExecuteFn, Message } from "@a2a-mount/core";

/** The commands the demo agent understands, as shown by `/help`. */
export const DEMO_COMMANDS = [
  "<any text>       a task that streams your text back as an artifact in two chunks",
  "/message <text>  a plain message, no task",
  "/slow <seconds>  a task that reports progress every second (try cancel and subscribe)",
  "/input           a task that asks for input and completes on your next message",
  "/fail            a task that fails",
  "/reject          a task that is rejected",
  "/help            this list",
];

const MAX_SLOW_SECONDS = 600;

function agentMessage(text: string): Message {
  return { messageId: crypto.randomUUID(), role: "ROLE_AGENT", parts: [{ text }] };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The demo agent's executor: one command per message (see {@link DEMO_COMMANDS}), so every
 * part of the protocol can be tried with curl or any A2A client.
 */
export const demoExecutor: AgentExecuteFn = async (ctx, task) => {
  const text = ctx.text.trim();
  if (ctx.task?.status?.state === "TASK_STATE_INPUT_REQUIRED") {
    await task.working();
    await task.complete(`Thanks! You answered: ${text}`);
    return;
  }
  const space = text.indexOf(" ");
  const command = text.startsWith("/") ? (space === -1 ? text : text.slice(0, space)) : "";
  const argument = space === -1 ? "" : text.slice(space + 1).trim();
  switch (command) {
    case "/help":
      return agentMessage(DEMO_COMMANDS.join("\n"));
    case "/message":
      return agentMessage(argument || "(an empty message)");
    case "/input":
      await task.inputRequired("What is your name? Reply on this task.");
      return;
    case "/fail":
      await task.fail("Failed on purpose (/fail).");
      return;
    case "/reject":
      await task.reject("Rejected on purpose (/reject).");
      return;
    case "/slow": {
      const asked = Math.floor(Number(argument));
      const seconds = Number.isFinite(asked) && asked > 0 ? Math.min(asked, MAX_SLOW_SECONDS) : 5;
      await task.working(`Working for ${seconds} s`);
      for (let second = 1; second <= seconds; second++) {
        await pause(1000, ctx.signal);
        if (ctx.signal.aborted) return; // canceled: the task is already CANCELED
        await task.working(`${second}/${seconds} s`);
      }
      await task.complete(`Done after ${seconds} s.`);
      return;
    }
    default: {
      await task.working("Echoing");
      const half = Math.ceil(text.length / 2);
      const artifactId = await task.artifact({
        name: "echo",
        parts: [{ text: text.slice(0, half) }],
      });
      await task.artifact(
        { artifactId, parts: [{ text: text.slice(half) }] },
        { append: true, lastChunk: true },
      );
      await task.complete("Echoed.");
    }
  }
};
