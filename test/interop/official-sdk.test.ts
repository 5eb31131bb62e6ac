/**
 * Interop: the official `@a2a-js/sdk` clients against a2a-mount on a real server.
 *
 * The same operations run through four clients: the SDK's 1.0 `Client` over JSON-RPC and
 * over HTTP+JSON (built by `ClientFactory` from the agent card), and its 0.3 transports
 * (`LegacyJsonRpcTransport`, `LegacyRestTransport`) pointed at the agent URL, as a 0.3
 * client would be. Each test asserts what a conformant server gives the official client,
 * in the client's own types; tasks a test needs beforehand are made over the harness's raw
 * 1.0 JSON-RPC, so a failure names the one operation under test. A failing test prints the
 * HTTP exchanges the SDK made.
 */
import {
  type Message,
  type Part,
  Role,
  SendMessageConfiguration,
  StreamResponse,
  type Task,
  TaskState,
  Message as WireMessage,
} from "@a2a-js/sdk";
import {
  type Client,
  ClientFactory,
  ClientFactoryOptions,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
  type RequestOptions,
  RestTransportFactory,
  type Transport,
} from "@a2a-js/sdk/client";
import {
  LegacyJsonRpcTransport,
  LegacyRestTransport,
  parseLegacyAgentCard,
} from "@a2a-js/sdk/compat/v0_3/client";
import {
  JsonRpcPushNotificationNotSupportedError,
  JsonRpcTaskNotCancelableError,
  JsonRpcTaskNotFoundError,
  JsonRpcUnsupportedOperationError,
  PushNotificationNotSupportedError,
  RestPushNotificationNotSupportedError,
  RestTaskNotCancelableError,
  RestTaskNotFoundError,
  RestUnsupportedOperationError,
  TaskNotCancelableError,
  TaskNotFoundError,
  UnsupportedOperationError,
} from "@a2a-js/sdk/errors";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeTestAgent, type TestAgent } from "../harness/agent.js";
import { type Json, rpc, until, userMessage } from "../harness/client.js";
import { PushReceiver, testPush } from "../harness/push.js";
import { express5Target } from "../harness/targets/express-target.js";
import { describeWhere, type Running } from "../harness/targets/index.js";

const CARD_PATH = "/.well-known/agent-card.json";
const STEP_MS = 3000;

/** The client operations the tests call; the 1.0 `Client` and every `Transport` have them. */
type Api = Pick<
  Transport,
  | "sendMessage"
  | "sendMessageStream"
  | "getTask"
  | "cancelTask"
  | "listTasks"
  | "resubscribeTask"
  | "createTaskPushNotificationConfig"
  | "getTaskPushNotificationConfig"
  | "listTaskPushNotificationConfig"
  | "deleteTaskPushNotificationConfig"
>;

type ErrorClass = abstract new (...args: never[]) => Error;

/** A client connected to the running agent. */
interface Connected {
  /** What the tests call: the 1.0 `Client`, or the 0.3 transport itself. */
  api: Api;
  /**
   * The wire transport, for push config calls: the 1.0 `Client` refuses create/get/list on
   * its own when the card says `pushNotifications: false`, without asking the server.
   */
  transport: Transport;
  /** What the `Client` adds to each call (its `A2A-Version`), for direct transport calls. */
  options: RequestOptions;
}

/** One of the four official clients. */
interface Subject {
  name: string;
  /** The protocol version the client speaks. */
  version: "1.0" | "0.3";
  binding: "JSONRPC" | "HTTP+JSON";
  connect(running: Running): Promise<Connected>;
  /** Whether the SDK client has ListTasks (neither 0.3 transport has: they throw locally). */
  listsTasks: boolean;
  /** The error classes this client's transport throws (SDK `errors` exports). */
  errors: {
    taskNotFound: ErrorClass;
    notCancelable: ErrorClass;
    pushNotSupported: ErrorClass;
    unsupported: ErrorClass;
  };
  /**
   * The typed error of an error event inside an open stream: the JSON-RPC transports throw a
   * plain `Error` whose `cause` is the typed error, the REST ones throw the typed error.
   */
  inStreamError(error: unknown): unknown;
  /**
   * Whether an error found after the client asked for a stream arrives in the stream: 0.3
   * JSON-RPC only (0.3 spec §3.3.1); 1.0 answers errors before the first event as plain
   * JSON-RPC, and HTTP+JSON with an HTTP status.
   */
  streamsEarlyErrors: boolean;
  /**
   * Whether the client passes on an artifact update's `append`: the SDK's 0.3 REST client
   * drops it when it converts the event (its `FromProto.taskArtifactUpdateEvent`), though
   * the server sends it.
   */
  keepsAppend: boolean;
}

// ---------------------------------------------------------------------------------------
// What the SDK sent and got back, printed when a test fails.

/** One HTTP exchange of an SDK client, as text. */
interface Exchange {
  request: string;
  response: string;
}

const exchanges: Exchange[] = [];

const clip = (text: string) => (text.length > 2000 ? `${text.slice(0, 2000)}...` : text);

/** `fetch` for the SDK clients, recording each exchange (an SSE body as it arrives). */
const recordingFetch: typeof fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  const version = new Headers(init?.headers).get("a2a-version");
  const body = typeof init?.body === "string" ? ` ${clip(init.body)}` : "";
  const entry: Exchange = {
    request: `${init?.method ?? "GET"} ${url}${version ? ` [A2A-Version: ${version}]` : ""}${body}`,
    response: "(none)",
  };
  exchanges.push(entry);
  const response = await fetch(input, init);
  const head = `${response.status} ${response.headers.get("content-type") ?? ""}`;
  entry.response = head;
  if (head.includes("text/event-stream")) {
    const reader = response.clone().body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    void (async () => {
      try {
        for (let read = await reader.read(); !read.done; read = await reader.read()) {
          text += decoder.decode(read.value, { stream: true });
          entry.response = `${head}\n${clip(text)}`;
        }
      } catch {
        // the client closed the stream
      }
    })();
  } else {
    entry.response = `${head} ${clip(await response.clone().text())}`;
  }
  return response;
};

// ---------------------------------------------------------------------------------------
// The four clients.

/** The SDK's 1.0 `ClientFactory`, preferring `binding`, resolving cards with `A2A-Version: 1.0`. */
function factory(binding: Subject["binding"]): ClientFactory {
  return new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [
        new JsonRpcTransportFactory({ fetchImpl: recordingFetch }),
        new RestTransportFactory({ fetchImpl: recordingFetch }),
      ],
      preferredTransports: [binding],
      cardResolver: new DefaultAgentCardResolver({ fetchImpl: recordingFetch }),
    }),
  );
}

const causeOf = (error: unknown): unknown => (error instanceof Error ? error.cause : undefined);

function v10(binding: Subject["binding"], name: string, errors: Subject["errors"]): Subject {
  return {
    name,
    version: "1.0",
    binding,
    listsTasks: true,
    errors,
    inStreamError: binding === "JSONRPC" ? causeOf : (error) => error,
    streamsEarlyErrors: false,
    keepsAppend: true,
    async connect(running) {
      const client: Client = await factory(binding).createFromUrl(running.origin);
      return {
        api: client,
        transport: client.transport,
        options: { serviceParameters: { "A2A-Version": client.protocolVersion } },
      };
    },
  };
}

function v03(
  binding: Subject["binding"],
  name: string,
  create: (endpoint: string) => Transport,
  errors: Subject["errors"],
): Subject {
  return {
    name,
    version: "0.3",
    binding,
    listsTasks: false,
    errors,
    inStreamError: binding === "JSONRPC" ? causeOf : (error) => error,
    streamsEarlyErrors: binding === "JSONRPC",
    keepsAppend: binding === "JSONRPC",
    async connect(running) {
      const transport = create(running.url);
      return { api: transport, transport, options: {} };
    },
  };
}

const SUBJECTS: readonly Subject[] = [
  v10("JSONRPC", "1.0 JSON-RPC", {
    taskNotFound: JsonRpcTaskNotFoundError,
    notCancelable: JsonRpcTaskNotCancelableError,
    pushNotSupported: JsonRpcPushNotificationNotSupportedError,
    unsupported: JsonRpcUnsupportedOperationError,
  }),
  v10("HTTP+JSON", "1.0 HTTP+JSON", {
    taskNotFound: RestTaskNotFoundError,
    notCancelable: RestTaskNotCancelableError,
    pushNotSupported: RestPushNotificationNotSupportedError,
    unsupported: RestUnsupportedOperationError,
  }),
  v03(
    "JSONRPC",
    "0.3 JSON-RPC",
    (endpoint) => new LegacyJsonRpcTransport({ endpoint, fetchImpl: recordingFetch }),
    {
      taskNotFound: JsonRpcTaskNotFoundError,
      notCancelable: JsonRpcTaskNotCancelableError,
      pushNotSupported: JsonRpcPushNotificationNotSupportedError,
      unsupported: JsonRpcUnsupportedOperationError,
    },
  ),
  // The 0.3 REST transport rebuilds the semantic classes themselves from a `{code, message}` body.
  v03(
    "HTTP+JSON",
    "0.3 HTTP+JSON",
    (endpoint) => new LegacyRestTransport({ endpoint, fetchImpl: recordingFetch }),
    {
      taskNotFound: TaskNotFoundError,
      notCancelable: TaskNotCancelableError,
      pushNotSupported: PushNotificationNotSupportedError,
      unsupported: UnsupportedOperationError,
    },
  ),
];

// ---------------------------------------------------------------------------------------
// Requests and results, in the SDK's types.

let nextMessage = 1;

/** A `SendMessageRequest` with one user text part (and a push config, as JSON). */
function send(
  text: string,
  options: {
    returnImmediately?: boolean;
    taskId?: string;
    contextId?: string;
    taskPushNotificationConfig?: Json;
  } = {},
) {
  const { returnImmediately = false, taskId, contextId, taskPushNotificationConfig } = options;
  return {
    tenant: "",
    message: WireMessage.fromJSON({
      messageId: `interop-${nextMessage++}`,
      role: "ROLE_USER",
      parts: [{ text }],
      taskId,
      contextId,
    }),
    configuration: SendMessageConfiguration.fromJSON({
      returnImmediately,
      taskPushNotificationConfig,
    }),
    metadata: undefined,
  };
}

const isTask = (result: Message | Task): result is Task => "status" in result;

/** The send result as a Task (failing with the result otherwise). */
function expectTask(result: Message | Task): Task {
  expect(isTask(result), `a Task, got ${JSON.stringify(result)}`).toBe(true);
  return result as Task;
}

const textOf = (parts: Part[]): string =>
  parts.map((part) => (part.content?.$case === "text" ? part.content.value : "")).join("");

const FINAL_STATES = new Set([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
  TaskState.TASK_STATE_INPUT_REQUIRED,
  TaskState.TASK_STATE_AUTH_REQUIRED,
]);

/** The task an event is about. */
function taskIdOf(event: StreamResponse): string | undefined {
  const { payload } = event;
  if (payload?.$case === "task") return payload.value.id;
  return payload?.value.taskId;
}

/** The task state an event carries, if any. */
function stateOf(event: StreamResponse): TaskState | undefined {
  const { payload } = event;
  if (payload?.$case === "task") return payload.value.status?.state;
  if (payload?.$case === "statusUpdate") return payload.value.status?.state;
  return undefined;
}

/** The next event, or a failure naming what came so far when none comes in time. */
async function nextEvent(
  events: AsyncGenerator<StreamResponse, void, undefined>,
  seen: StreamResponse[],
): Promise<IteratorResult<StreamResponse, void>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no stream event within ${STEP_MS} ms; had ${JSON.stringify(seen)}`)),
      STEP_MS,
    );
  });
  try {
    return await Promise.race([events.next(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads `events` until a final or interrupted task state, then closes the stream. */
async function collect(
  events: AsyncGenerator<StreamResponse, void, undefined>,
  seen: StreamResponse[] = [],
): Promise<StreamResponse[]> {
  try {
    for (;;) {
      const next = await nextEvent(events, seen);
      if (next.done) return seen;
      seen.push(next.value);
      const state = stateOf(next.value);
      if (state !== undefined && FINAL_STATES.has(state)) return seen;
    }
  } finally {
    await events.return(undefined);
  }
}

/** Expects the echo of `text`: two artifact chunks, then COMPLETED, all on task `taskId`. */
function expectEcho(
  events: StreamResponse[],
  taskId: string,
  text: string,
  keepsAppend: boolean,
): void {
  const artifacts = events.flatMap((e) =>
    e.payload?.$case === "artifactUpdate" ? [e.payload.value] : [],
  );
  expect(artifacts).toHaveLength(2);
  const [first, second] = artifacts;
  expect(first!.taskId).toBe(taskId);
  expect(first!.artifact?.name).toBe("echo");
  expect(second!.artifact?.artifactId).toBe(first!.artifact?.artifactId);
  if (keepsAppend) expect(second!.append).toBe(true);
  expect(second!.lastChunk).toBe(true);
  expect(artifacts.map((a) => textOf(a.artifact?.parts ?? [])).join("")).toBe(text);
  const last = events.at(-1)?.payload;
  expect(last?.$case).toBe("statusUpdate");
  if (last?.$case !== "statusUpdate") return;
  expect(last.value.taskId).toBe(taskId);
  expect(last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
}

/** What `call` rejected (or threw) with; fails when it succeeds. */
async function rejection(call: () => Promise<unknown>): Promise<unknown> {
  let result: unknown;
  try {
    result = await call();
  } catch (error) {
    return error;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
}

/** `promise`, or a failure naming `what` when it does not settle within a step. */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${STEP_MS} ms`)), STEP_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------
// Setup over the harness's raw 1.0 JSON-RPC.

let agent: TestAgent;
let running: Running;

/** A task the agent completed (the echo of `text`), made over raw 1.0 JSON-RPC. */
async function completedTask(text = "done", contextId?: string): Promise<string> {
  const sent: Json = await rpc(running, "SendMessage", {
    message: userMessage(text, contextId ? { contextId } : {}),
  });
  expect(sent.result?.task?.status.state, JSON.stringify(sent)).toBe("TASK_STATE_COMPLETED");
  return sent.result.task.id;
}

/** A `slow` task, working until `agent.release()` or a cancel. */
async function workingTask(): Promise<string> {
  const sent: Json = await rpc(running, "SendMessage", {
    message: userMessage("slow"),
    configuration: { returnImmediately: true },
  });
  const id: string = sent.result.task.id;
  await until(async () => {
    const got: Json = await rpc(running, "GetTask", { id });
    return got.result?.status.state === "TASK_STATE_WORKING";
  });
  return id;
}

/** A task stopped at input-required, as `{ id, contextId }`. */
async function inputRequiredTask(): Promise<{ id: string; contextId: string }> {
  const sent: Json = await rpc(running, "SendMessage", { message: userMessage("ask") });
  expect(sent.result?.task?.status.state, JSON.stringify(sent)).toBe("TASK_STATE_INPUT_REQUIRED");
  return { id: sent.result.task.id, contextId: sent.result.task.contextId };
}

beforeAll(async () => {
  agent = makeTestAgent();
  running = await express5Target.start(agent.a2a, { wellKnown: true });
});

afterAll(async () => {
  agent.release();
  await running.close();
});

beforeEach(({ onTestFailed }) => {
  exchanges.length = 0;
  onTestFailed(() => {
    const lines = exchanges.map(({ request, response }) => `> ${request}\n< ${response}`);
    console.log(`HTTP exchanges of the SDK client:\n${lines.join("\n")}`);
  });
});

afterEach(() => agent.release());

// ---------------------------------------------------------------------------------------

describe("agent card, as the official clients read it", () => {
  it.each(["JSONRPC", "HTTP+JSON"] as const)(
    "1.0 ClientFactory (%s) builds a 1.0 client from the card served without A2A-Version",
    async (binding) => {
      const raw: unknown = await (await recordingFetch(running.origin + CARD_PATH)).json();
      const client = await factory(binding).createFromAgentCard(
        raw as Parameters<ClientFactory["createFromAgentCard"]>[0],
      );
      expect(client.protocolVersion).toBe("1.0");
      expect(client.transport.protocolName).toBe(binding);
    },
  );

  it.each(["JSONRPC", "HTTP+JSON"] as const)(
    "1.0 ClientFactory (%s) builds a 1.0 client with createFromUrl (A2A-Version: 1.0)",
    async (binding) => {
      const client = await factory(binding).createFromUrl(running.origin);
      expect(client.protocolVersion).toBe("1.0");
      expect(client.transport.protocolName).toBe(binding);
      const card = await client.getAgentCard();
      expect(card.supportedInterfaces).toContainEqual(
        expect.objectContaining({ protocolBinding: binding, url: running.url }),
      );
    },
  );

  it.each(["JSONRPC", "HTTP+JSON"] as const)(
    "0.3 reading of the card served without A2A-Version offers %s at the agent URL",
    async (binding) => {
      const raw: unknown = await (await recordingFetch(running.origin + CARD_PATH)).json();
      const card = parseLegacyAgentCard(raw);
      expect(card.supportedInterfaces).toContainEqual(
        expect.objectContaining({
          protocolBinding: binding,
          url: running.url,
          protocolVersion: expect.stringMatching(/^0\.3(\.\d+)?$/),
        }),
      );
    },
  );
});

describe.each(SUBJECTS)("$name client", (subject) => {
  let api: Api;
  let connected: Connected;

  beforeAll(async () => {
    connected = await subject.connect(running);
    api = connected.api;
  });

  describe("SendMessage", () => {
    it("blocking: returns the completed task with the echo artifact", async () => {
      const task = expectTask(await api.sendMessage(send("hello")));
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(task.artifacts).toHaveLength(1);
      expect(task.artifacts[0]!.name).toBe("echo");
      expect(textOf(task.artifacts[0]!.parts)).toBe("hello");
    });

    it("blocking: returns the agent's Message when the agent answers without a task", async () => {
      const result = await api.sendMessage(send("message"));
      expect(isTask(result), JSON.stringify(result)).toBe(false);
      const message = result as Message;
      expect(message.role).toBe(Role.ROLE_AGENT);
      expect(textOf(message.parts)).toBe("hi");
    });

    it("blocking: returns at input-required", async () => {
      const task = expectTask(await api.sendMessage(send("ask")));
      expect(task.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
      expect(textOf(task.status?.message?.parts ?? [])).toBe("tell me more");
    });

    it("a follow-up on an input-required task continues the same task", async () => {
      const { id, contextId } = await inputRequiredTask();
      const task = expectTask(await api.sendMessage(send("more", { taskId: id, contextId })));
      expect(task.id).toBe(id);
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(textOf(task.artifacts[0]?.parts ?? [])).toBe("more");
    });

    it("returnImmediately: returns the task before it finishes", async () => {
      const sent = api.sendMessage(send("slow", { returnImmediately: true }));
      const task = expectTask(await within(sent, "SendMessage with returnImmediately"));
      expect([TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING]).toContain(
        task.status?.state,
      );
      expect(agent.aborted.has(task.id)).toBe(false);
    });
  });

  describe("SendStreamingMessage", () => {
    it("streams the task, its artifact chunks and COMPLETED", async () => {
      const events = await collect(api.sendMessageStream(send("hello")));
      const first = events[0]?.payload;
      expect(first?.$case).toBe("task");
      if (first?.$case !== "task") return;
      expectEcho(events, first.value.id, "hello", subject.keepsAppend);
      const working = events.some(
        (e) =>
          e.payload?.$case === "statusUpdate" &&
          e.payload.value.status?.state === TaskState.TASK_STATE_WORKING,
      );
      expect(working).toBe(true);
    });

    it("a refusal after the stream opened rejects with the SDK's UnsupportedOperation error", async () => {
      const error = await rejection(() => collect(api.sendMessageStream(send("refuse late"))));
      expect(subject.inStreamError(error), String(error)).toBeInstanceOf(
        subject.errors.unsupported,
      );
    });
  });

  describe("GetTask", () => {
    it("returns the task with its artifact and at most historyLength messages", async () => {
      const id = await completedTask("history");
      const task = await api.getTask({ tenant: "", id, historyLength: 1 });
      expect(task.id).toBe(id);
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(textOf(task.artifacts[0]?.parts ?? [])).toBe("history");
      expect(task.history).toHaveLength(1);
    });

    it("an unknown task id rejects with the SDK's TaskNotFound error", async () => {
      const error = await rejection(() => api.getTask({ tenant: "", id: "no-such-task" }));
      expect(error).toBeInstanceOf(subject.errors.taskNotFound);
    });
  });

  describeWhere(subject.listsTasks)("ListTasks", () => {
    it("lists the tasks of a context", async () => {
      const contextId = `interop-context-${subject.binding}-${Date.now()}`;
      const id = await completedTask("listed", contextId);
      const listed = await api.listTasks({
        tenant: "",
        contextId,
        status: TaskState.TASK_STATE_UNSPECIFIED,
        pageToken: "",
        statusTimestampAfter: undefined,
      });
      expect(listed.tasks.map((task) => task.id)).toEqual([id]);
      expect(listed.tasks[0]!.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(listed.nextPageToken).toBe("");
    });
  });

  describe("CancelTask", () => {
    it("cancels a working task", async () => {
      const id = await workingTask();
      const task = await api.cancelTask({ tenant: "", id, metadata: undefined });
      expect(task.id).toBe(id);
      expect(task.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
      await until(() => agent.aborted.has(id));
    });

    it("a completed task rejects with the SDK's TaskNotCancelable error", async () => {
      const id = await completedTask();
      const error = await rejection(() => api.cancelTask({ tenant: "", id, metadata: undefined }));
      expect(error).toBeInstanceOf(subject.errors.notCancelable);
    });
  });

  describe("SubscribeToTask (resubscribe)", () => {
    it("follows a working task to COMPLETED", async () => {
      const id = await workingTask();
      const stream = api.resubscribeTask({ tenant: "", id });
      const seen: StreamResponse[] = [];
      const first = await nextEvent(stream, seen);
      expect(first.done).toBe(false);
      if (first.done) return;
      seen.push(first.value);
      expect(taskIdOf(first.value)).toBe(id);
      agent.release();
      const events = await collect(stream, seen);
      expectEcho(events, id, "slow", subject.keepsAppend);
    });

    it("an unknown task id rejects with the SDK's TaskNotFound error", async () => {
      const error = await rejection(() => collect(api.resubscribeTask({ tenant: "", id: "nope" })));
      const typed = subject.streamsEarlyErrors ? subject.inStreamError(error) : error;
      expect(typed, String(error)).toBeInstanceOf(subject.errors.taskNotFound);
    });
  });

  describe("push notification configs (not supported by the agent)", () => {
    const expectNotSupported = async (call: () => Promise<unknown>) => {
      const error = await rejection(call);
      expect(error).toBeInstanceOf(subject.errors.pushNotSupported);
    };

    it("create rejects with PushNotificationNotSupported", async () => {
      const taskId = await completedTask();
      const { transport, options } = connected;
      await expectNotSupported(() =>
        transport.createTaskPushNotificationConfig(
          {
            tenant: "",
            id: "",
            taskId,
            url: "https://client.example/webhook",
            token: "t",
            authentication: undefined,
          },
          options,
        ),
      );
    });

    it("get rejects with PushNotificationNotSupported", async () => {
      const taskId = await completedTask();
      const { transport, options } = connected;
      await expectNotSupported(() =>
        transport.getTaskPushNotificationConfig({ tenant: "", taskId, id: "config-1" }, options),
      );
    });

    it("list rejects with PushNotificationNotSupported", async () => {
      const taskId = await completedTask();
      const { transport, options } = connected;
      await expectNotSupported(() =>
        transport.listTaskPushNotificationConfig(
          { tenant: "", taskId, pageSize: 0, pageToken: "" },
          options,
        ),
      );
    });

    it("delete rejects with PushNotificationNotSupported", async () => {
      const taskId = await completedTask();
      const { transport, options } = connected;
      await expectNotSupported(() =>
        transport.deleteTaskPushNotificationConfig({ tenant: "", taskId, id: "config-1" }, options),
      );
    });
  });

  describe("push notification configs (an agent with push)", () => {
    let pushAgent: TestAgent;
    let pushRunning: Running;
    let receiver: PushReceiver;
    let pushApi: Api;

    beforeAll(async () => {
      receiver = await PushReceiver.start();
      pushAgent = makeTestAgent({ push: testPush() });
      pushRunning = await express5Target.start(pushAgent.a2a, { wellKnown: true });
      // The 1.0 `Client` itself, this time: the card says the agent has push notifications.
      pushApi = (await subject.connect(pushRunning)).api;
    });

    afterAll(async () => {
      pushAgent.release();
      await pushRunning.close();
      await receiver.close();
    });

    /** A task the agent with push completed, made over raw 1.0 JSON-RPC. */
    async function pushTask(): Promise<string> {
      const sent: Json = await rpc(pushRunning, "SendMessage", { message: userMessage("done") });
      expect(sent.result?.task?.status.state, JSON.stringify(sent)).toBe("TASK_STATE_COMPLETED");
      return sent.result.task.id;
    }

    it("creates, gets, lists and deletes a config", async () => {
      const taskId = await pushTask();
      const url = receiver.url("/crud");
      const config = {
        tenant: "",
        id: "cfg-1",
        taskId,
        url,
        token: "tok-1",
        authentication: { scheme: "Bearer", credentials: "secret-1" },
      };
      const created = await pushApi.createTaskPushNotificationConfig(config);
      expect(created).toEqual(config);
      const unnamed = await pushApi.createTaskPushNotificationConfig({
        ...config,
        id: "",
        token: "",
        authentication: undefined,
      });
      expect(unnamed.id).not.toBe("");
      expect(unnamed.id).not.toBe("cfg-1");
      // 0.3 names a config without an id after its task.
      if (subject.version === "0.3") expect(unnamed.id).toBe(taskId);
      expect(unnamed).toMatchObject({ taskId, url });

      const got = await pushApi.getTaskPushNotificationConfig({ tenant: "", taskId, id: "cfg-1" });
      expect(got).toEqual(config);
      const listed = await pushApi.listTaskPushNotificationConfig({
        tenant: "",
        taskId,
        pageSize: 0,
        pageToken: "",
      });
      expect(listed.configs.map((c) => c.id).sort()).toEqual(["cfg-1", unnamed.id].sort());
      expect(listed.configs).toContainEqual(config);
      expect(listed.nextPageToken).toBe("");

      await pushApi.deleteTaskPushNotificationConfig({ tenant: "", taskId, id: "cfg-1" });
      const error = await rejection(() =>
        pushApi.getTaskPushNotificationConfig({ tenant: "", taskId, id: "cfg-1" }),
      );
      expect(error).toBeInstanceOf(subject.errors.taskNotFound);
      const after = await pushApi.listTaskPushNotificationConfig({
        tenant: "",
        taskId,
        pageSize: 0,
        pageToken: "",
      });
      expect(after.configs.map((c) => c.id)).toEqual([unnamed.id]);
    });

    it("a send with a push config delivers every event of its task to the receiver", async () => {
      const path = `/send/${subject.binding}`;
      const result = await pushApi.sendMessage(
        send("hello", {
          taskPushNotificationConfig: {
            url: receiver.url(path),
            authentication: { scheme: "Bearer", credentials: "secret-send" },
          },
        }),
      );
      const task = expectTask(result);
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);

      await receiver.expectExactly(5);
      const received = receiver.received.filter((r) => r.path === path);
      expect(received).toHaveLength(5);
      for (const [i, delivery] of received.entries()) {
        expect(delivery.method).toBe("POST");
        expect(delivery.headers.authorization).toBe("Bearer secret-send");
        expect(delivery.headers["a2a-notification-id"]).toBe(`${task.id}:${i + 1}`);
        expect(delivery.headers["content-type"]).toBe(
          subject.version === "1.0" ? "application/a2a+json" : "application/json",
        );
      }
      const bodies = received.map((r) => JSON.parse(r.body) as Json);
      if (subject.version === "1.0") {
        // Each one a StreamResponse, as the SDK reads them off a stream.
        const events = bodies.map((body) => StreamResponse.fromJSON(body));
        expect(events.map((e) => e.payload?.$case)).toEqual([
          "task",
          "statusUpdate",
          "artifactUpdate",
          "artifactUpdate",
          "statusUpdate",
        ]);
        expect(taskIdOf(events[0]!)).toBe(task.id);
        expectEcho(events, task.id, "hello", true);
      } else {
        // 0.3: the task, in its 0.3 JSON shape, after each event.
        expect(bodies.map((b) => [b.kind, b.id, b.status.state])).toEqual([
          ["task", task.id, "submitted"],
          ["task", task.id, "working"],
          ["task", task.id, "working"],
          ["task", task.id, "working"],
          ["task", task.id, "completed"],
        ]);
        expect(bodies[4].artifacts[0].parts).toEqual([
          { kind: "text", text: "he" },
          { kind: "text", text: "llo" },
        ]);
      }
    });
  });
});
