// @a2a-js/sdk on Express 5 with an executor equivalent to the demo agent's echo:
// "/message <text>" answers a Message; anything else is a task with 4 events after creation
// (working, an artifact in two chunks, completed).
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { Role, TaskState } from "@a2a-js/sdk";
import { AgentEvent, DefaultRequestHandler, InMemoryTaskStore } from "@a2a-js/sdk/server";
import { jsonRpcHandler, UserBuilder } from "@a2a-js/sdk/server/express";
import express from "express";
import { listen } from "../lib/listen.mjs";

const card = {
  name: "sdk echo agent",
  description: "Echoes text",
  version: "1.0.0",
  supportedInterfaces: [
    { url: "http://127.0.0.1/a2a", protocolBinding: "JSONRPC", protocolVersion: "1.0", tenant: "" },
  ],
  capabilities: { streaming: true, pushNotifications: false, extensions: [] },
  defaultInputModes: ["text/plain"],
  defaultOutputModes: ["text/plain"],
  skills: [
    {
      id: "echo",
      name: "Echo",
      description: "Echoes text",
      tags: ["echo"],
      examples: [],
      inputModes: [],
      outputModes: [],
      securityRequirements: [],
    },
  ],
  securitySchemes: {},
  securityRequirements: [],
  signatures: [],
};

const text = (value) => ({
  content: { $case: "text", value },
  metadata: undefined,
  filename: "",
  mediaType: "",
});

function agentMessage(ctx, value) {
  return {
    messageId: randomUUID(),
    contextId: ctx.contextId,
    taskId: ctx.taskId,
    role: Role.ROLE_AGENT,
    parts: [text(value)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

const executor = {
  async execute(ctx, bus) {
    const input = ctx.userMessage.parts
      .map((p) => (p.content?.$case === "text" ? p.content.value : ""))
      .join("");
    const { taskId, contextId } = ctx;
    if (input.startsWith("/message")) {
      bus.publish(AgentEvent.message({ ...agentMessage(ctx, input.slice(9)), taskId: "" }));
      bus.finished();
      return;
    }
    const status = (state, message) => ({ state, message, timestamp: new Date().toISOString() });
    bus.publish(
      AgentEvent.task({
        id: taskId,
        contextId,
        status: status(TaskState.TASK_STATE_SUBMITTED, undefined),
        artifacts: [],
        history: [ctx.userMessage],
        metadata: undefined,
      }),
    );
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: status(TaskState.TASK_STATE_WORKING, agentMessage(ctx, "Echoing")),
        metadata: undefined,
      }),
    );
    const half = Math.ceil(input.length / 2);
    const artifactId = randomUUID();
    const artifact = (value) => ({
      artifactId,
      name: "echo",
      description: "",
      parts: [text(value)],
      metadata: undefined,
      extensions: [],
    });
    bus.publish(
      AgentEvent.artifactUpdate({
        taskId,
        contextId,
        artifact: artifact(input.slice(0, half)),
        append: false,
        lastChunk: false,
        metadata: undefined,
      }),
    );
    bus.publish(
      AgentEvent.artifactUpdate({
        taskId,
        contextId,
        artifact: artifact(input.slice(half)),
        append: true,
        lastChunk: true,
        metadata: undefined,
      }),
    );
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: status(TaskState.TASK_STATE_COMPLETED, agentMessage(ctx, "Echoed.")),
        metadata: undefined,
      }),
    );
    bus.finished();
  },
  cancelTask: async () => {},
};

const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), executor);
const app = express();
app.use(
  "/a2a",
  jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }),
);
listen(createServer(app));
