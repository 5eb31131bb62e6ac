import { describe, expect, it } from "vitest";
import * as v03 from "../src/wire/v03/index.js";

/** The issues of a failed parse as `path: message` lines, for exact assertions. */
function issues(
  schema: { safeParse(input: unknown): { error?: { issues: Issue[] } } },
  input: unknown,
) {
  const error = schema.safeParse(input).error;
  return error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}
interface Issue {
  path: PropertyKey[];
  message: string;
}

const textPart = { kind: "text", text: "tell me a joke" } as const;
const userMessage = {
  kind: "message",
  role: "user",
  parts: [textPart],
  messageId: "9229e770-767c-417b-a0b0-f0741243c589",
} as const;

describe("0.3 Part", () => {
  it("accepts text, file (bytes or uri) and data parts", () => {
    expect(v03.Part.parse({ kind: "text", text: "", metadata: { a: 1 } })).toStrictEqual({
      kind: "text",
      text: "",
      metadata: { a: 1 },
    });
    const bytes = { kind: "file", file: { bytes: "aGk=", mimeType: "text/plain", name: "hi.txt" } };
    expect(v03.Part.parse(bytes)).toStrictEqual(bytes);
    const uri = { kind: "file", file: { uri: "https://example.com/a.png" } };
    expect(v03.Part.parse(uri)).toStrictEqual(uri);
    const data = { kind: "data", data: { a: [1, { b: null }] } };
    expect(v03.Part.parse(data)).toStrictEqual(data);
  });

  it("strips unknown fields", () => {
    expect(
      v03.Part.parse({ kind: "file", file: { uri: "https://x/y", size: 3 }, extra: true }),
    ).toStrictEqual({ kind: "file", file: { uri: "https://x/y" } });
    expect(v03.Part.parse({ kind: "text", text: "a", mediaType: "text/plain" })).toStrictEqual({
      kind: "text",
      text: "a",
    });
  });

  it("rejects a missing or unknown kind", () => {
    expect(issues(v03.Part, { text: "a" })).toEqual([
      "kind: Invalid discriminator value. Expected 'text' | 'file' | 'data'",
    ]);
    expect(issues(v03.Part, { kind: "image", text: "a" })).toEqual([
      "kind: Invalid discriminator value. Expected 'text' | 'file' | 'data'",
    ]);
  });

  it("requires exactly one of bytes and uri in a file", () => {
    expect(issues(v03.Part, { kind: "file", file: { bytes: "aGk=", uri: "https://x" } })).toEqual([
      "file: must have exactly one of bytes, uri, got bytes, uri",
    ]);
    expect(issues(v03.Part, { kind: "file", file: { mimeType: "image/png" } })).toEqual([
      "file: must have exactly one of bytes, uri",
    ]);
    // The spec's §9.3 example puts the content under `data`, which is not a 0.3 field.
    expect(
      issues(v03.Part, { kind: "file", file: { mimeType: "image/png", data: "aGk=" } }),
    ).toEqual(["file: must have exactly one of bytes, uri"]);
  });

  it("checks bytes are base64 and uri is not empty", () => {
    expect(issues(v03.Part, { kind: "file", file: { bytes: "not base64!" } })).toEqual([
      "file.bytes: must be base64",
    ]);
    expect(issues(v03.Part, { kind: "file", file: { uri: "" } })).toEqual([
      "file.uri: must not be empty",
    ]);
  });

  it("requires data to be a JSON object", () => {
    expect(issues(v03.Part, { kind: "data", data: [1, 2] })).toEqual([
      "data: Invalid input: expected record, received array",
    ]);
    expect(issues(v03.Part, { kind: "data", data: "x" })).toEqual([
      "data: Invalid input: expected record, received string",
    ]);
    expect(issues(v03.Part, { kind: "data" })).toEqual([
      "data: Invalid input: expected record, received undefined",
    ]);
  });
});

describe("0.3 Message", () => {
  it("accepts a message and keeps every 0.3 field", () => {
    const full = {
      ...userMessage,
      contextId: "ctx",
      taskId: "task",
      metadata: { m: 1 },
      extensions: ["https://ext/1"],
      referenceTaskIds: ["t0"],
    };
    expect(v03.Message.parse(full)).toStrictEqual(full);
  });

  it("defaults a missing kind, as the spec's request examples leave it out", () => {
    const { kind: _, ...withoutKind } = userMessage;
    expect(v03.Message.parse(withoutKind)).toStrictEqual(userMessage);
    expect(issues(v03.Message, { ...userMessage, kind: "task" })).toEqual([
      'kind: Invalid input: expected "message"',
    ]);
  });

  it("reads roles by their 0.3 names", () => {
    expect(v03.Message.parse({ ...userMessage, role: "agent" }).role).toBe("agent");
    expect(issues(v03.Message, { ...userMessage, role: "ROLE_USER" })).toEqual([
      'role: Invalid option: expected one of "user"|"agent"',
    ]);
  });

  it("requires messageId, role and at least one part", () => {
    expect(issues(v03.Message, { kind: "message", parts: [] })).toEqual([
      "messageId: Invalid input: expected string, received undefined",
      'role: Invalid option: expected one of "user"|"agent"',
      "parts: must contain at least one part",
    ]);
    expect(issues(v03.Message, { ...userMessage, messageId: "" })).toEqual([
      "messageId: is required",
    ]);
  });

  it("names the failing part by its index", () => {
    expect(issues(v03.Message, { ...userMessage, parts: [textPart, { kind: "text" }] })).toEqual([
      "parts.1.text: Invalid input: expected string, received undefined",
    ]);
  });
});

describe("0.3 TaskState and TaskStatus", () => {
  it("accepts every 0.3 state, unknown included, and nothing else", () => {
    for (const state of v03.TASK_STATES) expect(v03.TaskState.parse(state)).toBe(state);
    expect(v03.TASK_STATES).toEqual([
      "submitted",
      "working",
      "input-required",
      "completed",
      "canceled",
      "failed",
      "rejected",
      "auth-required",
      "unknown",
    ]);
    expect(v03.TaskState.safeParse("TASK_STATE_WORKING").success).toBe(false);
    expect(v03.TaskState.safeParse("input_required").success).toBe(false);
  });

  it("accepts the timestamp forms of the spec examples", () => {
    for (const timestamp of [
      "2024-03-15T10:10:00Z",
      "2025-04-02T16:59:25.331844",
      "2024-03-15T10:10:00.123+02:00",
    ]) {
      expect(v03.TaskStatus.parse({ state: "working", timestamp })).toStrictEqual({
        state: "working",
        timestamp,
      });
    }
    expect(issues(v03.TaskStatus, { state: "working", timestamp: "yesterday" })).toEqual([
      "timestamp: must be an ISO 8601 datetime",
    ]);
  });

  it("requires a state", () => {
    expect(issues(v03.TaskStatus, {})).toEqual([
      'state: Invalid option: expected one of "submitted"|"working"|"input-required"|"completed"|"canceled"|"failed"|"rejected"|"auth-required"|"unknown"',
    ]);
  });
});

// Spec §9.2, the result of `message/send`.
const specTask = {
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
    },
  ],
  kind: "task",
  metadata: {},
};

describe("0.3 Task and Artifact", () => {
  it("accepts the spec's task", () => {
    const parsed = v03.Task.parse(specTask);
    expect(parsed).toStrictEqual({
      ...specTask,
      history: [{ kind: "message", ...specTask.history[0] }],
    });
  });

  it("requires kind task, id, contextId and status", () => {
    expect(issues(v03.Task, { ...specTask, kind: "message" })).toEqual([
      'kind: Invalid input: expected "task"',
    ]);
    expect(issues(v03.Task, { kind: "task" })).toEqual([
      "id: Invalid input: expected string, received undefined",
      "contextId: Invalid input: expected string, received undefined",
      "status: Invalid input: expected object, received undefined",
    ]);
  });

  it("requires an artifact id and at least one part", () => {
    expect(issues(v03.Artifact, { parts: [] })).toEqual([
      "artifactId: Invalid input: expected string, received undefined",
      "parts: must contain at least one part",
    ]);
    const artifact = { artifactId: "a", parts: [textPart], extensions: ["x"], description: "d" };
    expect(v03.Artifact.parse({ ...artifact, index: 0 })).toStrictEqual(artifact);
  });
});

describe("0.3 stream events", () => {
  // Spec §9.3.
  const statusUpdate = {
    taskId: "225d6247-06ba-4cda-a08b-33ae35c8dcfa",
    contextId: "05217e44-7e9f-473e-ab4f-2c2dde50a2b1",
    status: { state: "completed", timestamp: "2025-04-02T16:59:35.331844" },
    final: true,
    kind: "status-update",
  };
  const artifactUpdate = {
    taskId: "225d6247-06ba-4cda-a08b-33ae35c8dcfa",
    contextId: "05217e44-7e9f-473e-ab4f-2c2dde50a2b1",
    artifact: {
      artifactId: "9b6934dd-37e3-4eb1-8766-962efaab63a1",
      parts: [{ kind: "text", text: "<section 2...>" }],
    },
    append: true,
    lastChunk: false,
    kind: "artifact-update",
  };

  it("accepts the spec's status and artifact updates", () => {
    expect(v03.TaskStatusUpdateEvent.parse(statusUpdate)).toStrictEqual(statusUpdate);
    expect(v03.TaskArtifactUpdateEvent.parse(artifactUpdate)).toStrictEqual(artifactUpdate);
  });

  it("requires final on status updates and the right kind", () => {
    const { final: _, ...withoutFinal } = statusUpdate;
    expect(issues(v03.TaskStatusUpdateEvent, withoutFinal)).toEqual([
      "final: Invalid input: expected boolean, received undefined",
    ]);
    expect(
      issues(v03.TaskArtifactUpdateEvent, { ...artifactUpdate, kind: "taskArtifactUpdate" }),
    ).toEqual(['kind: Invalid input: expected "artifact-update"']);
  });

  it("tells stream results apart by kind", () => {
    expect(v03.StreamResult.parse(statusUpdate).kind).toBe("status-update");
    expect(v03.StreamResult.parse(artifactUpdate).kind).toBe("artifact-update");
    expect(v03.StreamResult.parse(specTask).kind).toBe("task");
    expect(v03.StreamResult.parse(userMessage).kind).toBe("message");
    const { kind: _, ...messageWithoutKind } = userMessage;
    expect(issues(v03.StreamResult, messageWithoutKind)).toEqual([
      "kind: Invalid discriminator value. Expected 'task' | 'message' | 'status-update' | 'artifact-update'",
    ]);
  });

  it("a message/send result is a task or a message", () => {
    expect(v03.SendMessageResult.parse(specTask).kind).toBe("task");
    expect(v03.SendMessageResult.parse(userMessage).kind).toBe("message");
    expect(v03.SendMessageResult.safeParse(statusUpdate).success).toBe(false);
  });
});

describe("0.3 request params", () => {
  // Spec §9.5, without its comments.
  const sendParams = {
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
  };

  it("accepts MessageSendParams with a full configuration", () => {
    const params = {
      ...sendParams,
      configuration: {
        ...sendParams.configuration,
        acceptedOutputModes: ["text/plain"],
        blocking: false,
        historyLength: 2,
      },
      metadata: { trace: "t1" },
    };
    expect(v03.MessageSendParams.parse(params)).toStrictEqual({
      ...params,
      message: { kind: "message", ...params.message },
    });
  });

  it("checks the configuration", () => {
    expect(
      issues(v03.MessageSendParams, { ...sendParams, configuration: { blocking: "yes" } }),
    ).toEqual(["configuration.blocking: Invalid input: expected boolean, received string"]);
    expect(
      issues(v03.MessageSendParams, { ...sendParams, configuration: { historyLength: -1 } }),
    ).toEqual(["configuration.historyLength: must be a non-negative integer"]);
    expect(
      issues(v03.MessageSendParams, {
        ...sendParams,
        configuration: { pushNotificationConfig: { token: "t" } },
      }),
    ).toEqual([
      "configuration.pushNotificationConfig.url: Invalid input: expected string, received undefined",
    ]);
    expect(issues(v03.MessageSendParams, {})).toEqual([
      "message: Invalid input: expected object, received undefined",
    ]);
  });

  it("TaskQueryParams takes historyLength as a number or a decimal string", () => {
    expect(v03.TaskQueryParams.parse({ id: "t", historyLength: "3" })).toStrictEqual({
      id: "t",
      historyLength: 3,
    });
    expect(issues(v03.TaskQueryParams, { id: "t", historyLength: 1.5 })).toEqual([
      "historyLength: must be an integer",
    ]);
    expect(issues(v03.TaskQueryParams, { id: "" })).toEqual(["id: is required"]);
  });

  it("TaskIdParams needs an id and keeps metadata", () => {
    expect(
      v03.TaskIdParams.parse({ id: "t", metadata: { why: "x" }, name: "tasks/t" }),
    ).toStrictEqual({ id: "t", metadata: { why: "x" } });
    expect(issues(v03.TaskIdParams, {})).toEqual([
      "id: Invalid input: expected string, received undefined",
    ]);
  });
});

describe("0.3 push notification configs", () => {
  const config = {
    taskId: "t1",
    pushNotificationConfig: {
      id: "c1",
      url: "https://client.example.com/hook",
      token: "tok",
      authentication: { schemes: ["Bearer", "Basic"], credentials: "secret" },
    },
  };

  it("accepts a TaskPushNotificationConfig and its list", () => {
    expect(v03.TaskPushNotificationConfig.parse(config)).toStrictEqual(config);
    expect(v03.ListTaskPushNotificationConfigResult.parse([config])).toStrictEqual([config]);
  });

  it("requires taskId, url and a schemes list", () => {
    expect(issues(v03.TaskPushNotificationConfig, { pushNotificationConfig: {} })).toEqual([
      "taskId: Invalid input: expected string, received undefined",
      "pushNotificationConfig.url: Invalid input: expected string, received undefined",
    ]);
    expect(
      issues(v03.TaskPushNotificationConfig, {
        ...config,
        pushNotificationConfig: { url: "https://x", authentication: { schemes: "Bearer" } },
      }),
    ).toEqual([
      "pushNotificationConfig.authentication.schemes: Invalid input: expected array, received string",
    ]);
  });

  it("get params are TaskIdParams or carry a config id; delete needs the config id", () => {
    expect(v03.GetTaskPushNotificationConfigParams.parse({ id: "t1" })).toStrictEqual({ id: "t1" });
    expect(
      v03.GetTaskPushNotificationConfigParams.parse({ id: "t1", pushNotificationConfigId: "c1" }),
    ).toStrictEqual({ id: "t1", pushNotificationConfigId: "c1" });
    expect(v03.ListTaskPushNotificationConfigParams.parse({ id: "t1" })).toStrictEqual({
      id: "t1",
    });
    expect(issues(v03.DeleteTaskPushNotificationConfigParams, { id: "t1" })).toEqual([
      "pushNotificationConfigId: Invalid input: expected string, received undefined",
    ]);
  });
});

describe("0.3 security schemes", () => {
  const schemes = {
    apiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "key" },
    bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
    oauth: {
      type: "oauth2",
      oauth2MetadataUrl: "https://auth.example.com/.well-known/oauth-authorization-server",
      flows: {
        authorizationCode: {
          authorizationUrl: "https://auth.example.com/authorize",
          tokenUrl: "https://auth.example.com/token",
          scopes: { read: "Read" },
        },
        clientCredentials: { tokenUrl: "https://auth.example.com/token", scopes: {} },
        implicit: { authorizationUrl: "https://auth.example.com/authorize", scopes: {} },
        password: { tokenUrl: "https://auth.example.com/token", refreshUrl: "r", scopes: {} },
      },
    },
    oidc: { type: "openIdConnect", openIdConnectUrl: "https://accounts.google.com/.well-known/x" },
    mtls: { type: "mutualTLS" },
  };

  it("accepts every scheme type, several OAuth flows at once included", () => {
    for (const scheme of Object.values(schemes)) {
      expect(v03.SecurityScheme.parse(scheme)).toStrictEqual(scheme);
    }
  });

  it("rejects unknown types, API key locations and missing required fields", () => {
    expect(issues(v03.SecurityScheme, { type: "apiKeySecurityScheme" })).toEqual([
      "type: Invalid discriminator value. Expected 'apiKey' | 'http' | 'oauth2' | 'openIdConnect' | 'mutualTLS'",
    ]);
    expect(issues(v03.SecurityScheme, { ...schemes.apiKey, in: "body" })).toEqual([
      'in: Invalid option: expected one of "cookie"|"header"|"query"',
    ]);
    expect(issues(v03.SecurityScheme, { type: "http" })).toEqual([
      "scheme: Invalid input: expected string, received undefined",
    ]);
    expect(
      issues(v03.SecurityScheme, {
        type: "oauth2",
        flows: { authorizationCode: { tokenUrl: "t", scopes: {} } },
      }),
    ).toEqual([
      "flows.authorizationCode.authorizationUrl: Invalid input: expected string, received undefined",
    ]);
  });

  it("a security requirement maps scheme names to scope lists", () => {
    expect(v03.SecurityRequirement.parse({ google: ["openid"], mtls: [] })).toStrictEqual({
      google: ["openid"],
      mtls: [],
    });
    expect(v03.SecurityRequirement.safeParse({ google: "openid" }).success).toBe(false);
  });
});

describe("0.3 AgentCard", () => {
  // Spec §5.7, trimmed to one skill.
  const sampleCard = {
    protocolVersion: "0.2.9",
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

  it("accepts the spec's sample card unchanged", () => {
    expect(v03.AgentCard.parse(sampleCard)).toStrictEqual(sampleCard);
  });

  it("strips 1.0-only fields", () => {
    const parsed = v03.AgentCard.parse({
      ...sampleCard,
      supportedInterfaces: [],
      securityRequirements: [],
    });
    expect(parsed).toStrictEqual(sampleCard);
  });

  it("requires the 0.3 card fields", () => {
    expect(issues(v03.AgentCard, { name: "n" })).toEqual([
      "protocolVersion: Invalid input: expected string, received undefined",
      "description: Invalid input: expected string, received undefined",
      "url: Invalid input: expected string, received undefined",
      "version: Invalid input: expected string, received undefined",
      "capabilities: Invalid input: expected object, received undefined",
      "defaultInputModes: Invalid input: expected array, received undefined",
      "defaultOutputModes: Invalid input: expected array, received undefined",
      "skills: Invalid input: expected array, received undefined",
    ]);
    expect(
      issues(v03.AgentCard, { ...sampleCard, additionalInterfaces: [{ url: "https://x" }] }),
    ).toEqual([
      "additionalInterfaces.0.transport: Invalid input: expected string, received undefined",
    ]);
    expect(
      issues(v03.AgentCard, { ...sampleCard, capabilities: { extensions: [{ required: true }] } }),
    ).toEqual([
      "capabilities.extensions.0.uri: Invalid input: expected string, received undefined",
    ]);
  });
});
