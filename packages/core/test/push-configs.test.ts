import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type A2A,
  type A2AOptions,
  bearerScheme,
  type PushOptions,
  requireAll,
} from "../src/index.js";
import { webhookSender } from "../src/node/index.js";
import {
  BASE,
  cardRequest,
  type Json,
  makeAgent,
  rpc,
  rpcRequest,
  userMessage,
} from "./helpers.js";
import { PushReceiver } from "./push-receiver.js";

/**
 * The push notification config methods (spec §3.1.7-3.1.10) through every way in: 1.0
 * JSON-RPC, 1.0 HTTP+JSON (with and without a tenant), 0.3 JSON-RPC and 0.3 HTTP+JSON. The
 * tasks here are done before their configs are set, so nothing is delivered; the URLs point
 * at a real receiver all the same.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CARD_URL = "http://agent.test/.well-known/agent-card.json";

let receiver: PushReceiver;
let hook: string;
beforeAll(async () => {
  receiver = await PushReceiver.start();
  hook = receiver.url();
});
afterAll(() => receiver.close());

// ---------------------------------------------------------------------------------------
// The agents
// ---------------------------------------------------------------------------------------

const complete: A2AOptions["executor"] = async (_ctx, task) => {
  await task.complete("done");
};

/** An agent with push on, delivering to 127.0.0.1 (allow-listed, so `http:` is fine). */
function pushAgent(push: Partial<PushOptions> = {}, options: Partial<A2AOptions> = {}): A2A {
  return makeAgent({
    executor: complete,
    push: { sender: webhookSender({ allowHosts: ["127.0.0.1"] }), ...push },
    ...options,
  });
}

/** A task, done, in `tenant`, sent with `headers`: its id. */
async function newTask(a2a: A2A, tenant?: string, headers?: Record<string, string>) {
  const params = { message: userMessage("hi"), ...(tenant && { tenant }) };
  const body = await rpc(a2a, "SendMessage", params, { headers });
  expect(body.result.task.status.state, JSON.stringify(body)).toBe("TASK_STATE_COMPLETED");
  return body.result.task.id as string;
}

// ---------------------------------------------------------------------------------------
// The ways in
// ---------------------------------------------------------------------------------------

/** A config as a test gives it: the 1.0 fields a client sets. */
interface Config {
  id?: string;
  url: string;
  token?: string;
  authentication?: { scheme: string; credentials?: string };
}

/** A config as stored: its id and task id filled in. */
type Stored = Config & { id: string; taskId: string };

type Reason =
  | "TASK_NOT_FOUND"
  | "INVALID_PARAMS"
  | "RESOURCE_EXHAUSTED"
  | "PUSH_NOTIFICATION_NOT_SUPPORTED";

/** What a call answered: the JSON-RPC `result` (or HTTP+JSON body) of a success, or its error. */
interface Answer {
  /** The HTTP status. */
  status: number;
  value?: Json;
  error?: {
    /** The JSON-RPC code; in 1.0 HTTP+JSON, the `google.rpc.Status` status name. */
    code: number | string;
    reason: string;
    /** The fields the `BadRequest` detail names. */
    fields: string[];
    /** The error as sent. */
    raw: Json;
  };
}

type Headers = Record<string, string> | undefined;
type Page = { pageSize?: number; pageToken?: string };

interface Way {
  name: string;
  version: "1.0" | "0.3";
  /** The tenant its tasks and configs live in. */
  tenant?: string;
  create(a2a: A2A, taskId: string, config: Config, headers?: Headers): Promise<Answer>;
  get(a2a: A2A, taskId: string, id: string, headers?: Headers): Promise<Answer>;
  list(a2a: A2A, taskId: string, headers?: Headers, page?: Page): Promise<Answer>;
  remove(a2a: A2A, taskId: string, id: string, headers?: Headers): Promise<Answer>;
  /** A config exactly as this way answers it. */
  shape(config: Stored): Json;
  /** A complete list exactly as this way answers it. */
  listShape(configs: Stored[]): Json;
  /** What a delete answers. */
  deleted: Json;
  /** The id a config created without one gets. */
  idWhenNone: "uuid" | "task id";
  /** The HTTP status and code of each error. */
  errors: Record<Reason, { status: number; code: number | string }>;
}

const fieldsOf = (details: Json[]): string[] =>
  details
    .find((d) => d["@type"] === "type.googleapis.com/google.rpc.BadRequest")
    ?.fieldViolations.map((v: Json) => v.field) ?? [];

async function jsonRpc(
  a2a: A2A,
  version: "1.0" | "0.3",
  method: string,
  params: unknown,
  headers?: Headers,
): Promise<Answer> {
  const response = await a2a.fetch(
    rpcRequest(method, params, { headers: { "a2a-version": version, ...headers } }),
  );
  const body = await response.json();
  expect(body.jsonrpc).toBe("2.0");
  if (!body.error) return { status: response.status, value: body.result };
  const { error } = body;
  return {
    status: response.status,
    error: {
      code: error.code,
      reason: error.data[0].reason,
      fields: fieldsOf(error.data),
      raw: error,
    },
  };
}

async function http(
  a2a: A2A,
  method: string,
  path: string,
  body?: unknown,
  headers?: Headers,
): Promise<Answer> {
  const request = new Request(`${BASE}${path}`, {
    method,
    headers: { ...(body !== undefined && { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await a2a.fetch(request);
  const json = await response.json();
  if (response.ok) return { status: response.status, value: json };
  // 1.0: a google.rpc.Status; 0.3: the JSON-RPC error object.
  const error = json.error
    ? {
        code: json.error.status,
        reason: json.error.details[0].reason,
        fields: fieldsOf(json.error.details),
        raw: json.error,
      }
    : { code: json.code, reason: json.data[0].reason, fields: fieldsOf(json.data), raw: json };
  return { status: response.status, error };
}

const RPC_ERRORS: Way["errors"] = {
  TASK_NOT_FOUND: { status: 200, code: -32001 },
  INVALID_PARAMS: { status: 200, code: -32602 },
  RESOURCE_EXHAUSTED: { status: 429, code: -32032 },
  PUSH_NOTIFICATION_NOT_SUPPORTED: { status: 200, code: -32003 },
};
const REST_ERRORS: Way["errors"] = {
  TASK_NOT_FOUND: { status: 404, code: "NOT_FOUND" },
  INVALID_PARAMS: { status: 400, code: "INVALID_ARGUMENT" },
  RESOURCE_EXHAUSTED: { status: 429, code: "RESOURCE_EXHAUSTED" },
  PUSH_NOTIFICATION_NOT_SUPPORTED: { status: 400, code: "FAILED_PRECONDITION" },
};
const REST03_ERRORS: Way["errors"] = {
  TASK_NOT_FOUND: { status: 404, code: -32001 },
  INVALID_PARAMS: { status: 400, code: -32602 },
  RESOURCE_EXHAUSTED: { status: 429, code: -32032 },
  PUSH_NOTIFICATION_NOT_SUPPORTED: { status: 400, code: -32003 },
};

/** A 1.0 config as answered: flat, with `tenant` where the call named one. */
const flat = (tenant?: string) => (config: Stored) => ({ ...config, ...(tenant && { tenant }) });

/** 1.0 JSON-RPC, `tenant` in the params when given. */
function rpcWay(tenant?: string): Way {
  const call = (a2a: A2A, method: string, params: object, headers?: Headers) =>
    jsonRpc(a2a, "1.0", method, { ...params, ...(tenant && { tenant }) }, headers);
  return {
    name: tenant ? `1.0 JSON-RPC, tenant ${tenant}` : "1.0 JSON-RPC",
    version: "1.0",
    tenant,
    create: (a2a, taskId, config, headers) =>
      call(a2a, "CreateTaskPushNotificationConfig", { taskId, ...config }, headers),
    get: (a2a, taskId, id, headers) =>
      call(a2a, "GetTaskPushNotificationConfig", { taskId, id }, headers),
    list: (a2a, taskId, headers, page = {}) =>
      call(a2a, "ListTaskPushNotificationConfigs", { taskId, ...page }, headers),
    remove: (a2a, taskId, id, headers) =>
      call(a2a, "DeleteTaskPushNotificationConfig", { taskId, id }, headers),
    shape: flat(tenant),
    listShape: (configs) => ({ configs: configs.map(flat(tenant)), nextPageToken: "" }),
    deleted: {},
    idWhenNone: "uuid",
    errors: RPC_ERRORS,
  };
}

/** 1.0 HTTP+JSON, under `/{tenant}` when given. */
function restWay(tenant?: string): Way {
  const base = (taskId: string) =>
    `${tenant ? `/${tenant}` : ""}/tasks/${taskId}/pushNotificationConfigs`;
  return {
    name: tenant ? `1.0 HTTP+JSON, tenant ${tenant}` : "1.0 HTTP+JSON",
    version: "1.0",
    tenant,
    create: (a2a, taskId, config, headers) => http(a2a, "POST", base(taskId), config, headers),
    get: (a2a, taskId, id, headers) =>
      http(a2a, "GET", `${base(taskId)}/${id}`, undefined, headers),
    list: (a2a, taskId, headers, page = {}) => {
      const query = new URLSearchParams(
        Object.entries(page).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
      ).toString();
      return http(a2a, "GET", `${base(taskId)}${query && `?${query}`}`, undefined, headers);
    },
    remove: (a2a, taskId, id, headers) =>
      http(a2a, "DELETE", `${base(taskId)}/${id}`, undefined, headers),
    shape: flat(tenant),
    listShape: (configs) => ({ configs: configs.map(flat(tenant)), nextPageToken: "" }),
    deleted: {},
    idWhenNone: "uuid",
    errors: REST_ERRORS,
  };
}

/** A 1.0 config as the 0.3 `PushNotificationConfig` (one scheme, as a list). */
const v03Config = ({ authentication, ...rest }: Config) => ({
  ...rest,
  ...(authentication && {
    authentication: {
      schemes: [authentication.scheme],
      ...(authentication.credentials !== undefined && {
        credentials: authentication.credentials,
      }),
    },
  }),
});

/** A stored config as the 0.3 `TaskPushNotificationConfig`: the task id, the config nested. */
const v03Shape = ({ taskId, ...config }: Stored) => ({
  taskId,
  pushNotificationConfig: v03Config(config),
});

/** A stored config as the ProtoJSON of the 0.3 gRPC message: named, the config nested. */
const protoShape = ({ taskId, ...config }: Stored) => ({
  name: `tasks/${taskId}/pushNotificationConfigs/${config.id}`,
  pushNotificationConfig: v03Config(config),
});

const rpc03Way: Way = {
  name: "0.3 JSON-RPC",
  version: "0.3",
  create: (a2a, taskId, config, headers) =>
    jsonRpc(
      a2a,
      "0.3",
      "tasks/pushNotificationConfig/set",
      { taskId, pushNotificationConfig: v03Config(config) },
      headers,
    ),
  get: (a2a, taskId, id, headers) =>
    jsonRpc(
      a2a,
      "0.3",
      "tasks/pushNotificationConfig/get",
      { id: taskId, pushNotificationConfigId: id },
      headers,
    ),
  list: (a2a, taskId, headers) =>
    jsonRpc(a2a, "0.3", "tasks/pushNotificationConfig/list", { id: taskId }, headers),
  remove: (a2a, taskId, id, headers) =>
    jsonRpc(
      a2a,
      "0.3",
      "tasks/pushNotificationConfig/delete",
      { id: taskId, pushNotificationConfigId: id },
      headers,
    ),
  shape: v03Shape,
  listShape: (configs) => configs.map(v03Shape),
  deleted: null,
  idWhenNone: "task id",
  errors: RPC_ERRORS,
};

const rest03Way: Way = {
  name: "0.3 HTTP+JSON",
  version: "0.3",
  create: (a2a, taskId, config, headers) =>
    http(
      a2a,
      "POST",
      `/v1/tasks/${taskId}/pushNotificationConfigs`,
      { pushNotificationConfig: v03Config(config) },
      headers,
    ),
  get: (a2a, taskId, id, headers) =>
    http(a2a, "GET", `/v1/tasks/${taskId}/pushNotificationConfigs/${id}`, undefined, headers),
  list: (a2a, taskId, headers) =>
    http(a2a, "GET", `/v1/tasks/${taskId}/pushNotificationConfigs`, undefined, headers),
  remove: (a2a, taskId, id, headers) =>
    http(a2a, "DELETE", `/v1/tasks/${taskId}/pushNotificationConfigs/${id}`, undefined, headers),
  shape: protoShape,
  // ProtoJSON leaves out an empty list.
  listShape: (configs) => (configs.length > 0 ? { configs: configs.map(protoShape) } : {}),
  deleted: {},
  idWhenNone: "task id",
  errors: REST03_ERRORS,
};

const WAYS: readonly Way[] = [
  rpcWay(),
  rpcWay("acme"),
  restWay(),
  restWay("acme"),
  rpc03Way,
  rest03Way,
];
const V1_WAYS = WAYS.filter((way) => way.version === "1.0");

/** `answer` succeeded with `value`. */
function expectValue(answer: Answer, value: Json): void {
  expect(answer.error, JSON.stringify(answer.error?.raw)).toBeUndefined();
  expect(answer.status).toBe(200);
  expect(answer.value).toEqual(value);
}

/** `answer` is the error of `reason` as `way` sends it, naming exactly `fields`. */
function expectError(answer: Answer, way: Way, reason: Reason, fields: string[] = []): void {
  expect(answer.error, JSON.stringify(answer.value)).toBeDefined();
  expect(answer.value).toBeUndefined();
  expect({ status: answer.status, code: answer.error!.code }).toEqual(way.errors[reason]);
  expect(answer.error!.reason).toBe(reason);
  expect(answer.error!.fields).toEqual(fields);
}

/** The id a create answered. */
const idOf = (value: Json): string => value.id ?? value.pushNotificationConfig.id;

// ---------------------------------------------------------------------------------------
// Every way in
// ---------------------------------------------------------------------------------------

describe.each(WAYS)("$name", (way) => {
  const setup = async (push: Partial<PushOptions> = {}) => {
    const a2a = pushAgent(push);
    return { a2a, taskId: await newTask(a2a, way.tenant) };
  };

  it(`create without an id (it gets the ${way.idWhenNone}), get, list, delete`, async () => {
    const { a2a, taskId } = await setup();
    const created = await way.create(a2a, taskId, { url: hook });
    const id = idOf(created.value);
    if (way.idWhenNone === "uuid") expect(id).toMatch(UUID);
    else expect(id).toBe(taskId);
    const stored: Stored = { id, taskId, url: hook };
    expectValue(created, way.shape(stored));

    expectValue(await way.get(a2a, taskId, id), way.shape(stored));
    expectValue(await way.list(a2a, taskId), way.listShape([stored]));
    expectValue(await way.remove(a2a, taskId, id), way.deleted);
    expectValue(await way.list(a2a, taskId), way.listShape([]));
  });

  it("keeps a client-given id, token and authentication; setting an id again replaces it", async () => {
    const { a2a, taskId } = await setup();
    const config = {
      id: "mine",
      url: hook,
      token: "tok-1",
      authentication: { scheme: "Bearer", credentials: "secret" },
    };
    expectValue(await way.create(a2a, taskId, config), way.shape({ ...config, taskId }));
    expectValue(await way.get(a2a, taskId, "mine"), way.shape({ ...config, taskId }));

    const other = `${hook}/other`;
    const replaced = { id: "mine", taskId, url: other };
    expectValue(await way.create(a2a, taskId, { id: "mine", url: other }), way.shape(replaced));
    expectValue(await way.list(a2a, taskId), way.listShape([replaced]));
  });

  it("delete is idempotent, and a deleted config is not found", async () => {
    const { a2a, taskId } = await setup();
    await way.create(a2a, taskId, { id: "c1", url: hook });
    expectValue(await way.remove(a2a, taskId, "c1"), way.deleted);
    expectValue(await way.remove(a2a, taskId, "c1"), way.deleted);
    expectValue(await way.remove(a2a, taskId, "never-was"), way.deleted);
    const gone = await way.get(a2a, taskId, "c1");
    expectError(gone, way, "TASK_NOT_FOUND");
    expect(gone.error!.raw.data?.[0] ?? gone.error!.raw.details[0]).toMatchObject({
      metadata: { taskId, configId: "c1" },
    });
  });

  it("answers TASK_NOT_FOUND for a task that does not exist, on all four methods", async () => {
    const { a2a } = await setup();
    const missing = "no-such-task";
    expectError(await way.create(a2a, missing, { url: hook }), way, "TASK_NOT_FOUND");
    expectError(await way.get(a2a, missing, "c1"), way, "TASK_NOT_FOUND");
    expectError(await way.list(a2a, missing), way, "TASK_NOT_FOUND");
    expectError(await way.remove(a2a, missing, "c1"), way, "TASK_NOT_FOUND");
  });

  it("allows 10 configs per task by default; setting one of them again does not count", async () => {
    const { a2a, taskId } = await setup();
    for (let i = 0; i < 10; i++) {
      expect((await way.create(a2a, taskId, { id: `c${i}`, url: hook })).error).toBeUndefined();
    }
    expect((await way.create(a2a, taskId, { id: "c3", url: hook })).error).toBeUndefined();
    const refused = await way.create(a2a, taskId, { id: "c10", url: hook });
    expectError(refused, way, "RESOURCE_EXHAUSTED");
    expect(refused.error!.raw.data?.[0] ?? refused.error!.raw.details[0]).toMatchObject({
      metadata: { limit: "maxConfigsPerTask" },
    });
    expectError(await way.get(a2a, taskId, "c10"), way, "TASK_NOT_FOUND");
  });

  it("honours maxConfigsPerTask; a deleted config frees its place", async () => {
    const { a2a, taskId } = await setup({ maxConfigsPerTask: 2 });
    await way.create(a2a, taskId, { id: "a", url: hook });
    await way.create(a2a, taskId, { id: "b", url: hook });
    expectError(await way.create(a2a, taskId, { id: "c", url: hook }), way, "RESOURCE_EXHAUSTED");
    await way.remove(a2a, taskId, "a");
    expect((await way.create(a2a, taskId, { id: "c", url: hook })).error).toBeUndefined();
  });

  // The fields are named as in 1.0 on the 0.3 ways too.
  it.each<[string, (url: string) => Config, string[]]>([
    [
      "credentials with CR LF",
      (url) => ({ url, authentication: { scheme: "Bearer", credentials: "x\r\nX-Evil: 1" } }),
      ["authentication.credentials"],
    ],
    ["a token with LF", (url) => ({ url, token: "t\nX-Evil: 1" }), ["token"]],
    [
      "a scheme with a space",
      (url) => ({ url, authentication: { scheme: "Bear er", credentials: "c" } }),
      ["authentication.scheme"],
    ],
    [
      "an http: URL of a host not allow-listed",
      () => ({ url: "http://example.com/hook" }),
      ["url"],
    ],
  ])("refuses %s as invalid params, storing nothing", async (_, config, fields) => {
    const { a2a, taskId } = await setup();
    expectError(await way.create(a2a, taskId, config(hook)), way, "INVALID_PARAMS", fields);
    expectValue(await way.list(a2a, taskId), way.listShape([]));
  });

  it("refuses an internal address unless it is allow-listed", async () => {
    const a2a = makeAgent({ executor: complete, push: { sender: webhookSender() } });
    const taskId = await newTask(a2a, way.tenant);
    const refused = await way.create(a2a, taskId, { url: "https://127.0.0.1/x" });
    expectError(refused, way, "INVALID_PARAMS", ["url"]);
  });

  it("isolates principals: another one's task is as missing as none", async () => {
    const users = bearerScheme({ name: "users", verify: (token) => ({ id: token }) });
    const a2a = pushAgent({}, { security: [requireAll(users)] });
    const alice = { authorization: "Bearer alice" };
    const bob = { authorization: "Bearer bob" };
    const taskId = await newTask(a2a, way.tenant, alice);
    await way.create(a2a, taskId, { id: "c1", url: hook }, alice);
    const random = crypto.randomUUID();

    /** The error without what differs between the two calls: the task id and the time. */
    const sameError = async (call: (taskId: string) => Promise<Answer>) => {
      const [theirs, none] = [await call(taskId), await call(random)];
      const scrub = (answer: Answer, id: string) =>
        JSON.stringify({ ...answer, value: undefined })
          .replaceAll(id, "<task>")
          .replace(/"timestamp":"[^"]+"/g, "");
      expectError(theirs, way, "TASK_NOT_FOUND");
      expect(scrub(theirs, taskId)).toBe(scrub(none, random));
    };
    await sameError((id) => way.create(a2a, id, { id: "c1", url: `${hook}/bob` }, bob));
    await sameError((id) => way.get(a2a, id, "c1", bob));
    await sameError((id) => way.list(a2a, id, bob));
    await sameError((id) => way.remove(a2a, id, "c1", bob));

    expectValue(
      await way.get(a2a, taskId, "c1", alice),
      way.shape({ id: "c1", taskId, url: hook }),
    );
  });

  it("answers PUSH_NOTIFICATION_NOT_SUPPORTED when push is not configured", async () => {
    const a2a = makeAgent({ executor: complete });
    const taskId = await newTask(a2a, way.tenant);
    expectError(
      await way.create(a2a, taskId, { url: hook }),
      way,
      "PUSH_NOTIFICATION_NOT_SUPPORTED",
    );
  });
});

// ---------------------------------------------------------------------------------------
// 1.0 only
// ---------------------------------------------------------------------------------------

describe.each(V1_WAYS)("$name: paging", (way) => {
  it("pages in creation order, with an empty nextPageToken at the end", async () => {
    const a2a = pushAgent();
    const taskId = await newTask(a2a, way.tenant);
    const ids = ["e", "a", "d", "b", "c"];
    for (const id of ids) await way.create(a2a, taskId, { id, url: hook });

    const pages: string[][] = [];
    let pageToken: string | undefined;
    do {
      const answer = await way.list(a2a, taskId, undefined, { pageSize: 2, pageToken });
      expect(answer.error).toBeUndefined();
      pages.push(answer.value.configs.map((c: Json) => c.id));
      pageToken = answer.value.nextPageToken;
      expect(typeof pageToken).toBe("string");
    } while (pageToken !== "" && pages.length < 5);
    expect(pages).toEqual([["e", "a"], ["d", "b"], ["c"]]);
  });

  it("refuses a page token it did not issue", async () => {
    const a2a = pushAgent();
    const taskId = await newTask(a2a, way.tenant);
    const answer = await way.list(a2a, taskId, undefined, { pageToken: "not-a-token!" });
    expectError(answer, way, "INVALID_PARAMS", ["pageToken"]);
  });
});

describe("tenants", () => {
  it("a tenant's configs are not reachable without it or from another tenant", async () => {
    const a2a = pushAgent();
    const taskId = await newTask(a2a, "acme");
    const [inAcme, plain, other] = [restWay("acme"), restWay(), restWay("other")];
    await inAcme.create(a2a, taskId, { id: "c1", url: hook });
    for (const way of [plain, other]) {
      expectError(await way.get(a2a, taskId, "c1"), way, "TASK_NOT_FOUND");
      expectError(await way.list(a2a, taskId), way, "TASK_NOT_FOUND");
    }
    expectValue(await inAcme.get(a2a, taskId, "c1"), inAcme.shape({ id: "c1", taskId, url: hook }));
  });
});

// ---------------------------------------------------------------------------------------
// 0.3 only
// ---------------------------------------------------------------------------------------

describe("0.3: a config set without an id is the task's", () => {
  it("get without pushNotificationConfigId finds it (JSON-RPC)", async () => {
    const a2a = pushAgent();
    const taskId = await newTask(a2a);
    await rpc03Way.create(a2a, taskId, { url: hook });
    const got = await jsonRpc(a2a, "0.3", "tasks/pushNotificationConfig/get", { id: taskId });
    expectValue(got, v03Shape({ id: taskId, taskId, url: hook }));
  });

  it("keeps the first of several 0.3 schemes (1.0 holds one)", async () => {
    const a2a = pushAgent();
    const taskId = await newTask(a2a);
    const set = await jsonRpc(a2a, "0.3", "tasks/pushNotificationConfig/set", {
      taskId,
      pushNotificationConfig: {
        id: "c1",
        url: hook,
        authentication: { schemes: ["Bearer", "Basic"], credentials: "c" },
      },
    });
    expectValue(set, {
      taskId,
      pushNotificationConfig: {
        id: "c1",
        url: hook,
        authentication: { schemes: ["Bearer"], credentials: "c" },
      },
    });
  });
});

// ---------------------------------------------------------------------------------------
// A config given with a send
// ---------------------------------------------------------------------------------------

describe("a config given with a send", () => {
  const counted = () => {
    const runs = { count: 0 };
    const a2a = pushAgent(
      {},
      {
        executor: async (_ctx, task) => {
          runs.count++;
          await task.complete("done");
        },
      },
    );
    return { a2a, runs };
  };

  it("1.0: is stored for the task the send made", async () => {
    const { a2a } = counted();
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { taskPushNotificationConfig: { url: hook, token: "tok" } },
    });
    const taskId = sent.result.task.id;
    const listed = await rpc(a2a, "ListTaskPushNotificationConfigs", { taskId });
    expect(listed.result).toEqual({
      configs: [{ id: expect.stringMatching(UUID), taskId, url: hook, token: "tok" }],
      nextPageToken: "",
    });
  });

  it("0.3 message/send: is stored for the task the send made", async () => {
    const { a2a } = counted();
    const sent = await jsonRpc(a2a, "0.3", "message/send", {
      message: {
        kind: "message",
        messageId: "m03-1",
        role: "user",
        parts: [{ kind: "text", text: "hi" }],
      },
      configuration: { pushNotificationConfig: { id: "from-send", url: hook } },
    });
    const taskId = sent.value.id;
    expectValue(
      await rpc03Way.list(a2a, taskId),
      rpc03Way.listShape([{ id: "from-send", taskId, url: hook }]),
    );
  });

  it.each<[string, Json, string]>([
    ["a refused URL", { url: "http://example.com/hook" }, "url"],
    ["a token with CR LF", { url: "http://127.0.0.1/hook", token: "a\r\nb" }, "token"],
  ])("1.0: %s is invalid params, and no task is made", async (_, config, field) => {
    const { a2a, runs } = counted();
    const response = await a2a.fetch(
      rpcRequest("SendMessage", {
        message: userMessage("hi"),
        configuration: { taskPushNotificationConfig: config },
      }),
    );
    const body = await response.json();
    expect(body.error.code).toBe(-32602);
    expect(fieldsOf(body.error.data)).toEqual([
      `configuration.taskPushNotificationConfig.${field}`,
    ]);
    expect(runs.count).toBe(0);
    expect((await rpc(a2a, "ListTasks", {})).result.tasks).toEqual([]);
  });

  it("0.3 message/send: a refused URL is invalid params, and no task is made", async () => {
    const { a2a, runs } = counted();
    const sent = await jsonRpc(a2a, "0.3", "message/send", {
      message: {
        kind: "message",
        messageId: "m03-2",
        role: "user",
        parts: [{ kind: "text", text: "hi" }],
      },
      configuration: { pushNotificationConfig: { url: "http://example.com/hook" } },
    });
    // Named as in 1.0.
    expectError(sent, rpc03Way, "INVALID_PARAMS", ["configuration.taskPushNotificationConfig.url"]);
    expect(runs.count).toBe(0);
    expect((await rpc(a2a, "ListTasks", {})).result.tasks).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// The card
// ---------------------------------------------------------------------------------------

describe("the card declares push notifications", () => {
  const card = async (a2a: A2A, version: "1.0" | "0.3") => {
    const response = await a2a.fetch(
      cardRequest(CARD_URL, { headers: { "a2a-version": version } }),
    );
    expect(response.status).toBe(200);
    return response.json();
  };

  it.each(["1.0", "0.3"] as const)("%s: true with push, false without", async (version) => {
    expect((await card(pushAgent(), version)).capabilities.pushNotifications).toBe(true);
    const without = makeAgent({ executor: complete });
    expect((await card(without, version)).capabilities.pushNotifications).toBe(false);
  });
});

describe("edges of the config methods", () => {
  /** An agent whose tasks wait for the client's next message. */
  const asking: A2AOptions["executor"] = async (_ctx, task) => {
    await task.inputRequired("more?");
  };

  it("a send to an existing task whose configs are at the limit fails, and nothing runs", async () => {
    let runs = 0;
    const a2a = pushAgent(
      { maxConfigsPerTask: 1 },
      {
        executor: async (ctx, task) => {
          runs++;
          await asking(ctx, task);
        },
      },
    );
    const first = await rpc(a2a, "SendMessage", {
      message: userMessage("hi"),
      configuration: { taskPushNotificationConfig: { id: "first", url: hook } },
    });
    const taskId = first.result.task.id;
    const second = await rpc(a2a, "SendMessage", {
      message: userMessage("again", { taskId }),
      configuration: { taskPushNotificationConfig: { id: "second", url: hook } },
    });
    expect(second.error.code).toBe(-32032);
    expect(second.error.data[0].metadata.limit).toBe("maxConfigsPerTask");
    expect(runs).toBe(1);
    const listed = await rpc(a2a, "ListTaskPushNotificationConfigs", { taskId });
    expect(listed.result.configs.map((c: Json) => c.id)).toEqual(["first"]);
  });

  it("a 0.3 list holds every config of the task, past one 1.0 page", async () => {
    const a2a = pushAgent({ maxConfigsPerTask: 60 });
    const taskId = await newTask(a2a);
    for (let i = 0; i < 51; i++) {
      await rpc(a2a, "CreateTaskPushNotificationConfig", { taskId, id: `c${i}`, url: hook });
    }
    const listed = await rpc(
      a2a,
      "tasks/pushNotificationConfig/list",
      { id: taskId },
      { headers: { "a2a-version": "0.3" } },
    );
    expect(listed.result).toHaveLength(51);
  });

  it.each([-1, 101])("pageSize %i is invalid params", async (pageSize) => {
    const a2a = pushAgent();
    const taskId = await newTask(a2a);
    const listed = await rpc(a2a, "ListTaskPushNotificationConfigs", { taskId, pageSize });
    expect(listed.error.code).toBe(-32602);
    expect(listed.error.data.at(-1).fieldViolations[0].field).toBe("pageSize");
  });

  it.each(["a\u0000b", "x\ud800", "tab\there"])(
    "a config id %j (a control character or an unpaired surrogate) is invalid params",
    async (id) => {
      const a2a = pushAgent();
      const taskId = await newTask(a2a);
      const created = await rpc(a2a, "CreateTaskPushNotificationConfig", { taskId, id, url: hook });
      expect(created.error.code).toBe(-32602);
      expect(created.error.data.at(-1).fieldViolations[0].field).toBe("id");
      const listed = await rpc(a2a, "ListTaskPushNotificationConfigs", { taskId });
      expect(listed.result.configs).toEqual([]);
    },
  );

  it("a 0.3 send's config without an id is the task's, as a 0.3 `set` makes it", async () => {
    const a2a = pushAgent({}, { executor: asking });
    const sent = await rpc(
      a2a,
      "message/send",
      {
        message: {
          kind: "message",
          messageId: "m1",
          role: "user",
          parts: [{ kind: "text", text: "hi" }],
        },
        configuration: { pushNotificationConfig: { url: hook } },
      },
      { headers: { "a2a-version": "0.3" } },
    );
    const taskId = sent.result.id;
    const got = await rpc(
      a2a,
      "tasks/pushNotificationConfig/get",
      { id: taskId },
      { headers: { "a2a-version": "0.3" } },
    );
    expect(got.result.pushNotificationConfig).toMatchObject({ id: taskId, url: hook });
  });
});
