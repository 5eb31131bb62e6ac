import { Role as SdkRole, TaskState as SdkTaskState } from "@a2a-js/sdk";
import { LegacyRestTransport } from "@a2a-js/sdk/compat/v0_3/client";
import { describe, expect, it } from "vitest";
import { A2AError } from "../src/errors/a2a-error.js";
import * as convert from "../src/wire/convert/index.js";
import * as v03 from "../src/wire/v03/index.js";
import * as proto from "../src/wire/v03-proto/index.js";

/**
 * A2A 0.3 HTTP+JSON speaks the ProtoJSON of the 0.3 gRPC messages. The strongest check is the
 * official SDK's own 0.3 REST client: it is driven against a fake server that parses what the
 * client sends with `v03-proto` schemas + `from-proto`, and answers with what `to-proto` makes.
 */

// ---------------------------------------------------------------------------------------------
// Fixtures (0.3 JSON shapes, as the server produces them)
// ---------------------------------------------------------------------------------------------

const T0 = "2025-03-01T12:00:00.000Z";

const userMessage03 = v03.Message.parse({
  kind: "message",
  messageId: "m-user",
  contextId: "ctx-1",
  taskId: "task-1",
  role: "user",
  parts: [{ kind: "text", text: "hi" }],
});

const agentMessage03 = v03.Message.parse({
  kind: "message",
  messageId: "m-agent",
  contextId: "ctx-1",
  taskId: "task-1",
  role: "agent",
  parts: [{ kind: "text", text: "done", metadata: { dropped: true } }],
});

function task03(state: v03.TaskState, extra: Partial<v03.Task> = {}): v03.Task {
  return v03.Task.parse({
    kind: "task",
    id: "task-1",
    contextId: "ctx-1",
    status: { state, timestamp: T0 },
    ...extra,
  });
}

const completedTask03 = task03("completed", {
  status: { state: "completed", timestamp: T0, message: agentMessage03 },
  artifacts: [
    {
      artifactId: "a-1",
      name: "echo",
      parts: [
        { kind: "text", text: "echo: hi" },
        {
          kind: "file",
          file: { uri: "https://files.test/y.pdf", mimeType: "application/pdf", name: "y.pdf" },
        },
        { kind: "file", file: { bytes: "aGVsbG8=" } },
        { kind: "data", data: { snake_key: 1, nested: { message_id: "kept" } } },
      ],
    },
  ],
  history: [userMessage03],
  metadata: { trace_id: "t-1" },
});

/** {@link completedTask03} as ProtoJSON, recorded from the 0.3 proto's `Task.toJSON` rules. */
const completedTaskProto = {
  id: "task-1",
  contextId: "ctx-1",
  status: {
    state: "TASK_STATE_COMPLETED",
    message: {
      messageId: "m-agent",
      contextId: "ctx-1",
      taskId: "task-1",
      role: "ROLE_AGENT",
      content: [{ text: "done" }],
    },
    timestamp: T0,
  },
  artifacts: [
    {
      artifactId: "a-1",
      name: "echo",
      parts: [
        { text: "echo: hi" },
        { file: { fileWithUri: "https://files.test/y.pdf", mimeType: "application/pdf" } },
        { file: { fileWithBytes: "aGVsbG8=" } },
        { data: { data: { snake_key: 1, nested: { message_id: "kept" } } } },
      ],
    },
  ],
  history: [
    {
      messageId: "m-user",
      contextId: "ctx-1",
      taskId: "task-1",
      role: "ROLE_USER",
      content: [{ text: "hi" }],
    },
  ],
  metadata: { trace_id: "t-1" },
};

const card03 = v03.AgentCard.parse({
  protocolVersion: "0.3.0",
  name: "Echo",
  description: "Echoes",
  url: "https://agent.test/a2a/v1",
  preferredTransport: "HTTP+JSON",
  additionalInterfaces: [{ url: "https://agent.test/a2a/jsonrpc", transport: "JSONRPC" }],
  provider: { organization: "Test Org", url: "https://org.test" },
  iconUrl: "https://agent.test/icon.png",
  version: "1.2.3",
  capabilities: { streaming: true, pushNotifications: false, stateTransitionHistory: true },
  securitySchemes: {
    bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
    key: { type: "apiKey", in: "header", name: "X-Key", description: "a key" },
    oauth: {
      type: "oauth2",
      flows: {
        clientCredentials: { tokenUrl: "https://auth.test/token", scopes: {} },
        authorizationCode: {
          authorizationUrl: "https://auth.test/authorize",
          tokenUrl: "https://auth.test/token",
          scopes: { read: "Read things" },
        },
      },
      oauth2MetadataUrl: "https://auth.test/.well-known/oauth-authorization-server",
    },
    oidc: { type: "openIdConnect", openIdConnectUrl: "https://auth.test/.well-known/openid" },
    mtls: { type: "mutualTLS" },
  },
  security: [{ bearer: [] }, { oauth: ["read"] }],
  defaultInputModes: ["text/plain"],
  defaultOutputModes: ["text/plain"],
  skills: [
    {
      id: "echo",
      name: "Echo",
      description: "Echoes text",
      tags: ["echo"],
      examples: [],
      security: [{ key: [] }],
    },
  ],
  supportsAuthenticatedExtendedCard: true,
});

/** {@link card03} as ProtoJSON. */
const cardProto = {
  protocolVersion: "0.3.0",
  name: "Echo",
  description: "Echoes",
  url: "https://agent.test/a2a/v1",
  preferredTransport: "HTTP+JSON",
  additionalInterfaces: [{ url: "https://agent.test/a2a/jsonrpc", transport: "JSONRPC" }],
  provider: { url: "https://org.test", organization: "Test Org" },
  version: "1.2.3",
  capabilities: { streaming: true },
  securitySchemes: {
    bearer: { httpAuthSecurityScheme: { scheme: "bearer", bearerFormat: "JWT" } },
    key: { apiKeySecurityScheme: { description: "a key", location: "header", name: "X-Key" } },
    oauth: {
      oauth2SecurityScheme: {
        flows: {
          authorizationCode: {
            authorizationUrl: "https://auth.test/authorize",
            tokenUrl: "https://auth.test/token",
            scopes: { read: "Read things" },
          },
        },
        oauth2MetadataUrl: "https://auth.test/.well-known/oauth-authorization-server",
      },
    },
    oidc: {
      openIdConnectSecurityScheme: { openIdConnectUrl: "https://auth.test/.well-known/openid" },
    },
    mtls: { mtlsSecurityScheme: {} },
  },
  security: [{ schemes: { bearer: {} } }, { schemes: { oauth: { list: ["read"] } } }],
  defaultInputModes: ["text/plain"],
  defaultOutputModes: ["text/plain"],
  skills: [
    {
      id: "echo",
      name: "Echo",
      description: "Echoes text",
      tags: ["echo"],
      security: [{ schemes: { key: {} } }],
    },
  ],
  supportsAuthenticatedExtendedCard: true,
};

// ---------------------------------------------------------------------------------------------
// A fake 0.3 HTTP+JSON server for the SDK client
// ---------------------------------------------------------------------------------------------

const ENDPOINT = "https://agent.test/a2a";

interface Call {
  method: string;
  /** Path and query, below the endpoint. */
  path: string;
  headers: Headers;
  body: unknown;
}

/** A 200 `text/event-stream` response of `events`, one `data:` line each. */
function sse(events: readonly unknown[]): Response {
  return new Response(events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join(""), {
    headers: { "content-type": "text/event-stream" },
  });
}

/** A `LegacyRestTransport` whose requests go to `answer`; every request is recorded. */
function sdkClient(answer: (call: Call) => unknown) {
  const calls: Call[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const call: Call = {
      method: init?.method ?? "GET",
      path: `${url.pathname.slice(new URL(ENDPOINT).pathname.length)}${url.search}`,
      headers: new Headers(init?.headers),
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const reply = answer(call);
    if (reply instanceof Response) return reply;
    if (reply === undefined) return new Response(null, { status: 204 });
    return Response.json(reply);
  };
  return { client: new LegacyRestTransport({ endpoint: ENDPOINT, fetchImpl }), calls };
}

type SdkSendRequest = Parameters<LegacyRestTransport["sendMessage"]>[0];
type SdkMessage = NonNullable<SdkSendRequest["message"]>;
type SdkPart = SdkMessage["parts"][number];
type SdkPushConfig = Parameters<LegacyRestTransport["createTaskPushNotificationConfig"]>[0];

function sdkPart(content: SdkPart["content"], extra: Partial<SdkPart> = {}): SdkPart {
  return { content, metadata: undefined, filename: "", mediaType: "", ...extra };
}

function sdkRequest(
  parts: SdkPart[],
  configuration?: SdkSendRequest["configuration"],
): SdkSendRequest {
  return {
    tenant: "",
    message: {
      messageId: "m-user",
      contextId: "ctx-1",
      taskId: "",
      role: SdkRole.ROLE_USER,
      parts,
      metadata: { client_key: { message_id: "not renamed" } },
      extensions: [],
      referenceTaskIds: [],
    },
    configuration,
    metadata: undefined,
  };
}

/** What a server does with a request body: parse (ProtoJSON) and convert to 0.3 JSON. */
function receiveSend(body: unknown): v03.MessageSendParams {
  const params = proto.sendMessageParamsFromProto(proto.SendMessageRequest.parse(body));
  // The result must be valid input for the 0.3 JSON pipeline (and so for the 1.0 converters).
  expect(v03.MessageSendParams.parse(params)).toEqual(params);
  return params;
}

// ---------------------------------------------------------------------------------------------
// The official SDK client against the converters
// ---------------------------------------------------------------------------------------------

describe("the @a2a-js/sdk 0.3 REST client", () => {
  it("sends message:send as ProtoJSON and reads the task sendMessageResultToProto writes", async () => {
    const { client, calls } = sdkClient(() => proto.sendMessageResultToProto(completedTask03));
    const result = await client.sendMessage(
      sdkRequest([
        sdkPart({ $case: "text", value: "hi" }),
        sdkPart(
          { $case: "url", value: "https://files.test/in.pdf" },
          { mediaType: "application/pdf", filename: "in.pdf" },
        ),
        sdkPart({ $case: "raw", value: Buffer.from("hello") }),
        sdkPart({ $case: "data", value: { some_key: [1, 2] } }),
      ]),
    );

    // The request, as recorded on the wire.
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: "POST", path: "/v1/message:send" });
    expect(calls[0]!.headers.get("content-type")).toBe("application/json");
    expect(calls[0]!.body).toEqual({
      message: {
        messageId: "m-user",
        contextId: "ctx-1",
        role: "ROLE_USER",
        content: [
          { text: "hi" },
          { file: { fileWithUri: "https://files.test/in.pdf", mimeType: "application/pdf" } },
          { file: { fileWithBytes: "aGVsbG8=" } },
          { data: { data: { some_key: [1, 2] } } },
        ],
        metadata: { client_key: { message_id: "not renamed" } },
      },
    });

    // What the server makes of it.
    expect(receiveSend(calls[0]!.body)).toEqual({
      message: {
        kind: "message",
        messageId: "m-user",
        contextId: "ctx-1",
        role: "user",
        parts: [
          { kind: "text", text: "hi" },
          { kind: "file", file: { uri: "https://files.test/in.pdf", mimeType: "application/pdf" } },
          { kind: "file", file: { bytes: "aGVsbG8=" } },
          { kind: "data", data: { some_key: [1, 2] } },
        ],
        metadata: { client_key: { message_id: "not renamed" } },
      },
    });

    // What the SDK makes of the answer, in its 1.0 core types.
    expect("status" in result).toBe(true);
    const task = result as Extract<typeof result, { status: unknown }>;
    expect(task.id).toBe("task-1");
    expect(task.contextId).toBe("ctx-1");
    expect(task.status?.state).toBe(SdkTaskState.TASK_STATE_COMPLETED);
    expect(task.status?.timestamp).toBe(T0);
    expect(task.status?.message?.role).toBe(SdkRole.ROLE_AGENT);
    expect(task.status?.message?.parts[0]?.content).toEqual({ $case: "text", value: "done" });
    const parts = task.artifacts[0]!.parts;
    expect(parts[0]?.content).toEqual({ $case: "text", value: "echo: hi" });
    expect(parts[1]).toMatchObject({
      content: { $case: "url", value: "https://files.test/y.pdf" },
      mediaType: "application/pdf",
    });
    expect(parts[2]?.content?.$case).toBe("raw");
    expect(Buffer.from(parts[2]?.content?.value as Uint8Array).toString()).toBe("hello");
    expect(parts[3]?.content).toEqual({
      $case: "data",
      value: { snake_key: 1, nested: { message_id: "kept" } },
    });
    expect(task.artifacts[0]?.name).toBe("echo");
    expect(task.history.map((m) => [m.messageId, m.role])).toEqual([["m-user", SdkRole.ROLE_USER]]);
    expect(task.metadata).toEqual({ trace_id: "t-1" });
  });

  it("reads a Message result under `message`", async () => {
    const { client } = sdkClient(() => proto.sendMessageResultToProto(agentMessage03));
    const result = await client.sendMessage(sdkRequest([sdkPart({ $case: "text", value: "hi" })]));
    expect(result).toMatchObject({
      messageId: "m-agent",
      contextId: "ctx-1",
      taskId: "task-1",
      role: SdkRole.ROLE_AGENT,
      parts: [{ content: { $case: "text", value: "done" } }],
    });
  });

  it("sends the configuration; an absent `blocking` reads as false", async () => {
    const { client, calls } = sdkClient(() => proto.sendMessageResultToProto(completedTask03));
    const push = {
      tenant: "",
      id: "cfg-1",
      taskId: "",
      url: "https://hooks.test/a2a",
      token: "tok",
      authentication: { scheme: "Bearer", credentials: "secret" },
    };
    const configuration = {
      acceptedOutputModes: ["text/plain"],
      taskPushNotificationConfig: push,
      historyLength: 3,
      returnImmediately: true,
    };
    await client.sendMessage(sdkRequest([sdkPart({ $case: "text", value: "a" })], configuration));
    await client.sendMessage(
      sdkRequest([sdkPart({ $case: "text", value: "b" })], {
        ...configuration,
        taskPushNotificationConfig: undefined,
        historyLength: undefined,
        returnImmediately: false,
      }),
    );

    // proto3 leaves `blocking: false` out; the server must not read that as "blocking".
    expect((calls[0]!.body as { configuration: unknown }).configuration).toEqual({
      acceptedOutputModes: ["text/plain"],
      pushNotification: {
        id: "cfg-1",
        url: "https://hooks.test/a2a",
        token: "tok",
        authentication: { schemes: ["Bearer"], credentials: "secret" },
      },
      historyLength: 3,
    });
    expect(receiveSend(calls[0]!.body).configuration).toEqual({
      acceptedOutputModes: ["text/plain"],
      blocking: false,
      historyLength: 3,
      pushNotificationConfig: {
        id: "cfg-1",
        url: "https://hooks.test/a2a",
        token: "tok",
        authentication: { schemes: ["Bearer"], credentials: "secret" },
      },
    });
    expect(receiveSend(calls[1]!.body).configuration).toEqual({
      acceptedOutputModes: ["text/plain"],
      blocking: true,
    });
  });

  it("gets and cancels tasks, every 0.3 state mapped to the SDK's 1.0 state", async () => {
    const states: [v03.TaskState, SdkTaskState][] = [
      ["submitted", SdkTaskState.TASK_STATE_SUBMITTED],
      ["working", SdkTaskState.TASK_STATE_WORKING],
      ["input-required", SdkTaskState.TASK_STATE_INPUT_REQUIRED],
      ["completed", SdkTaskState.TASK_STATE_COMPLETED],
      ["canceled", SdkTaskState.TASK_STATE_CANCELED],
      ["failed", SdkTaskState.TASK_STATE_FAILED],
      ["rejected", SdkTaskState.TASK_STATE_REJECTED],
      ["auth-required", SdkTaskState.TASK_STATE_AUTH_REQUIRED],
      ["unknown", SdkTaskState.TASK_STATE_UNSPECIFIED],
    ];
    for (const [state, expected] of states) {
      const { client, calls } = sdkClient(() => proto.taskToProto(task03(state)));
      const task = await client.getTask({ tenant: "", id: "task-1", historyLength: 2 });
      expect(calls[0]).toMatchObject({ method: "GET", path: "/v1/tasks/task-1?historyLength=2" });
      expect(task.status?.state, state).toBe(expected);
    }

    const { client, calls } = sdkClient(() => proto.taskToProto(task03("canceled")));
    const canceled = await client.cancelTask({ tenant: "", id: "task-1", metadata: undefined });
    expect(calls[0]).toMatchObject({ method: "POST", path: "/v1/tasks/task-1:cancel" });
    expect(canceled.status?.state).toBe(SdkTaskState.TASK_STATE_CANCELED);
  });

  it("streams message:stream events written by streamResultToProto", async () => {
    const events: v03.StreamResult[] = [
      task03("submitted", { history: [userMessage03] }),
      {
        kind: "artifact-update",
        taskId: "task-1",
        contextId: "ctx-1",
        artifact: { artifactId: "a-1", parts: [{ kind: "text", text: "chunk" }] },
        append: false,
        lastChunk: true,
      },
      {
        kind: "status-update",
        taskId: "task-1",
        contextId: "ctx-1",
        status: { state: "completed", timestamp: T0 },
        final: true,
      },
    ];
    const { client, calls } = sdkClient(() => sse(events.map(proto.streamResultToProto)));
    const received = [];
    for await (const event of client.sendMessageStream(
      sdkRequest([sdkPart({ $case: "text", value: "hi" })]),
    )) {
      received.push(event.payload);
    }

    expect(calls[0]).toMatchObject({ method: "POST", path: "/v1/message:stream" });
    expect(calls[0]!.headers.get("accept")).toBe("text/event-stream");
    expect(receiveSend(calls[0]!.body).message.parts).toEqual([{ kind: "text", text: "hi" }]);
    expect(received.map((p) => p?.$case)).toEqual(["task", "artifactUpdate", "statusUpdate"]);
    expect(received[1]).toMatchObject({
      value: {
        taskId: "task-1",
        artifact: { artifactId: "a-1", parts: [{ content: { $case: "text", value: "chunk" } }] },
        append: false,
        lastChunk: true,
      },
    });
    expect(received[2]).toMatchObject({
      value: { taskId: "task-1", status: { state: SdkTaskState.TASK_STATE_COMPLETED } },
    });
  });

  it("resubscribes with GET tasks/{id}:subscribe", async () => {
    const event = proto.streamResultToProto({
      kind: "status-update",
      taskId: "task-1",
      contextId: "ctx-1",
      status: { state: "working" },
      final: false,
    });
    expect(event).toEqual({
      statusUpdate: {
        taskId: "task-1",
        contextId: "ctx-1",
        status: { state: "TASK_STATE_WORKING" },
      },
    });
    const { client, calls } = sdkClient(() => sse([event]));
    const received = [];
    for await (const e of client.resubscribeTask({ tenant: "", id: "task-1" })) received.push(e);
    expect(calls[0]).toMatchObject({ method: "GET", path: "/v1/tasks/task-1:subscribe" });
    expect(received[0]?.payload).toMatchObject({
      $case: "statusUpdate",
      value: { status: { state: SdkTaskState.TASK_STATE_WORKING } },
    });
  });

  it("creates, gets and lists push configs named tasks/{id}/pushNotificationConfigs/{id}", async () => {
    const stored: v03.TaskPushNotificationConfig[] = [];
    const { client, calls } = sdkClient((call) => {
      if (call.method === "POST") {
        const body = proto.TaskPushNotificationConfig.parse(call.body);
        const config = proto.taskPushConfigFromProto(body, "task-1");
        // A server gives a config without an id one; here, the task id (as 0.3 servers do).
        const withId = { ...config.pushNotificationConfig };
        withId.id ??= config.taskId;
        stored.push({ taskId: config.taskId, pushNotificationConfig: withId });
        return proto.taskPushConfigToProto(stored.at(-1)!);
      }
      if (call.path.endsWith("/pushNotificationConfigs")) {
        return proto.listPushConfigsToProto(stored);
      }
      return proto.taskPushConfigToProto(stored[0]!);
    });
    const config: SdkPushConfig = {
      tenant: "",
      taskId: "task-1",
      id: "cfg-1",
      url: "https://hooks.test/a2a",
      token: "tok",
      authentication: { scheme: "Bearer", credentials: "secret" },
    };

    const created = await client.createTaskPushNotificationConfig(config);
    expect(calls[0]).toMatchObject({
      method: "POST",
      path: "/v1/tasks/task-1/pushNotificationConfigs",
      body: {
        name: "tasks/task-1/pushNotificationConfigs/cfg-1",
        pushNotificationConfig: {
          id: "cfg-1",
          url: "https://hooks.test/a2a",
          token: "tok",
          authentication: { schemes: ["Bearer"], credentials: "secret" },
        },
      },
    });
    expect(stored[0]).toEqual({
      taskId: "task-1",
      pushNotificationConfig: {
        id: "cfg-1",
        url: "https://hooks.test/a2a",
        token: "tok",
        authentication: { schemes: ["Bearer"], credentials: "secret" },
      },
    });
    expect(created).toEqual(config);

    // Without an id the SDK sends `.../pushNotificationConfigs/` (empty last segment).
    const anonymous = await client.createTaskPushNotificationConfig({
      ...config,
      id: "",
      token: "",
      authentication: undefined,
    });
    expect((calls[1]!.body as { name: string }).name).toBe("tasks/task-1/pushNotificationConfigs/");
    expect(anonymous).toMatchObject({ taskId: "task-1", id: "task-1", token: "" });

    const got = await client.getTaskPushNotificationConfig({
      tenant: "",
      taskId: "task-1",
      id: "cfg-1",
    });
    expect(calls[2]).toMatchObject({
      method: "GET",
      path: "/v1/tasks/task-1/pushNotificationConfigs/cfg-1",
    });
    expect(got).toEqual(config);

    const listed = await client.listTaskPushNotificationConfig({
      tenant: "",
      taskId: "task-1",
      pageSize: 0,
      pageToken: "",
    });
    expect(calls[3]).toMatchObject({
      method: "GET",
      path: "/v1/tasks/task-1/pushNotificationConfigs",
    });
    expect(listed.configs.map((c) => [c.taskId, c.id])).toEqual([
      ["task-1", "cfg-1"],
      ["task-1", "task-1"],
    ]);
  });

  it("reads an empty push config list written as {}", async () => {
    expect(proto.listPushConfigsToProto([])).toEqual({});
    const { client } = sdkClient(() => proto.listPushConfigsToProto([]));
    const listed = await client.listTaskPushNotificationConfig({
      tenant: "",
      taskId: "task-1",
      pageSize: 0,
      pageToken: "",
    });
    expect(listed.configs).toEqual([]);
  });

  it("reads the card agentCardToProto writes at /v1/card", async () => {
    const { client, calls } = sdkClient(() => proto.agentCardToProto(card03));
    const card = await client.getExtendedAgentCard({ tenant: "" });
    expect(calls[0]).toMatchObject({ method: "GET", path: "/v1/card" });
    expect(card.name).toBe("Echo");
    expect(card.supportedInterfaces.map((i) => [i.url, i.protocolBinding])).toEqual([
      ["https://agent.test/a2a/v1", "HTTP+JSON"],
      ["https://agent.test/a2a/jsonrpc", "JSONRPC"],
    ]);
    expect(card.capabilities?.streaming).toBe(true);
    expect(card.capabilities?.extendedAgentCard).toBe(true);
    expect(card.securitySchemes.bearer?.scheme).toEqual({
      $case: "httpAuthSecurityScheme",
      value: { description: "", scheme: "bearer", bearerFormat: "JWT" },
    });
    expect(card.securitySchemes.key?.scheme).toEqual({
      $case: "apiKeySecurityScheme",
      value: { description: "a key", location: "header", name: "X-Key" },
    });
    expect(card.securitySchemes.oauth?.scheme).toMatchObject({
      $case: "oauth2SecurityScheme",
      value: {
        flows: {
          flow: {
            $case: "authorizationCode",
            value: { tokenUrl: "https://auth.test/token", scopes: { read: "Read things" } },
          },
        },
      },
    });
    expect(card.securitySchemes.oidc?.scheme?.$case).toBe("openIdConnectSecurityScheme");
    expect(card.securitySchemes.mtls?.scheme?.$case).toBe("mtlsSecurityScheme");
    expect(card.securityRequirements).toEqual([
      { schemes: { bearer: { list: [] } } },
      { schemes: { oauth: { list: ["read"] } } },
    ]);
    expect(card.skills[0]?.securityRequirements).toEqual([{ schemes: { key: { list: [] } } }]);
  });
});

// ---------------------------------------------------------------------------------------------
// to-proto: recorded shapes
// ---------------------------------------------------------------------------------------------

describe("to-proto", () => {
  it("writes a task as the recorded ProtoJSON (no kind, parts -> content, defaults left out)", () => {
    expect(proto.taskToProto(completedTask03)).toEqual(completedTaskProto);
    expect(proto.sendMessageResultToProto(completedTask03)).toEqual({ task: completedTaskProto });
    expect(proto.streamResultToProto(completedTask03)).toEqual({ task: completedTaskProto });
  });

  it("writes the 0.3 proto spelling of each state; unknown is the omitted default", () => {
    expect(proto.taskStatusToProto({ state: "canceled" })).toEqual({
      state: "TASK_STATE_CANCELLED",
    });
    expect(proto.taskStatusToProto({ state: "input-required" })).toEqual({
      state: "TASK_STATE_INPUT_REQUIRED",
    });
    expect(proto.taskStateToProto("unknown")).toBe("TASK_STATE_UNSPECIFIED");
    expect(proto.taskStatusToProto({ state: "unknown" })).toEqual({});
    expect(proto.taskToProto({ ...task03("working"), contextId: "" })).toEqual({
      id: "task-1",
      status: { state: "TASK_STATE_WORKING", timestamp: T0 },
    });
  });

  it("writes messages under `message`, without kind, referenceTaskIds or part metadata", () => {
    const message = v03.Message.parse({
      messageId: "m",
      role: "user",
      parts: [{ kind: "text", text: "", metadata: { a: 1 } }],
      referenceTaskIds: ["t-0"],
      extensions: [],
      metadata: {},
    });
    expect(proto.sendMessageResultToProto({ ...message, kind: "message" })).toEqual({
      message: { messageId: "m", role: "ROLE_USER", content: [{ text: "" }], metadata: {} },
    });
  });

  it("writes file parts without name, and bytes as fileWithBytes", () => {
    expect(
      proto.partToProto({ kind: "file", file: { bytes: "AAEC", name: "x.bin", mimeType: "" } }),
    ).toEqual({ file: { fileWithBytes: "AAEC" } });
    expect(proto.partToProto({ kind: "data", data: {}, metadata: { m: 1 } })).toEqual({
      data: { data: {} },
    });
  });

  it("writes events with final / append / lastChunk only when true", () => {
    const status = { state: "working" as const };
    expect(
      proto.statusUpdateToProto({
        kind: "status-update",
        taskId: "t",
        contextId: "c",
        status,
        final: false,
        metadata: { k: 1 },
      }),
    ).toEqual({
      taskId: "t",
      contextId: "c",
      status: { state: "TASK_STATE_WORKING" },
      metadata: { k: 1 },
    });
    const artifact = { artifactId: "a", parts: [{ kind: "text" as const, text: "x" }] };
    expect(
      proto.artifactUpdateToProto({
        kind: "artifact-update",
        taskId: "t",
        contextId: "c",
        artifact,
        append: true,
        lastChunk: false,
      }),
    ).toEqual({
      taskId: "t",
      contextId: "c",
      artifact: { artifactId: "a", parts: [{ text: "x" }] },
      append: true,
    });
  });

  it("names push configs so the SDK's name parser round-trips, empty id included", () => {
    expect(
      proto.taskPushConfigToProto({
        taskId: "t-1",
        pushNotificationConfig: { url: "https://h.test", authentication: { schemes: [] } },
      }),
    ).toEqual({
      name: "tasks/t-1/pushNotificationConfigs/",
      pushNotificationConfig: { url: "https://h.test", authentication: {} },
    });
    const named = proto.taskPushConfigToProto({
      taskId: "t-1",
      pushNotificationConfig: { id: "c-1", url: "https://h.test" },
    });
    expect(named.name).toBe("tasks/t-1/pushNotificationConfigs/c-1");
    expect(proto.parsePushConfigName(named.name)).toEqual({ taskId: "t-1", configId: "c-1" });
    expect(proto.parsePushConfigName("tasks/t-1/pushNotificationConfigs/")).toEqual({
      taskId: "t-1",
    });
    expect(proto.parsePushConfigName("tasks/t-1")).toEqual({ taskId: "t-1" });
    expect(proto.parsePushConfigName("t-1")).toBeUndefined();
  });

  it("writes the agent card with proto security schemes and requirements", () => {
    expect(proto.agentCardToProto(card03)).toEqual(cardProto);
  });
});

// ---------------------------------------------------------------------------------------------
// schemas + from-proto
// ---------------------------------------------------------------------------------------------

function issues(
  schema: { safeParse(input: unknown): { error?: { issues: unknown[] } } },
  input: unknown,
) {
  return schema.safeParse(input).error?.issues ?? [];
}

const camelRequest = {
  message: {
    messageId: "m-1",
    contextId: "ctx-1",
    taskId: "task-1",
    role: "ROLE_USER",
    content: [
      { text: "hi" },
      { file: { fileWithUri: "https://f.test/a.png", mimeType: "image/png" } },
      { file: { fileWithBytes: "aGk=" } },
      { data: { data: { k: "v" } } },
    ],
    metadata: { m: 1 },
    extensions: ["urn:ext"],
  },
  configuration: {
    acceptedOutputModes: ["text/plain"],
    pushNotification: { url: "https://h.test", authentication: { schemes: ["Bearer"] } },
    historyLength: 4,
    blocking: true,
  },
  metadata: { r: 2 },
};

const snakeRequest = {
  request: {
    message_id: "m-1",
    context_id: "ctx-1",
    task_id: "task-1",
    role: 1,
    content: [
      { text: "hi" },
      { file: { file_with_uri: "https://f.test/a.png", mime_type: "image/png" } },
      { file: { file_with_bytes: "aGk=" } },
      { data: { data: { k: "v" } } },
    ],
    metadata: { m: 1 },
    extensions: ["urn:ext"],
  },
  configuration: {
    accepted_output_modes: ["text/plain"],
    push_notification: { url: "https://h.test", authentication: { schemes: ["Bearer"] } },
    history_length: "4",
    blocking: true,
  },
  metadata: { r: 2 },
};

describe("schemas", () => {
  it("accept the proto field names (snake_case, `request`) as well as the json names", () => {
    const camel = proto.SendMessageRequest.parse(camelRequest);
    expect(proto.SendMessageRequest.parse(snakeRequest)).toEqual(camel);
    expect(proto.sendMessageParamsFromProto(camel)).toEqual({
      message: {
        kind: "message",
        messageId: "m-1",
        contextId: "ctx-1",
        taskId: "task-1",
        role: "user",
        parts: [
          { kind: "text", text: "hi" },
          { kind: "file", file: { uri: "https://f.test/a.png", mimeType: "image/png" } },
          { kind: "file", file: { bytes: "aGk=" } },
          { kind: "data", data: { k: "v" } },
        ],
        metadata: { m: 1 },
        extensions: ["urn:ext"],
      },
      configuration: {
        acceptedOutputModes: ["text/plain"],
        blocking: true,
        historyLength: 4,
        pushNotificationConfig: { url: "https://h.test", authentication: { schemes: ["Bearer"] } },
      },
      metadata: { r: 2 },
    });
  });

  it("refuse a field given under both of its names, naming both", () => {
    const both = { message: { ...camelRequest.message, context_id: "other" } };
    expect(issues(proto.SendMessageRequest, both)).toEqual([
      expect.objectContaining({
        path: ["message", "contextId"],
        message: expect.stringMatching(/set twice, as "contextId" and as "context_id"/),
      }),
    ]);
    expect(
      issues(proto.SendMessageRequest, {
        message: camelRequest.message,
        request: camelRequest.message,
      }),
    ).toEqual([expect.objectContaining({ path: ["message"] })]);
    expect(issues(proto.SendMessageConfiguration, { historyLength: 1, history_length: 1 })).toEqual(
      [expect.objectContaining({ path: ["historyLength"] })],
    );
  });

  it("read enums by name or number, and refuse others", () => {
    const message = (role: unknown) => ({ ...camelRequest.message, role });
    expect(proto.Message.parse(message(2)).role).toBe("ROLE_AGENT");
    expect(proto.Message.parse(message("ROLE_AGENT")).role).toBe("ROLE_AGENT");
    expect(proto.Message.parse(message(1)).role).toBe("ROLE_USER");
    expect(proto.Message.parse(message("1")).role).toBe("ROLE_USER");
    for (const bad of [0, "ROLE_UNSPECIFIED", "user", 3, "0", "1.0", true, -1]) {
      expect(issues(proto.Message, message(bad)), String(bad)).toEqual([
        expect.objectContaining({
          path: ["role"],
          message: "must be one of ROLE_USER (1), ROLE_AGENT (2)",
        }),
      ]);
    }
    const { role: _, ...noRole } = camelRequest.message;
    expect(issues(proto.Message, noRole)).toEqual([
      expect.objectContaining({ path: ["role"], message: "is required" }),
    ]);
  });

  it("require messageId and at least one part", () => {
    expect(issues(proto.Message, { ...camelRequest.message, messageId: "" })).toEqual([
      expect.objectContaining({ path: ["messageId"] }),
    ]);
    expect(issues(proto.Message, { ...camelRequest.message, content: [] })).toEqual([
      expect.objectContaining({ path: ["content"], message: "must contain at least one part" }),
    ]);
  });

  it("want exactly one member of the Part and FilePart oneofs", () => {
    expect(
      issues(proto.Part, { file: { fileWithUri: "https://f.test", fileWithBytes: "aGk=" } }),
    ).toEqual([
      expect.objectContaining({
        path: ["file"],
        message: expect.stringMatching(/exactly one of fileWithUri, fileWithBytes/),
      }),
    ]);
    expect(
      issues(proto.Part, { file: { file_with_uri: "https://f.test", fileWithBytes: "aGk=" } }),
    ).toHaveLength(1);
    expect(issues(proto.Part, { file: { mimeType: "text/plain" } })).toHaveLength(1);
    expect(issues(proto.Part, { text: "a", data: { data: {} } })).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/exactly one of text, file, data/),
      }),
    ]);
    expect(issues(proto.Part, { file: { fileWithBytes: "not base64!" } })).toHaveLength(1);
    // ProtoJSON `null` is the unset default, so it does not count as a second member.
    expect(proto.Part.parse({ text: "a", data: null })).toEqual({ text: "a" });
    expect(proto.Part.parse({ data: {} })).toEqual({ data: { data: {} } });
  });

  it("never rename keys inside Structs (metadata, data)", () => {
    const struct = { message_id: "x", context_id: { task_id: 1 }, file_with_uri: "u" };
    const parsed = proto.SendMessageRequest.parse({
      message: {
        ...camelRequest.message,
        content: [{ data: { data: struct } }],
        metadata: struct,
      },
      metadata: struct,
    });
    expect(parsed.metadata).toEqual(struct);
    expect(parsed.message.metadata).toEqual(struct);
    expect(parsed.message.content).toEqual([{ data: { data: struct } }]);
    expect(proto.sendMessageParamsFromProto(parsed).message.parts).toEqual([
      { kind: "data", data: struct },
    ]);
  });

  it("read a present configuration without `blocking` as blocking: false", () => {
    const send = (configuration?: unknown) =>
      proto.sendMessageParamsFromProto(
        proto.SendMessageRequest.parse({ message: camelRequest.message, configuration }),
      ).configuration;
    expect(send()).toBeUndefined();
    expect(send({})).toEqual({ blocking: false });
    // ...which the unchanged 0.3 -> 1.0 converter turns into returnImmediately.
    const toV1 = (configuration?: unknown) =>
      convert.sendMessageRequestFromV03(
        proto.sendMessageParamsFromProto(
          proto.SendMessageRequest.parse({ message: camelRequest.message, configuration }),
        ),
      ).configuration;
    expect(toV1()).toBeUndefined();
    expect(toV1({})).toEqual({ returnImmediately: true });
    expect(toV1({ blocking: true })).toEqual({ returnImmediately: false });
    expect(send({ blocking: true })).toEqual({ blocking: true });
    expect(send({ blocking: null, historyLength: 0, acceptedOutputModes: [] })).toEqual({
      blocking: false,
    });
    expect(send({ history_length: "7" })).toEqual({ blocking: false, historyLength: 7 });
    expect(issues(proto.SendMessageConfiguration, { historyLength: -1 })).toHaveLength(1);
    expect(issues(proto.SendMessageConfiguration, { historyLength: "1.5" })).toHaveLength(1);
  });

  it("read push config bodies, with or without a name", () => {
    const pushNotificationConfig = {
      url: "https://h.test",
      token: "tok",
      authentication: { schemes: ["Bearer"], credentials: "c" },
    };
    const receive = (body: unknown) =>
      proto.taskPushConfigFromProto(proto.TaskPushNotificationConfig.parse(body), "t-1");

    expect(receive({ push_notification_config: pushNotificationConfig })).toEqual({
      taskId: "t-1",
      pushNotificationConfig,
    });
    expect(receive({ name: "tasks/t-1", pushNotificationConfig })).toEqual({
      taskId: "t-1",
      pushNotificationConfig,
    });
    expect(
      receive({ name: "tasks/t-1/pushNotificationConfigs/c-9", pushNotificationConfig }),
    ).toEqual({ taskId: "t-1", pushNotificationConfig: { ...pushNotificationConfig, id: "c-9" } });
    expect(
      receive({ name: "", pushNotificationConfig: { ...pushNotificationConfig, id: "c-1" } }),
    ).toEqual({ taskId: "t-1", pushNotificationConfig: { ...pushNotificationConfig, id: "c-1" } });

    const invalid = (body: unknown) => {
      try {
        receive(body);
      } catch (error) {
        expect(error).toBeInstanceOf(A2AError);
        return (error as A2AError).fieldViolations;
      }
      throw new Error("expected an error");
    };
    expect(invalid({ name: "tasks/t-2", pushNotificationConfig })).toEqual([
      { field: "name", description: expect.stringMatching(/"t-2".*"t-1"/) },
    ]);
    expect(
      invalid({
        name: "tasks/t-1/pushNotificationConfigs/c-1",
        pushNotificationConfig: { ...pushNotificationConfig, id: "c-2" },
      }),
    ).toEqual([{ field: "pushNotificationConfig.id", description: expect.any(String) }]);

    expect(
      issues(proto.TaskPushNotificationConfig, { name: "t-1", pushNotificationConfig }),
    ).toEqual([expect.objectContaining({ path: ["name"] })]);
    expect(issues(proto.TaskPushNotificationConfig, { name: "tasks/t-1" })).toEqual([
      expect.objectContaining({ path: ["pushNotificationConfig"], message: expect.any(String) }),
    ]);
    expect(
      issues(proto.TaskPushNotificationConfig, { pushNotificationConfig: { token: "t" } }),
    ).toEqual([expect.objectContaining({ path: ["pushNotificationConfig", "url"] })]);
  });

  it("keep an own __proto__ key a plain (dropped) field", () => {
    const parsed = proto.Message.parse(
      JSON.parse(
        '{"__proto__":{"messageId":"evil"},"message_id":"m","role":1,"content":[{"text":"x"}]}',
      ),
    );
    expect(parsed.messageId).toBe("m");
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });
});
