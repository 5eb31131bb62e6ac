import { describe, expect, it } from "vitest";
import * as convert from "../src/wire/convert/index.js";
import * as v1 from "../src/wire/v1/index.js";
import * as v03 from "../src/wire/v03/index.js";

const KEY = convert.V1_PART_METADATA_KEY;

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/** Every 1.0 part kind, with and without the fields 0.3 text/data parts lack. */
const v1Parts: v1.Part[] = [
  { text: "hello" },
  { text: "# Title", mediaType: "text/markdown", filename: "notes.md", metadata: { lang: "en" } },
  { raw: "aGVsbG8=", mediaType: "text/plain", filename: "hello.txt" },
  { url: "https://example.com/doc.pdf", mediaType: "application/pdf", metadata: { pages: 3 } },
  { data: { key: "value", nested: [1, 2] }, mediaType: "application/json" },
  { data: [1, "two", { three: 3 }] },
  { data: "just a string", metadata: { source: "tool" } },
  { data: 42 },
  { data: null },
  { data: true, filename: "flag.json" },
];

/** The 0.3 form of each of {@link v1Parts}, in order. */
const v03Parts: v03.Part[] = [
  { kind: "text", text: "hello" },
  {
    kind: "text",
    text: "# Title",
    metadata: { lang: "en", [KEY]: { mediaType: "text/markdown", filename: "notes.md" } },
  },
  { kind: "file", file: { bytes: "aGVsbG8=", mimeType: "text/plain", name: "hello.txt" } },
  {
    kind: "file",
    file: { uri: "https://example.com/doc.pdf", mimeType: "application/pdf" },
    metadata: { pages: 3 },
  },
  {
    kind: "data",
    data: { key: "value", nested: [1, 2] },
    metadata: { [KEY]: { mediaType: "application/json" } },
  },
  {
    kind: "data",
    data: { value: [1, "two", { three: 3 }] },
    metadata: { [KEY]: { wrapped: true } },
  },
  {
    kind: "data",
    data: { value: "just a string" },
    metadata: { source: "tool", [KEY]: { wrapped: true } },
  },
  { kind: "data", data: { value: 42 }, metadata: { [KEY]: { wrapped: true } } },
  { kind: "data", data: { value: null }, metadata: { [KEY]: { wrapped: true } } },
  {
    kind: "data",
    data: { value: true },
    metadata: { [KEY]: { filename: "flag.json", wrapped: true } },
  },
];

const userMessage: v1.Message = {
  messageId: "m-user",
  contextId: "ctx-1",
  taskId: "task-1",
  role: "ROLE_USER",
  parts: v1Parts,
  metadata: { client: "cli", nested: { a: [1] } },
  extensions: ["https://ext.example.com/citations/v1"],
  referenceTaskIds: ["task-0", "task-00"],
};

const agentMessage: v1.Message = {
  messageId: "m-agent",
  role: "ROLE_AGENT",
  parts: [{ text: "Which dates?" }],
};

const artifact: v1.Artifact = {
  artifactId: "art-1",
  name: "report",
  description: "The Q1 report",
  parts: [v1Parts[2]!, v1Parts[4]!, v1Parts[5]!],
  metadata: { pages: 12 },
  extensions: ["https://ext.example.com/citations/v1"],
};

function v1Task(state: v1.TaskState): v1.Task {
  return {
    id: "task-1",
    contextId: "ctx-1",
    status: { state, message: agentMessage, timestamp: "2024-03-15T10:10:00.000Z" },
    artifacts: [artifact, { artifactId: "art-2", parts: [{ text: "plain" }] }],
    history: [userMessage, agentMessage],
    metadata: { priority: "high" },
  };
}

const V1_TO_V03_STATE: Record<v1.TaskState, v03.TaskState> = {
  TASK_STATE_SUBMITTED: "submitted",
  TASK_STATE_WORKING: "working",
  TASK_STATE_COMPLETED: "completed",
  TASK_STATE_FAILED: "failed",
  TASK_STATE_CANCELED: "canceled",
  TASK_STATE_INPUT_REQUIRED: "input-required",
  TASK_STATE_REJECTED: "rejected",
  TASK_STATE_AUTH_REQUIRED: "auth-required",
};

/** States whose status update ends a stream: terminal or interrupted. */
const FINAL_STATES = new Set<v1.TaskState>([
  "TASK_STATE_COMPLETED",
  "TASK_STATE_FAILED",
  "TASK_STATE_CANCELED",
  "TASK_STATE_REJECTED",
  "TASK_STATE_INPUT_REQUIRED",
  "TASK_STATE_AUTH_REQUIRED",
]);

const pushConfig: v1.TaskPushNotificationConfig = {
  id: "cfg-1",
  taskId: "task-1",
  url: "https://client.example.com/hook",
  token: "tok",
  authentication: { scheme: "Bearer", credentials: "secret" },
};

/** A 1.0 card using every security scheme kind and every OAuth flow 0.3 can carry. */
const v1Card: v1.AgentCard = {
  name: "Travel Agent",
  description: "Books trips",
  supportedInterfaces: [
    { url: "https://agent.example.com/a2a", protocolBinding: "JSONRPC", protocolVersion: "1.0" },
    { url: "https://agent.example.com/a2a", protocolBinding: "HTTP+JSON", protocolVersion: "1.0" },
    { url: "https://agent.example.com/grpc", protocolBinding: "GRPC", protocolVersion: "1.0" },
  ],
  provider: { organization: "Example Inc.", url: "https://example.com" },
  version: "2.1.0",
  documentationUrl: "https://docs.example.com/agent",
  capabilities: {
    streaming: true,
    pushNotifications: false,
    extensions: [
      {
        uri: "https://ext.example.com/citations/v1",
        description: "Citations",
        required: false,
        params: { style: "apa" },
      },
    ],
    extendedAgentCard: true,
  },
  securitySchemes: {
    apiKey: {
      apiKeySecurityScheme: { description: "Key", location: "header", name: "X-API-Key" },
    },
    bearer: { httpAuthSecurityScheme: { scheme: "Bearer", bearerFormat: "JWT" } },
    oauthCode: {
      oauth2SecurityScheme: {
        description: "Code flow",
        flows: {
          authorizationCode: {
            authorizationUrl: "https://auth.example.com/authorize",
            tokenUrl: "https://auth.example.com/token",
            refreshUrl: "https://auth.example.com/refresh",
            scopes: { read: "Read", write: "Write" },
          },
        },
        oauth2MetadataUrl: "https://auth.example.com/.well-known/oauth-authorization-server",
      },
    },
    oauthClient: {
      oauth2SecurityScheme: {
        flows: {
          clientCredentials: {
            tokenUrl: "https://auth.example.com/token",
            scopes: { read: "Read" },
          },
        },
      },
    },
    oauthImplicit: {
      oauth2SecurityScheme: {
        flows: {
          implicit: {
            authorizationUrl: "https://auth.example.com/authorize",
            scopes: { read: "Read" },
          },
        },
      },
    },
    oauthPassword: {
      oauth2SecurityScheme: {
        flows: {
          password: {
            tokenUrl: "https://auth.example.com/token",
            refreshUrl: "https://auth.example.com/refresh",
            scopes: { read: "Read" },
          },
        },
      },
    },
    oidc: {
      openIdConnectSecurityScheme: {
        description: "Google",
        openIdConnectUrl: "https://accounts.google.com/.well-known/openid-configuration",
      },
    },
    mtls: { mtlsSecurityScheme: { description: "Client certificate" } },
  },
  securityRequirements: [
    { schemes: { oauthCode: { list: ["read"] } } },
    { schemes: { apiKey: { list: [] }, mtls: { list: [] } } },
  ],
  defaultInputModes: ["text/plain"],
  defaultOutputModes: ["text/plain", "application/json"],
  skills: [
    {
      id: "book",
      name: "Book a trip",
      description: "Books flights and hotels",
      tags: ["travel"],
      examples: ["Fly me to Lisbon"],
      inputModes: ["text/plain"],
      outputModes: ["application/json"],
      securityRequirements: [{ schemes: { bearer: { list: [] } } }],
    },
    { id: "ask", name: "Ask", description: "Answers questions", tags: ["faq", "help"] },
  ],
  iconUrl: "https://agent.example.com/icon.png",
};

/** {@link v1Card} as a 0.3 client sees it. */
const v03Card: v03.AgentCard = {
  protocolVersion: "0.3.0",
  name: "Travel Agent",
  description: "Books trips",
  url: "https://agent.example.com/a2a",
  preferredTransport: "JSONRPC",
  additionalInterfaces: [
    { url: "https://agent.example.com/a2a", transport: "JSONRPC" },
    { url: "https://agent.example.com/a2a", transport: "HTTP+JSON" },
    { url: "https://agent.example.com/grpc", transport: "GRPC" },
  ],
  provider: { organization: "Example Inc.", url: "https://example.com" },
  iconUrl: "https://agent.example.com/icon.png",
  version: "2.1.0",
  documentationUrl: "https://docs.example.com/agent",
  capabilities: {
    streaming: true,
    pushNotifications: false,
    extensions: [
      {
        uri: "https://ext.example.com/citations/v1",
        description: "Citations",
        required: false,
        params: { style: "apa" },
      },
    ],
  },
  securitySchemes: {
    apiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "Key" },
    bearer: { type: "http", scheme: "Bearer", bearerFormat: "JWT" },
    oauthCode: {
      type: "oauth2",
      flows: {
        authorizationCode: {
          authorizationUrl: "https://auth.example.com/authorize",
          tokenUrl: "https://auth.example.com/token",
          refreshUrl: "https://auth.example.com/refresh",
          scopes: { read: "Read", write: "Write" },
        },
      },
      oauth2MetadataUrl: "https://auth.example.com/.well-known/oauth-authorization-server",
      description: "Code flow",
    },
    oauthClient: {
      type: "oauth2",
      flows: {
        clientCredentials: { tokenUrl: "https://auth.example.com/token", scopes: { read: "Read" } },
      },
    },
    oauthImplicit: {
      type: "oauth2",
      flows: {
        implicit: {
          authorizationUrl: "https://auth.example.com/authorize",
          scopes: { read: "Read" },
        },
      },
    },
    oauthPassword: {
      type: "oauth2",
      flows: {
        password: {
          tokenUrl: "https://auth.example.com/token",
          refreshUrl: "https://auth.example.com/refresh",
          scopes: { read: "Read" },
        },
      },
    },
    oidc: {
      type: "openIdConnect",
      openIdConnectUrl: "https://accounts.google.com/.well-known/openid-configuration",
      description: "Google",
    },
    mtls: { type: "mutualTLS", description: "Client certificate" },
  },
  security: [{ oauthCode: ["read"] }, { apiKey: [], mtls: [] }],
  defaultInputModes: ["text/plain"],
  defaultOutputModes: ["text/plain", "application/json"],
  skills: [
    {
      id: "book",
      name: "Book a trip",
      description: "Books flights and hotels",
      tags: ["travel"],
      examples: ["Fly me to Lisbon"],
      inputModes: ["text/plain"],
      outputModes: ["application/json"],
      security: [{ bearer: [] }],
    },
    { id: "ask", name: "Ask", description: "Answers questions", tags: ["faq", "help"] },
  ],
  supportsAuthenticatedExtendedCard: true,
};

// ---------------------------------------------------------------------------------------------
// Parts, messages, states
// ---------------------------------------------------------------------------------------------

describe("part conversion", () => {
  it("converts every 1.0 part kind to its exact 0.3 form", () => {
    expect(v1Parts.map(convert.partToV03)).toStrictEqual(v03Parts);
  });

  it("the 0.3 parts are valid 0.3 and convert back to the same 1.0 parts", () => {
    for (const part of v03Parts) expect(v03.Part.parse(part)).toStrictEqual(part);
    expect(v03Parts.map(convert.partFromV03)).toStrictEqual(v1Parts);
    for (const part of v1Parts) expect(v1.Part.safeParse(part).success).toBe(true);
  });

  it("reads plain 0.3 parts", () => {
    expect(convert.partFromV03({ kind: "text", text: "hi", metadata: { a: 1 } })).toStrictEqual({
      text: "hi",
      metadata: { a: 1 },
    });
    expect(
      convert.partFromV03({
        kind: "file",
        file: { name: "input_image.png", mimeType: "image/png", bytes: "iVBORw0KGgo=" },
      }),
    ).toStrictEqual({ raw: "iVBORw0KGgo=", mediaType: "image/png", filename: "input_image.png" });
    expect(convert.partFromV03({ kind: "file", file: { uri: "https://x/y" } })).toStrictEqual({
      url: "https://x/y",
    });
    // An object with a `value` member is unwrapped only when marked.
    expect(convert.partFromV03({ kind: "data", data: { value: 1 } })).toStrictEqual({
      data: { value: 1 },
    });
  });

  it("ignores malformed extras from a client and keeps the other metadata", () => {
    expect(
      convert.partFromV03({
        kind: "data",
        data: { other: 1 },
        metadata: { [KEY]: { wrapped: true, mediaType: 7 }, keep: "me" },
      }),
    ).toStrictEqual({ data: { other: 1 }, metadata: { keep: "me" } });
    expect(
      convert.partFromV03({ kind: "text", text: "t", metadata: { [KEY]: "not an object" } }),
    ).toStrictEqual({ text: "t" });
  });

  it("0.3 -> 1.0 -> 0.3 keeps 0.3 parts", () => {
    const parts: v03.Part[] = [
      { kind: "text", text: "a", metadata: { x: [1, 2] } },
      { kind: "file", file: { bytes: "aGk=", name: "hi.txt" }, metadata: { y: true } },
      { kind: "file", file: { uri: "https://x/y.png", mimeType: "image/png" } },
      { kind: "data", data: { nested: { deep: [null] } }, metadata: { z: "z" } },
    ];
    expect(parts.map((p) => convert.partToV03(convert.partFromV03(p)))).toStrictEqual(parts);
  });
});

describe("message conversion", () => {
  it("converts roles both ways", () => {
    expect(convert.roleToV03("ROLE_USER")).toBe("user");
    expect(convert.roleToV03("ROLE_AGENT")).toBe("agent");
    expect(convert.roleFromV03("user")).toBe("ROLE_USER");
    expect(convert.roleFromV03("agent")).toBe("ROLE_AGENT");
  });

  it("converts a full 1.0 message to 0.3 exactly", () => {
    expect(convert.messageToV03(userMessage)).toStrictEqual({
      kind: "message",
      messageId: "m-user",
      contextId: "ctx-1",
      taskId: "task-1",
      role: "user",
      parts: v03Parts,
      metadata: { client: "cli", nested: { a: [1] } },
      extensions: ["https://ext.example.com/citations/v1"],
      referenceTaskIds: ["task-0", "task-00"],
    });
    expect(convert.messageToV03(agentMessage)).toStrictEqual({
      kind: "message",
      messageId: "m-agent",
      role: "agent",
      parts: [{ kind: "text", text: "Which dates?" }],
    });
  });

  it("round trips both ways", () => {
    for (const message of [userMessage, agentMessage]) {
      const wire = v03.Message.parse(convert.messageToV03(message));
      expect(convert.messageFromV03(wire)).toStrictEqual(message);
    }
    const fromClient = v03.Message.parse({
      role: "user",
      parts: [{ kind: "text", text: "hi" }],
      messageId: "m",
      extensions: [],
    });
    expect(convert.messageToV03(convert.messageFromV03(fromClient))).toStrictEqual(fromClient);
  });
});

describe("task state conversion", () => {
  it("maps every 1.0 state to its 0.3 value and back", () => {
    for (const [state, v03State] of Object.entries(V1_TO_V03_STATE)) {
      expect(convert.taskStateToV03(state as v1.TaskState)).toBe(v03State);
      expect(convert.taskStateFromV03(v03State)).toBe(state);
    }
    expect(Object.keys(V1_TO_V03_STATE)).toEqual([...v1.TaskState.options]);
  });

  it("refuses 0.3 unknown, which 1.0 cannot express", () => {
    expect(() => convert.taskStateFromV03("unknown")).toThrow(
      '0.3 task state "unknown" has no A2A 1.0 equivalent',
    );
  });
});

describe("timestamp conversion", () => {
  it("keeps 1.0 timestamps and normalizes the other ISO 8601 forms to UTC milliseconds", () => {
    expect(convert.timestampFromV03("2024-03-15T10:10:00Z")).toBe("2024-03-15T10:10:00Z");
    expect(convert.timestampFromV03("2024-03-15T10:10:00.000Z")).toBe("2024-03-15T10:10:00.000Z");
    expect(convert.timestampFromV03("2025-04-02T16:59:25.331844")).toBe("2025-04-02T16:59:25.331Z");
    expect(convert.timestampFromV03("2024-03-15T10:10:00+02:00")).toBe("2024-03-15T08:10:00.000Z");
    expect(convert.timestampFromV03("2024-03-15T10:10:00.5-01:30")).toBe(
      "2024-03-15T11:40:00.500Z",
    );
    expect(convert.timestampFromV03("2024-03-15T10:10")).toBe("2024-03-15T10:10:00.000Z");
    expect(convert.timestampFromV03("not a time")).toBe("not a time");
  });
});

// ---------------------------------------------------------------------------------------------
// Tasks, events, responses
// ---------------------------------------------------------------------------------------------

describe("task conversion", () => {
  it("converts a task in every state, and back", () => {
    for (const state of v1.TaskState.options) {
      const task = v1Task(state);
      const wire = convert.taskToV03(task);
      expect(wire).toStrictEqual({
        kind: "task",
        id: "task-1",
        contextId: "ctx-1",
        status: {
          state: V1_TO_V03_STATE[state],
          message: convert.messageToV03(agentMessage),
          timestamp: "2024-03-15T10:10:00.000Z",
        },
        artifacts: [
          {
            artifactId: "art-1",
            name: "report",
            description: "The Q1 report",
            parts: [v03Parts[2], v03Parts[4], v03Parts[5]],
            metadata: { pages: 12 },
            extensions: ["https://ext.example.com/citations/v1"],
          },
          { artifactId: "art-2", parts: [{ kind: "text", text: "plain" }] },
        ],
        history: [convert.messageToV03(userMessage), convert.messageToV03(agentMessage)],
        metadata: { priority: "high" },
      });
      expect(v03.Task.parse(wire)).toStrictEqual(wire);
      expect(convert.taskFromV03(wire)).toStrictEqual(task);
    }
  });

  it("a 1.0 task without contextId gets the proto default and loses it again", () => {
    const task: v1.Task = { id: "t", status: { state: "TASK_STATE_SUBMITTED" } };
    const wire = convert.taskToV03(task);
    expect(wire).toStrictEqual({
      kind: "task",
      id: "t",
      contextId: "",
      status: { state: "submitted" },
    });
    expect(convert.taskFromV03(wire)).toStrictEqual(task);
  });

  it("0.3 -> 1.0 -> 0.3 keeps a 0.3 task", () => {
    const task: v03.Task = {
      kind: "task",
      id: "t",
      contextId: "c",
      status: { state: "auth-required", timestamp: "2024-03-15T10:10:00Z" },
      artifacts: [{ artifactId: "a", parts: [{ kind: "data", data: { n: 1 } }] }],
      history: [
        { kind: "message", messageId: "m", role: "user", parts: [{ kind: "text", text: "x" }] },
      ],
      metadata: {},
    };
    const converted = convert.taskFromV03(task);
    expect(v1.Task.parse(converted)).toStrictEqual(converted);
    expect(convert.taskToV03(converted)).toStrictEqual(task);
  });

  it("converts artifacts both ways", () => {
    const wire = convert.artifactToV03(artifact);
    expect(v03.Artifact.parse(wire)).toStrictEqual(wire);
    expect(convert.artifactFromV03(wire)).toStrictEqual(artifact);
  });

  it("refuses a 0.3 task in state unknown", () => {
    expect(() =>
      convert.taskFromV03({ kind: "task", id: "t", contextId: "c", status: { state: "unknown" } }),
    ).toThrow('0.3 task state "unknown" has no A2A 1.0 equivalent');
  });
});

describe("stream event conversion", () => {
  it("sets final exactly for terminal and interrupted states", () => {
    for (const state of v1.TaskState.options) {
      const event: v1.TaskStatusUpdateEvent = {
        taskId: "t",
        contextId: "c",
        status: { state, timestamp: "2024-03-15T10:10:00.000Z" },
        metadata: { seq: 3 },
      };
      const wire = convert.statusUpdateToV03(event);
      expect(wire).toStrictEqual({
        kind: "status-update",
        taskId: "t",
        contextId: "c",
        status: { state: V1_TO_V03_STATE[state], timestamp: "2024-03-15T10:10:00.000Z" },
        final: FINAL_STATES.has(state),
        metadata: { seq: 3 },
      });
      expect(v03.TaskStatusUpdateEvent.parse(wire)).toStrictEqual(wire);
      expect(convert.statusUpdateFromV03(wire)).toStrictEqual(event);
    }
    expect(FINAL_STATES.size).toBe(6);
  });

  it("converts artifact updates with every append/lastChunk combination", () => {
    for (const append of [undefined, false, true]) {
      for (const lastChunk of [undefined, false, true]) {
        const event: v1.TaskArtifactUpdateEvent = {
          taskId: "t",
          contextId: "c",
          artifact,
          ...(append === undefined ? {} : { append }),
          ...(lastChunk === undefined ? {} : { lastChunk }),
        };
        const wire = convert.artifactUpdateToV03(event);
        expect(wire).toStrictEqual({
          kind: "artifact-update",
          taskId: "t",
          contextId: "c",
          artifact: convert.artifactToV03(artifact),
          ...(append === undefined ? {} : { append }),
          ...(lastChunk === undefined ? {} : { lastChunk }),
        });
        expect(v03.TaskArtifactUpdateEvent.parse(wire)).toStrictEqual(wire);
        expect(convert.artifactUpdateFromV03(wire)).toStrictEqual(event);
      }
    }
  });

  it("converts the spec's §9.3 stream events exactly", () => {
    const base = {
      taskId: "225d6247-06ba-4cda-a08b-33ae35c8dcfa",
      contextId: "05217e44-7e9f-473e-ab4f-2c2dde50a2b1",
    };
    const chunk = v03.StreamResult.parse({
      ...base,
      artifact: {
        artifactId: "9b6934dd-37e3-4eb1-8766-962efaab63a1",
        parts: [{ kind: "text", text: "<section 3...>" }],
      },
      append: true,
      lastChunk: true,
      kind: "artifact-update",
    });
    expect(convert.streamResponseFromV03(chunk)).toStrictEqual({
      artifactUpdate: {
        ...base,
        artifact: {
          artifactId: "9b6934dd-37e3-4eb1-8766-962efaab63a1",
          parts: [{ text: "<section 3...>" }],
        },
        append: true,
        lastChunk: true,
      },
    });
    const done = v03.StreamResult.parse({
      ...base,
      status: { state: "completed", timestamp: "2025-04-02T16:59:35.331844" },
      final: true,
      kind: "status-update",
    });
    expect(convert.streamResponseFromV03(done)).toStrictEqual({
      statusUpdate: {
        ...base,
        status: { state: "TASK_STATE_COMPLETED", timestamp: "2025-04-02T16:59:35.331Z" },
      },
    });
  });
});

describe("response conversion", () => {
  const streamResponses: v1.StreamResponse[] = [
    { task: v1Task("TASK_STATE_WORKING") },
    { message: agentMessage },
    {
      statusUpdate: { taskId: "t", contextId: "c", status: { state: "TASK_STATE_INPUT_REQUIRED" } },
    },
    {
      artifactUpdate: { taskId: "t", contextId: "c", artifact, append: true, lastChunk: false },
    },
  ];

  it("a StreamResponse becomes the bare object with its kind, and back", () => {
    const kinds = streamResponses.map((r) => convert.streamResponseToV03(r).kind);
    expect(kinds).toEqual(["task", "message", "status-update", "artifact-update"]);
    expect(convert.streamResponseToV03(streamResponses[2]!)).toStrictEqual({
      kind: "status-update",
      taskId: "t",
      contextId: "c",
      status: { state: "input-required" },
      final: true,
    });
    for (const response of streamResponses) {
      const wire = v03.StreamResult.parse(convert.streamResponseToV03(response));
      const back = convert.streamResponseFromV03(wire);
      expect(back).toStrictEqual(response);
      expect(v1.StreamResponseSchema.safeParse(back).success).toBe(true);
    }
  });

  it("a SendMessageResponse becomes a bare Task or Message, and back", () => {
    const task: v1.SendMessageResponse = { task: v1Task("TASK_STATE_COMPLETED") };
    const message: v1.SendMessageResponse = { message: agentMessage };
    expect(convert.sendMessageResponseToV03(task)).toStrictEqual(
      convert.taskToV03(v1Task("TASK_STATE_COMPLETED")),
    );
    expect(convert.sendMessageResponseToV03(message)).toStrictEqual(
      convert.messageToV03(agentMessage),
    );
    for (const response of [task, message]) {
      const wire = v03.SendMessageResult.parse(convert.sendMessageResponseToV03(response));
      expect(convert.sendMessageResponseFromV03(wire)).toStrictEqual(response);
    }
  });

  it("writes the spec's §9.2 message/send result exactly", () => {
    const task: v1.Task = {
      id: "363422be-b0f9-4692-a24d-278670e7c7f1",
      contextId: "c295ea44-7543-4f78-b524-7a38915ad6e4",
      status: { state: "TASK_STATE_COMPLETED" },
      artifacts: [
        {
          artifactId: "9b6934dd-37e3-4eb1-8766-962efaab63a1",
          name: "joke",
          parts: [{ text: "Why did the chicken cross the road? To get to the other side!" }],
        },
      ],
      history: [
        {
          role: "ROLE_USER",
          parts: [{ text: "tell me a joke" }],
          messageId: "9229e770-767c-417b-a0b0-f0741243c589",
          taskId: "363422be-b0f9-4692-a24d-278670e7c7f1",
          contextId: "c295ea44-7543-4f78-b524-7a38915ad6e4",
        },
      ],
      metadata: {},
    };
    expect(convert.sendMessageResponseToV03({ task })).toStrictEqual({
      id: "363422be-b0f9-4692-a24d-278670e7c7f1",
      contextId: "c295ea44-7543-4f78-b524-7a38915ad6e4",
      status: { state: "completed" },
      artifacts: [
        {
          artifactId: "9b6934dd-37e3-4eb1-8766-962efaab63a1",
          name: "joke",
          parts: [
            { kind: "text", text: "Why did the chicken cross the road? To get to the other side!" },
          ],
        },
      ],
      history: [
        {
          role: "user",
          parts: [{ kind: "text", text: "tell me a joke" }],
          messageId: "9229e770-767c-417b-a0b0-f0741243c589",
          taskId: "363422be-b0f9-4692-a24d-278670e7c7f1",
          contextId: "c295ea44-7543-4f78-b524-7a38915ad6e4",
          kind: "message",
        },
      ],
      kind: "task",
      metadata: {},
    });
  });

  it("writes the spec's §9.4 input-required task exactly", () => {
    const question: v1.Message = {
      role: "ROLE_AGENT",
      parts: [{ text: "Where would you like to fly to?" }],
      messageId: "c2e1b2dd-f200-4b04-bc22-1b0c65a1aad2",
      taskId: "3f36680c-7f37-4a5f-945e-d78981fafd36",
      contextId: "c295ea44-7543-4f78-b524-7a38915ad6e4",
    };
    const wire = convert.taskToV03({
      id: "3f36680c-7f37-4a5f-945e-d78981fafd36",
      contextId: "c295ea44-7543-4f78-b524-7a38915ad6e4",
      status: {
        state: "TASK_STATE_INPUT_REQUIRED",
        message: question,
        timestamp: "2024-03-15T10:10:00Z",
      },
    });
    expect(wire).toStrictEqual({
      kind: "task",
      id: "3f36680c-7f37-4a5f-945e-d78981fafd36",
      contextId: "c295ea44-7543-4f78-b524-7a38915ad6e4",
      status: {
        state: "input-required",
        message: {
          kind: "message",
          role: "agent",
          parts: [{ kind: "text", text: "Where would you like to fly to?" }],
          messageId: "c2e1b2dd-f200-4b04-bc22-1b0c65a1aad2",
          taskId: "3f36680c-7f37-4a5f-945e-d78981fafd36",
          contextId: "c295ea44-7543-4f78-b524-7a38915ad6e4",
        },
        timestamp: "2024-03-15T10:10:00Z",
      },
    });
  });

  it("writes the spec's §9.6 file artifact exactly", () => {
    expect(
      convert.artifactToV03({
        artifactId: "9b6934dd-37e3-4eb1-8766-962efaab63a1",
        name: "processed_image_with_faces.png",
        parts: [
          {
            url: "https://storage.example.com/processed/task-bbb/output.png?token=xyz",
            filename: "output.png",
            mediaType: "image/png",
          },
        ],
      }),
    ).toStrictEqual({
      artifactId: "9b6934dd-37e3-4eb1-8766-962efaab63a1",
      name: "processed_image_with_faces.png",
      parts: [
        {
          kind: "file",
          file: {
            name: "output.png",
            mimeType: "image/png",
            uri: "https://storage.example.com/processed/task-bbb/output.png?token=xyz",
          },
        },
      ],
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

describe("request conversion", () => {
  it("reads the spec's §9.2 message/send params exactly", () => {
    const params = v03.MessageSendParams.parse({
      message: {
        role: "user",
        parts: [{ kind: "text", text: "tell me a joke" }],
        messageId: "9229e770-767c-417b-a0b0-f0741243c589",
      },
      metadata: {},
    });
    const request = convert.sendMessageRequestFromV03(params);
    expect(request).toStrictEqual({
      message: {
        role: "ROLE_USER",
        parts: [{ text: "tell me a joke" }],
        messageId: "9229e770-767c-417b-a0b0-f0741243c589",
      },
      metadata: {},
    });
    expect(v1.SendMessageRequest.parse(request)).toStrictEqual(request);
  });

  it("reads the spec's §9.5 push configuration exactly", () => {
    const params = v03.MessageSendParams.parse({
      message: {
        role: "user",
        parts: [{ kind: "text", text: "Generate the Q1 sales report." }],
        messageId: "6dbc13b5-bd57-4c2b-b503-24e381b6c8d6",
      },
      configuration: {
        pushNotificationConfig: {
          url: "https://client.example.com/webhook/a2a-notifications",
          token: "secure-client-token-for-task-aaa",
          authentication: { schemes: ["Bearer"] },
        },
      },
    });
    expect(convert.sendMessageRequestFromV03(params).configuration).toStrictEqual({
      taskPushNotificationConfig: {
        url: "https://client.example.com/webhook/a2a-notifications",
        token: "secure-client-token-for-task-aaa",
        authentication: { scheme: "Bearer" },
      },
    });
  });

  it("maps blocking to returnImmediately; absent stays absent (blocking in both versions)", () => {
    const message = v03.Message.parse({
      role: "user",
      parts: [{ kind: "text", text: "x" }],
      messageId: "m",
    });
    const config = (blocking: boolean | undefined) =>
      convert.sendMessageRequestFromV03({
        message,
        configuration: blocking === undefined ? {} : { blocking },
      }).configuration;
    expect(config(false)).toStrictEqual({ returnImmediately: true });
    expect(config(true)).toStrictEqual({ returnImmediately: false });
    expect(config(undefined)).toStrictEqual({});
  });

  it("round trips SendMessageRequest with a full configuration both ways", () => {
    const request: v1.SendMessageRequest = {
      message: userMessage,
      configuration: {
        acceptedOutputModes: ["text/plain", "application/json"],
        taskPushNotificationConfig: {
          id: "cfg",
          url: "https://client.example.com/hook",
          token: "tok",
          authentication: { scheme: "Bearer", credentials: "c" },
        },
        historyLength: 5,
        returnImmediately: true,
      },
      metadata: { trace: "abc" },
    };
    const params = convert.sendMessageRequestToV03(request);
    expect(params.configuration).toStrictEqual({
      acceptedOutputModes: ["text/plain", "application/json"],
      blocking: false,
      historyLength: 5,
      pushNotificationConfig: {
        id: "cfg",
        url: "https://client.example.com/hook",
        token: "tok",
        authentication: { schemes: ["Bearer"], credentials: "c" },
      },
    });
    expect(v03.MessageSendParams.parse(params)).toStrictEqual(params);
    expect(convert.sendMessageRequestFromV03(params)).toStrictEqual(request);

    const wire = v03.MessageSendParams.parse({
      message: {
        kind: "message",
        role: "agent",
        parts: [{ kind: "text", text: "x" }],
        messageId: "m",
      },
      configuration: { blocking: true, historyLength: 0, acceptedOutputModes: [] },
      metadata: { a: 1 },
    });
    expect(convert.sendMessageRequestToV03(convert.sendMessageRequestFromV03(wire))).toStrictEqual(
      wire,
    );
  });

  it("drops what a 0.3 send config cannot carry: tenant, push taskId", () => {
    const params = convert.sendMessageRequestToV03({
      tenant: "acme",
      message: agentMessage,
      configuration: {
        taskPushNotificationConfig: { taskId: "t", tenant: "acme", url: "https://h" },
      },
    });
    expect(params).toStrictEqual({
      message: convert.messageToV03(agentMessage),
      configuration: { pushNotificationConfig: { url: "https://h" } },
    });
  });

  it("tasks/get params become a GetTaskRequest (metadata dropped), and back", () => {
    expect(
      convert.getTaskRequestFromV03({ id: "t", historyLength: 3, metadata: { a: 1 } }),
    ).toStrictEqual({ id: "t", historyLength: 3 });
    expect(convert.getTaskRequestFromV03({ id: "t" })).toStrictEqual({ id: "t" });
    const request: v1.GetTaskRequest = { id: "t", historyLength: 0 };
    expect(convert.getTaskRequestFromV03(convert.getTaskRequestToV03(request))).toStrictEqual(
      request,
    );
    expect(convert.getTaskRequestToV03({ tenant: "acme", id: "t" })).toStrictEqual({ id: "t" });
  });

  it("tasks/cancel params keep metadata; tasks/resubscribe params do not", () => {
    const params: v03.TaskIdParams = { id: "t", metadata: { reason: "user" } };
    expect(convert.cancelTaskRequestFromV03(params)).toStrictEqual(params);
    expect(convert.cancelTaskRequestToV03(convert.cancelTaskRequestFromV03(params))).toStrictEqual(
      params,
    );
    expect(convert.cancelTaskRequestToV03({ tenant: "acme", id: "t" })).toStrictEqual({ id: "t" });
    expect(convert.subscribeToTaskRequestFromV03(params)).toStrictEqual({ id: "t" });
    expect(convert.subscribeToTaskRequestToV03({ tenant: "acme", id: "t" })).toStrictEqual({
      id: "t",
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Push notification configs
// ---------------------------------------------------------------------------------------------

describe("push notification config conversion", () => {
  const v03Config: v03.TaskPushNotificationConfig = {
    taskId: "task-1",
    pushNotificationConfig: {
      id: "cfg-1",
      url: "https://client.example.com/hook",
      token: "tok",
      authentication: { schemes: ["Bearer"], credentials: "secret" },
    },
  };

  it("flattens and nests TaskPushNotificationConfig exactly", () => {
    expect(convert.taskPushConfigToV03(pushConfig)).toStrictEqual(v03Config);
    expect(convert.taskPushConfigFromV03(v03Config)).toStrictEqual(pushConfig);
    expect(v1.TaskPushNotificationConfig.parse(pushConfig)).toStrictEqual(pushConfig);
    expect(v03.TaskPushNotificationConfig.parse(v03Config)).toStrictEqual(v03Config);
  });

  it("round trips minimal configs both ways", () => {
    const minimal: v1.TaskPushNotificationConfig = { taskId: "t", url: "https://h" };
    expect(convert.taskPushConfigFromV03(convert.taskPushConfigToV03(minimal))).toStrictEqual(
      minimal,
    );
    const withoutTask: v1.TaskPushNotificationConfig = { url: "https://h" };
    expect(convert.taskPushConfigToV03(withoutTask)).toStrictEqual({
      taskId: "",
      pushNotificationConfig: { url: "https://h" },
    });
    expect(convert.taskPushConfigFromV03(convert.taskPushConfigToV03(withoutTask))).toStrictEqual(
      withoutTask,
    );
    const wire: v03.TaskPushNotificationConfig = {
      taskId: "t",
      pushNotificationConfig: { url: "https://h", authentication: { schemes: ["Basic"] } },
    };
    expect(convert.taskPushConfigToV03(convert.taskPushConfigFromV03(wire))).toStrictEqual(wire);
  });

  it("keeps the first of several auth schemes and drops auth without any; tenant is dropped", () => {
    expect(
      convert.pushAuthFromV03({ schemes: ["Bearer", "Basic"], credentials: "c" }),
    ).toStrictEqual({ scheme: "Bearer", credentials: "c" });
    expect(convert.pushAuthFromV03({ schemes: [], credentials: "c" })).toBeUndefined();
    expect(
      convert.pushConfigFromV03({ url: "https://h", authentication: { schemes: [] } }),
    ).toStrictEqual({ url: "https://h" });
    expect(convert.taskPushConfigToV03({ ...pushConfig, tenant: "acme" })).toStrictEqual(v03Config);
  });

  it("set params become a create request; a missing config id defaults to the task id", () => {
    expect(convert.createPushConfigRequestFromV03(v03Config)).toStrictEqual(pushConfig);
    expect(
      convert.createPushConfigRequestFromV03({
        taskId: "task-1",
        pushNotificationConfig: { url: "https://h" },
      }),
    ).toStrictEqual({ id: "task-1", taskId: "task-1", url: "https://h" });
    expect(convert.createPushConfigRequestToV03(pushConfig)).toStrictEqual(v03Config);
  });

  it("get params: with or without a config id (which then is the task id)", () => {
    expect(
      convert.getPushConfigRequestFromV03({ id: "t", pushNotificationConfigId: "c", metadata: {} }),
    ).toStrictEqual({ taskId: "t", id: "c" });
    expect(convert.getPushConfigRequestFromV03({ id: "t" })).toStrictEqual({
      taskId: "t",
      id: "t",
    });
    expect(convert.getPushConfigRequestToV03({ tenant: "x", taskId: "t", id: "c" })).toStrictEqual({
      id: "t",
      pushNotificationConfigId: "c",
    });
  });

  it("list and delete params both ways", () => {
    expect(convert.listPushConfigsRequestFromV03({ id: "t", metadata: { a: 1 } })).toStrictEqual({
      taskId: "t",
    });
    expect(
      convert.listPushConfigsRequestToV03({ taskId: "t", pageSize: 10, pageToken: "p" }),
    ).toStrictEqual({ id: "t" });
    const del: v03.DeleteTaskPushNotificationConfigParams = {
      id: "t",
      pushNotificationConfigId: "c",
    };
    expect(convert.deletePushConfigRequestFromV03(del)).toStrictEqual({ taskId: "t", id: "c" });
    expect(
      convert.deletePushConfigRequestToV03(convert.deletePushConfigRequestFromV03(del)),
    ).toStrictEqual(del);
  });

  it("a list result becomes a bare array (paging dropped), and back", () => {
    const second: v1.TaskPushNotificationConfig = {
      id: "cfg-2",
      taskId: "task-1",
      url: "https://h2",
    };
    const wire = convert.listPushConfigsResponseToV03({
      configs: [pushConfig, second],
      nextPageToken: "",
    });
    expect(wire).toStrictEqual([
      v03Config,
      { taskId: "task-1", pushNotificationConfig: { id: "cfg-2", url: "https://h2" } },
    ]);
    expect(v03.ListTaskPushNotificationConfigResult.parse(wire)).toStrictEqual(wire);
    expect(convert.listPushConfigsResponseFromV03(wire)).toStrictEqual({
      configs: [pushConfig, second],
    });
    expect(convert.listPushConfigsResponseToV03({})).toStrictEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Security schemes and agent cards
// ---------------------------------------------------------------------------------------------

describe("security scheme conversion", () => {
  it("converts every scheme kind to OpenAPI style and back", () => {
    const schemes = v1Card.securitySchemes!;
    expect(convert.securitySchemesToV03(schemes)).toStrictEqual(v03Card.securitySchemes);
    expect(convert.securitySchemesFromV03(v03Card.securitySchemes!)).toStrictEqual(schemes);
  });

  it("reads API key locations case-insensitively and drops unknown ones", () => {
    const apiKey = (location: string) =>
      convert.securitySchemeToV03({ apiKeySecurityScheme: { location, name: "k" } });
    expect(apiKey("Query")).toStrictEqual({ type: "apiKey", in: "query", name: "k" });
    expect(apiKey("COOKIE")).toStrictEqual({ type: "apiKey", in: "cookie", name: "k" });
    expect(apiKey("body")).toBeUndefined();
    expect(
      convert.securitySchemesToV03({
        good: { apiKeySecurityScheme: { location: "header", name: "k" } },
        bad: { apiKeySecurityScheme: { location: "body", name: "k" } },
      }),
    ).toStrictEqual({ good: { type: "apiKey", in: "header", name: "k" } });
  });

  it("drops pkceRequired and the device code flow, which 0.3 lacks", () => {
    expect(
      convert.securitySchemeToV03({
        oauth2SecurityScheme: {
          flows: {
            authorizationCode: {
              authorizationUrl: "https://a",
              tokenUrl: "https://t",
              scopes: {},
              pkceRequired: true,
            },
          },
        },
      }),
    ).toStrictEqual({
      type: "oauth2",
      flows: {
        authorizationCode: { authorizationUrl: "https://a", tokenUrl: "https://t", scopes: {} },
      },
    });
    expect(
      convert.securitySchemeToV03({
        oauth2SecurityScheme: {
          description: "device",
          oauth2MetadataUrl: "https://m",
          flows: {
            deviceCode: { deviceAuthorizationUrl: "https://d", tokenUrl: "https://t", scopes: {} },
          },
        },
      }),
    ).toStrictEqual({
      type: "oauth2",
      flows: {},
      oauth2MetadataUrl: "https://m",
      description: "device",
    });
  });

  it("fills the proto defaults of deprecated flows for 0.3 and removes them again", () => {
    const bare: v1.SecurityScheme = { oauth2SecurityScheme: { flows: { implicit: {} } } };
    const wire = convert.securitySchemeToV03(bare);
    expect(wire).toStrictEqual({
      type: "oauth2",
      flows: { implicit: { authorizationUrl: "", scopes: {} } },
    });
    expect(convert.securitySchemeFromV03(wire!)).toStrictEqual(bare);
    const password: v1.SecurityScheme = { oauth2SecurityScheme: { flows: { password: {} } } };
    expect(convert.securitySchemeToV03(password)).toStrictEqual({
      type: "oauth2",
      flows: { password: { tokenUrl: "", scopes: {} } },
    });
    expect(convert.securitySchemeFromV03(convert.securitySchemeToV03(password)!)).toStrictEqual(
      password,
    );
  });

  it("keeps the first of several 0.3 OAuth flows and drops a scheme without flows", () => {
    const code = { authorizationUrl: "https://a", tokenUrl: "https://t", scopes: { r: "R" } };
    const client = { tokenUrl: "https://t", scopes: {} };
    expect(
      convert.securitySchemeFromV03({
        type: "oauth2",
        flows: {
          clientCredentials: client,
          authorizationCode: code,
          password: { tokenUrl: "https://t", scopes: {} },
        },
      }),
    ).toStrictEqual({ oauth2SecurityScheme: { flows: { authorizationCode: code } } });
    expect(
      convert.securitySchemeFromV03({
        type: "oauth2",
        flows: { password: { tokenUrl: "https://t", scopes: {} }, clientCredentials: client },
      }),
    ).toStrictEqual({ oauth2SecurityScheme: { flows: { clientCredentials: client } } });
    expect(convert.securitySchemeFromV03({ type: "oauth2", flows: {} })).toBeUndefined();
    expect(
      convert.securitySchemesFromV03({
        none: { type: "oauth2", flows: {} },
        mtls: { type: "mutualTLS" },
      }),
    ).toStrictEqual({ mtls: { mtlsSecurityScheme: {} } });
  });

  it("the converted schemes are valid in their target version", () => {
    for (const scheme of Object.values(convert.securitySchemesToV03(v1Card.securitySchemes!))) {
      expect(v03.SecurityScheme.parse(scheme)).toStrictEqual(scheme);
    }
    for (const scheme of Object.values(convert.securitySchemesFromV03(v03Card.securitySchemes!))) {
      expect(v1.SecurityScheme.parse(scheme)).toStrictEqual(scheme);
    }
  });

  it("converts security requirements both ways", () => {
    expect(
      convert.securityRequirementToV03({
        schemes: { a: { list: ["x", "y"] }, b: { list: [] }, c: {} },
      }),
    ).toStrictEqual({ a: ["x", "y"], b: [], c: [] });
    expect(convert.securityRequirementFromV03({ a: ["x"], b: [] })).toStrictEqual({
      schemes: { a: { list: ["x"] }, b: { list: [] } },
    });
  });
});

describe("agent card conversion", () => {
  /** What survives 1.0 -> 0.3 -> 1.0: interfaces now declare the 0.3 version. */
  function asServedBy03(card: v1.AgentCard): v1.AgentCard {
    return {
      ...card,
      supportedInterfaces: card.supportedInterfaces.map((i) => ({
        ...i,
        protocolVersion: "0.3.0",
      })),
    };
  }

  it("converts a 1.0 card with every scheme kind to the exact 0.3 card", () => {
    const card = convert.agentCardToV03(v1Card);
    expect(card).toStrictEqual(v03Card);
    expect(v03.AgentCard.parse(card)).toStrictEqual(card);
  });

  it("converts the 0.3 card back to the 1.0 card, interfaces declaring 0.3", () => {
    const card = convert.agentCardFromV03(v03Card);
    expect(card).toStrictEqual(asServedBy03(v1Card));
    expect(v1.AgentCard.parse(card)).toStrictEqual(card);
    expect(convert.agentCardToV03(card)).toStrictEqual(v03Card);
  });

  it("round trips the server's own card shape", () => {
    const card: v1.AgentCard = {
      name: "Echo",
      description: "Echoes",
      supportedInterfaces: [
        { url: "https://h/a2a", protocolBinding: "HTTP+JSON", protocolVersion: "1.0" },
        { url: "https://h/a2a", protocolBinding: "JSONRPC", protocolVersion: "1.0" },
      ],
      version: "1",
      capabilities: { streaming: true, pushNotifications: false },
      defaultInputModes: ["text/plain"],
      defaultOutputModes: ["text/plain"],
      skills: [{ id: "echo", name: "Echo", description: "Echoes", tags: ["echo"] }],
    };
    const wire = convert.agentCardToV03(card);
    expect(wire).toStrictEqual({
      protocolVersion: "0.3.0",
      name: "Echo",
      description: "Echoes",
      url: "https://h/a2a",
      preferredTransport: "HTTP+JSON",
      additionalInterfaces: [
        { url: "https://h/a2a", transport: "HTTP+JSON" },
        { url: "https://h/a2a", transport: "JSONRPC" },
      ],
      version: "1",
      capabilities: { streaming: true, pushNotifications: false },
      defaultInputModes: ["text/plain"],
      defaultOutputModes: ["text/plain"],
      skills: [{ id: "echo", name: "Echo", description: "Echoes", tags: ["echo"] }],
    });
    expect(convert.agentCardFromV03(wire)).toStrictEqual(asServedBy03(card));
  });

  it("prefers interfaces a 1.0 card declares for 0.3", () => {
    const card = convert.agentCardToV03({
      ...v1Card,
      supportedInterfaces: [
        { url: "https://h/v1", protocolBinding: "JSONRPC", protocolVersion: "1.0" },
        { url: "https://h/v03", protocolBinding: "JSONRPC", protocolVersion: "0.3" },
        { url: "https://h/v03/rest", protocolBinding: "HTTP+JSON", protocolVersion: "0.3.0" },
      ],
    });
    expect(card.url).toBe("https://h/v03");
    expect(card.preferredTransport).toBe("JSONRPC");
    expect(card.additionalInterfaces).toStrictEqual([
      { url: "https://h/v03", transport: "JSONRPC" },
      { url: "https://h/v03/rest", transport: "HTTP+JSON" },
    ]);
  });

  it("drops signatures, interface tenants and extensions' empty uri defaults as documented", () => {
    const card = convert.agentCardToV03({
      ...v1Card,
      supportedInterfaces: [
        { url: "https://h", protocolBinding: "JSONRPC", protocolVersion: "1.0", tenant: "acme" },
      ],
      capabilities: { extensions: [{ description: "no uri" }] },
      signatures: [{ protected: "eyJ", signature: "sig" }],
    });
    expect(card.signatures).toBeUndefined();
    expect(card.additionalInterfaces).toStrictEqual([{ url: "https://h", transport: "JSONRPC" }]);
    expect(card.capabilities).toStrictEqual({ extensions: [{ uri: "", description: "no uri" }] });
    expect(card.supportsAuthenticatedExtendedCard).toBeUndefined();
    expect(convert.agentCardFromV03(card).capabilities).toStrictEqual({
      extensions: [{ description: "no uri" }],
    });
  });

  // Spec §5.7, trimmed to one skill.
  const sampleCard: v03.AgentCard = {
    protocolVersion: "0.3.0",
    name: "GeoSpatial Route Planner Agent",
    description: "Provides advanced route planning.",
    url: "https://georoute-agent.example.com/a2a/v1",
    preferredTransport: "JSONRPC",
    additionalInterfaces: [
      { url: "https://georoute-agent.example.com/a2a/v1", transport: "JSONRPC" },
      { url: "https://georoute-agent.example.com/a2a/grpc", transport: "GRPC" },
      { url: "https://georoute-agent.example.com/a2a/json", transport: "HTTP+JSON" },
    ],
    provider: {
      organization: "Example Geo Services Inc.",
      url: "https://www.examplegeoservices.com",
    },
    iconUrl: "https://georoute-agent.example.com/icon.png",
    version: "1.2.0",
    documentationUrl: "https://docs.examplegeoservices.com/georoute-agent/api",
    capabilities: { streaming: true, pushNotifications: true, stateTransitionHistory: false },
    securitySchemes: {
      google: {
        type: "openIdConnect",
        openIdConnectUrl: "https://accounts.google.com/.well-known/openid-configuration",
      },
    },
    security: [{ google: ["openid", "profile", "email"] }],
    defaultInputModes: ["application/json", "text/plain"],
    defaultOutputModes: ["application/json", "image/png"],
    skills: [
      {
        id: "route-optimizer-traffic",
        name: "Traffic-Aware Route Optimizer",
        description: "Calculates the optimal driving route.",
        tags: ["maps", "routing"],
        examples: ["Plan a route avoiding tolls."],
        inputModes: ["application/json", "text/plain"],
        outputModes: ["application/json"],
      },
    ],
    supportsAuthenticatedExtendedCard: true,
    signatures: [{ protected: "eyJhbGciOiJFUzI1NiJ9", signature: "QFdkNLNszlGj3z3u0YQGt" }],
  };

  it("reads the spec's §5.7 sample card as the §8.5 1.0 sample card", () => {
    expect(convert.agentCardFromV03(sampleCard)).toStrictEqual({
      name: "GeoSpatial Route Planner Agent",
      description: "Provides advanced route planning.",
      supportedInterfaces: [
        {
          url: "https://georoute-agent.example.com/a2a/v1",
          protocolBinding: "JSONRPC",
          protocolVersion: "0.3.0",
        },
        {
          url: "https://georoute-agent.example.com/a2a/grpc",
          protocolBinding: "GRPC",
          protocolVersion: "0.3.0",
        },
        {
          url: "https://georoute-agent.example.com/a2a/json",
          protocolBinding: "HTTP+JSON",
          protocolVersion: "0.3.0",
        },
      ],
      provider: {
        organization: "Example Geo Services Inc.",
        url: "https://www.examplegeoservices.com",
      },
      version: "1.2.0",
      documentationUrl: "https://docs.examplegeoservices.com/georoute-agent/api",
      capabilities: { streaming: true, pushNotifications: true, extendedAgentCard: true },
      securitySchemes: {
        google: {
          openIdConnectSecurityScheme: {
            openIdConnectUrl: "https://accounts.google.com/.well-known/openid-configuration",
          },
        },
      },
      securityRequirements: [{ schemes: { google: { list: ["openid", "profile", "email"] } } }],
      defaultInputModes: ["application/json", "text/plain"],
      defaultOutputModes: ["application/json", "image/png"],
      skills: [
        {
          id: "route-optimizer-traffic",
          name: "Traffic-Aware Route Optimizer",
          description: "Calculates the optimal driving route.",
          tags: ["maps", "routing"],
          examples: ["Plan a route avoiding tolls."],
          inputModes: ["application/json", "text/plain"],
          outputModes: ["application/json"],
        },
      ],
      iconUrl: "https://georoute-agent.example.com/icon.png",
    });
  });

  it("0.3 -> 1.0 -> 0.3 keeps the sample card but for signatures and stateTransitionHistory", () => {
    const { signatures: _, ...unsigned } = sampleCard;
    expect(convert.agentCardToV03(convert.agentCardFromV03(sampleCard))).toStrictEqual({
      ...unsigned,
      capabilities: { streaming: true, pushNotifications: true },
    });
  });

  it("a 0.3 card without preferredTransport or additionalInterfaces serves JSON-RPC at url", () => {
    const { preferredTransport: _, additionalInterfaces: __, ...minimal } = sampleCard;
    expect(convert.agentCardFromV03(minimal).supportedInterfaces).toStrictEqual([
      {
        url: "https://georoute-agent.example.com/a2a/v1",
        protocolBinding: "JSONRPC",
        protocolVersion: "0.3.0",
      },
    ]);
  });
});
