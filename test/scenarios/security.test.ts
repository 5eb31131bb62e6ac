import { randomUUID } from "node:crypto";
import {
  type A2A,
  apiKeyScheme,
  bearerScheme,
  createA2A,
  jwtVerifier,
  type Principal,
  type PushOptions,
  type SecurityInput,
  silentLogger,
} from "@a2a-mount/core";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gate } from "../harness/agent.js";
import {
  a2aHeaders,
  type Json,
  postRpc,
  rpc,
  rpcBody,
  until,
  userMessage,
} from "../harness/client.js";
import { PushReceiver, testPush } from "../harness/push.js";
import { describeWhere, type Running, type Target, targets } from "../harness/targets/index.js";

/**
 * Security through every adapter: schemes the host app's own auth satisfies (`x-user`
 * becomes the host's principal), JWT bearer tokens checked by the agent, and the isolation
 * of one caller's tasks from another's on every operation that names a task.
 */

const A2A_JSON = "application/a2a+json";

// ---- the agent ----

interface SecureAgent {
  a2a: A2A;
  /** The principal each run of the executor saw, in order. */
  seen: (Principal | undefined)[];
  /** Task ids whose executor saw its signal abort (a cancel). */
  aborted: Set<string>;
  /** Lets every `slow` task waiting now finish. */
  release: () => void;
}

/**
 * An agent behind `security`, sending push notifications with `push`. By the message text:
 * `ask` stops at input-required (a task that can be continued), `slow` works until released
 * or canceled, anything else completes.
 */
function makeSecureAgent(security: SecurityInput, push?: PushOptions): SecureAgent {
  const seen: (Principal | undefined)[] = [];
  const aborted = new Set<string>();
  let released = gate();
  const a2a = createA2A({
    card: {
      name: "Secure test agent",
      description: "Echoes who called",
      version: "1.0.0",
      skills: [{ id: "echo", name: "Echo", description: "Echoes", tags: ["test"] }],
    },
    logger: silentLogger,
    security,
    push,
    executor: async (ctx, task) => {
      seen.push(ctx.principal);
      if (ctx.text === "ask") {
        await task.inputRequired("tell me more");
        return;
      }
      if (ctx.text === "slow") {
        await task.working("working");
        ctx.signal.addEventListener("abort", () => aborted.add(ctx.taskId));
        await Promise.race([
          released.promise,
          new Promise((resolve) => ctx.signal.addEventListener("abort", resolve)),
        ]);
        if (ctx.signal.aborted) return;
      }
      await task.complete(`done for ${ctx.principal?.id ?? "nobody"}`);
    },
  });
  return {
    a2a,
    seen,
    aborted,
    release: () => {
      released.open();
      released = gate();
    },
  };
}

// ---- JWT keys and tokens (real jose keys, generated per run) ----

const ISSUER = "https://issuer.test";
const AUDIENCE = "a2a-test-agent";
const KID = "key-1";

async function keyPair() {
  return generateKeyPair("ES256", { extractable: true });
}
const trusted = await keyPair();
const untrusted = await keyPair();
const publicJwk: JWK = { ...(await exportJWK(trusted.publicKey)), kid: KID, alg: "ES256" };

async function token(
  subject: string,
  options: { key?: CryptoKey; audience?: string; expiresAt?: number; scope?: string } = {},
): Promise<string> {
  return new SignJWT({ scope: options.scope ?? "tasks:read tasks:write" })
    .setProtectedHeader({ alg: "ES256", kid: KID })
    .setSubject(subject)
    .setIssuer(ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? "10m")
    .sign(options.key ?? trusted.privateKey);
}

/** A bearer scheme whose tokens the agent verifies against a static JWKS. */
const jwtBearer = () =>
  bearerScheme({
    name: "jwt",
    bearerFormat: "JWT",
    verify: jwtVerifier({ jwks: { keys: [publicJwk] }, issuer: ISSUER, audience: AUDIENCE }),
  });

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

// ---- exchanges compared whole ----

/** A response as a client sees it, with what changes from one call to the next left out. */
interface Answer {
  status: number;
  contentType: string | null;
  challenge: string | null;
  body: Json;
}

/** `value` without its `timestamp` fields, at any depth. */
function withoutTimestamps(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutTimestamps);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== "timestamp")
        .map(([key, v]) => [key, withoutTimestamps(v)]),
    );
  }
  return value;
}

/**
 * One exchange read whole, through the target's streaming reader so that a stream which
 * should not have opened fails the test (no chunk in time) instead of hanging it. The id
 * asked about is replaced by `<id>`, so two answers about different ids can be compared.
 */
async function exchange(
  running: Running,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  askedId: string,
): Promise<Answer> {
  const stream = await running.stream(url, init);
  const text = await stream.rest();
  return {
    status: stream.status,
    contentType: stream.headers.get("content-type"),
    challenge: stream.headers.get("www-authenticate"),
    body: withoutTimestamps(JSON.parse(text.split(askedId).join("<id>"))),
  };
}

/** A JSON-RPC call (fixed request id, so answers compare) as an {@link Answer}. */
function rpcAnswer(
  running: Running,
  method: string,
  params: Json,
  headers: Record<string, string>,
  askedId: string,
): Promise<Answer> {
  return exchange(
    running,
    running.url,
    { method: "POST", headers: a2aHeaders(headers), body: rpcBody(method, params, "same") },
    askedId,
  );
}

/** An HTTP+JSON call below the mount as an {@link Answer}. */
function restAnswer(
  running: Running,
  method: string,
  path: string,
  headers: Record<string, string>,
  askedId: string,
  body?: Json,
): Promise<Answer> {
  return exchange(
    running,
    running.url + path,
    {
      method,
      headers: {
        "a2a-version": "1.0",
        ...(body !== undefined && { "content-type": A2A_JSON }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    },
    askedId,
  );
}

/** The JSON-RPC refusal sent before the body is read: 401, -32030, `id: null`. */
async function expectRpc401(response: Response, challenge: RegExp): Promise<Json> {
  const text = await response.text();
  expect(response.status, text).toBe(401);
  expect(response.headers.get("www-authenticate")).toMatch(challenge);
  const body = JSON.parse(text);
  expect(body.jsonrpc).toBe("2.0");
  expect(body.id).toBeNull();
  expect(body.result).toBeUndefined();
  expect(body.error.code).toBe(-32030);
  expect(body.error.data[0].reason).toBe("UNAUTHENTICATED");
  return body;
}

/** The HTTP+JSON refusal: 401 with a `google.rpc.Status` UNAUTHENTICATED. */
async function expectRest401(response: Response, challenge: RegExp): Promise<Json> {
  const text = await response.text();
  expect(response.status, text).toBe(401);
  expect(response.headers.get("www-authenticate")).toMatch(challenge);
  const body = JSON.parse(text);
  expect(body.error.code).toBe(401);
  expect(body.error.status).toBe("UNAUTHENTICATED");
  return body;
}

function restGet(running: Running, path: string, headers: Record<string, string> = {}) {
  return running.fetch(running.url + path, { headers: { "a2a-version": "1.0", ...headers } });
}

function restPost(
  running: Running,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return running.fetch(running.url + path, {
    method: "POST",
    headers: { "content-type": A2A_JSON, "a2a-version": "1.0", ...headers },
    body: JSON.stringify(body),
  });
}

/** Starts the agent on the target before the group's tests, stops it after. */
function served(target: Target, make: () => SecureAgent, setup: { auth?: boolean } = {}) {
  const state = {} as { agent: SecureAgent; running: Running };
  beforeAll(async () => {
    state.agent = make();
    state.running = await target.start(state.agent.a2a, setup);
  });
  afterAll(async () => {
    state.agent.release();
    await state.running.close();
  });
  return state;
}

const BEARER_CHALLENGE = /Bearer realm="a2a"/;

describe.each(targets)("$name: security", (target) => {
  describeWhere(target.supports.auth)("schemes the host app's auth satisfies", () => {
    // Neither scheme has a verifier: the host's middleware did the checking.
    const s = served(
      target,
      () =>
        makeSecureAgent([
          bearerScheme({ name: "session" }),
          apiKeyScheme({ name: "key", keyName: "X-API-Key", location: "header" }),
        ]),
      { auth: true },
    );

    it("accepts a request the host authenticated, and the executor sees the host's user", async () => {
      const sent = await rpc(
        s.running,
        "SendMessage",
        { message: userMessage("hi") },
        {
          "x-user": "alice",
        },
      );
      expect(sent.error).toBeUndefined();
      expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
      expect(sent.result.task.status.message.parts[0].text).toBe("done for alice");
      expect(s.agent.seen.at(-1)?.id).toBe("alice");

      const viaRest = await restPost(
        s.running,
        "/message:send",
        { message: userMessage("hi") },
        { "x-user": "carol" },
      );
      expect(viaRest.status).toBe(200);
      expect((await viaRest.json()).task.status.state).toBe("TASK_STATE_COMPLETED");
      expect(s.agent.seen.at(-1)?.id).toBe("carol");

      const got = await restGet(s.running, `/tasks/${sent.result.task.id}`, { "x-user": "alice" });
      expect(got.status).toBe(200);
      expect((await got.json()).id).toBe(sent.result.task.id);
    });

    it("refuses a request the host did not authenticate with 401, a challenge per scheme and -32030", async () => {
      const runs = s.agent.seen.length;
      const challenge = /Bearer realm="a2a".*APIKey realm="a2a", in="header", name="X-API-Key"/;
      const body = await expectRpc401(
        await postRpc(s.running, "SendMessage", { message: userMessage("hi") }),
        challenge,
      );
      expect(body.error.message).toMatch(/session/);
      // Credentials nobody verifies are no substitute for the host's principal.
      await expectRpc401(
        await postRpc(
          s.running,
          "SendMessage",
          { message: userMessage("hi") },
          { ...bearer("anything-at-all"), "x-api-key": "some-key" },
        ),
        challenge,
      );
      await expectRpc401(
        await postRpc(s.running, "SendStreamingMessage", { message: userMessage("hi") }),
        challenge,
      );
      await expectRpc401(await postRpc(s.running, "ListTasks", {}), challenge);
      await expectRest401(await restGet(s.running, "/tasks"), challenge);
      await expectRest401(
        await restPost(s.running, "/message:send", { message: userMessage("hi") }),
        challenge,
      );
      expect(s.agent.seen.length).toBe(runs); // the agent never ran
    });

    it("still serves the public card, declaring both schemes", async () => {
      const card = await restGet(s.running, "/.well-known/agent-card.json");
      expect(card.status).toBe(200);
      const body = await card.json();
      expect(body.securitySchemes).toEqual({
        session: { httpAuthSecurityScheme: { scheme: "Bearer" } },
        key: { apiKeySecurityScheme: { location: "header", name: "X-API-Key" } },
      });
      expect(body.securityRequirements).toEqual([
        { schemes: { session: {} } },
        { schemes: { key: {} } },
      ]);
    });
  });

  describe("JWT bearer tokens", () => {
    // The host's auth runs too: its principal must not stand in for a token.
    const s = served(target, () => makeSecureAgent([jwtBearer()]), { auth: true });

    it("refuses a request without a token: 401, Bearer challenge, -32030 (JSON-RPC and REST)", async () => {
      const runs = s.agent.seen.length;
      const body = await expectRpc401(
        await postRpc(s.running, "SendMessage", { message: userMessage("hi") }),
        BEARER_CHALLENGE,
      );
      expect(body.error.message).toBe("Authentication required: send credentials for jwt");
      await expectRest401(
        await restPost(s.running, "/message:send", { message: userMessage("hi") }),
        BEARER_CHALLENGE,
      );
      // A host principal does not satisfy a scheme that verifies its own credential.
      await expectRpc401(
        await postRpc(
          s.running,
          "SendMessage",
          { message: userMessage("hi") },
          { "x-user": "alice" },
        ),
        BEARER_CHALLENGE,
      );
      await expectRest401(
        await restGet(s.running, "/tasks", { "x-user": "alice" }),
        BEARER_CHALLENGE,
      );
      expect(s.agent.seen.length).toBe(runs);
    });

    it("refuses bad tokens with the reason, never echoing the token", async () => {
      const runs = s.agent.seen.length;
      const bad: [string, string][] = [
        [await token("alice", { key: untrusted.privateKey }), "The token's signature is not valid"],
        [
          await token("alice", { expiresAt: Math.floor(Date.now() / 1000) - 600 }),
          "The token has expired",
        ],
        [
          await token("alice", { audience: "someone-else" }),
          "The token is not meant for this audience",
        ],
        ["not-a-jwt-at-all", "The token is malformed"],
      ];
      for (const [value, reason] of bad) {
        const response = await postRpc(
          s.running,
          "SendMessage",
          { message: userMessage("hi") },
          bearer(value),
        );
        const challenge = response.headers.get("www-authenticate") ?? "";
        const body = await expectRpc401(response, /Bearer realm="a2a", error="invalid_token"/);
        expect(challenge).toContain(`error_description="${reason}"`);
        expect(body.error.message).toContain(reason);
        expect(JSON.stringify(body)).not.toContain(value);
        expect(challenge).not.toContain(value);
      }
      const rest = await restGet(s.running, "/tasks", bearer(bad[0]![0]));
      const restBody = await expectRest401(rest, /error="invalid_token"/);
      expect(restBody.error.message).toContain(bad[0]![1]);
      expect(s.agent.seen.length).toBe(runs);
    });

    it("accepts a good token: the executor sees its subject, scopes and claims (JSON-RPC and REST)", async () => {
      const good = await token("alice", { scope: "tasks:read tasks:write" });
      const sent = await rpc(
        s.running,
        "SendMessage",
        { message: userMessage("hi") },
        bearer(good),
      );
      expect(sent.error).toBeUndefined();
      expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
      const principal = s.agent.seen.at(-1);
      expect(principal?.id).toBe("alice");
      expect(principal?.scopes).toEqual(["tasks:read", "tasks:write"]);
      expect(principal?.claims).toMatchObject({ sub: "alice", iss: ISSUER, aud: AUDIENCE });

      // The token decides, whatever the host's middleware says.
      const overHost = await rpc(
        s.running,
        "SendMessage",
        { message: userMessage("hi") },
        { ...bearer(await token("bob")), "x-user": "mallory" },
      );
      expect(overHost.result.task.status.message.parts[0].text).toBe("done for bob");
      expect(s.agent.seen.at(-1)?.id).toBe("bob");

      const viaRest = await restPost(
        s.running,
        "/message:send",
        { message: userMessage("hi") },
        {
          ...bearer(good),
        },
      );
      expect(viaRest.status).toBe(200);
      const task = (await viaRest.json()).task;
      expect(task.status.message.parts[0].text).toBe("done for alice");
      const got = await restGet(s.running, `/tasks/${task.id}`, bearer(good));
      expect(got.status).toBe(200);
      expect((await got.json()).id).toBe(task.id);
      const listed = await restGet(s.running, "/tasks", bearer(good));
      expect(listed.status).toBe(200);
      const ids = (await listed.json()).tasks.map((t: Json) => t.id);
      expect(ids).toContain(task.id);
      expect(ids).toContain(sent.result.task.id);
    });
  });

  /** Two ways two callers are told apart: the host's principal, and the agent's own tokens. */
  const identities: {
    name: string;
    make: () => SecureAgent;
    auth: boolean;
    headers: (user: "alice" | "bob") => Promise<Record<string, string>>;
  }[] = [
    {
      name: "host principals",
      make: () => makeSecureAgent([bearerScheme({ name: "session" })], testPush()),
      auth: true,
      headers: async (user) => ({ "x-user": user }),
    },
    {
      name: "bearer tokens",
      make: () => makeSecureAgent([jwtBearer()], testPush()),
      auth: false,
      headers: async (user) => bearer(await token(user)),
    },
  ];

  for (const identity of identities) {
    describeWhere(!identity.auth || target.supports.auth)(
      `isolation of callers' tasks (${identity.name})`,
      () => {
        const s = served(target, identity.make, { auth: identity.auth });
        let alice: Record<string, string>;
        let bob: Record<string, string>;
        /** Where alice's (`/alice/...`) and bob's (`/bob/...`) webhooks are. */
        let receiver: PushReceiver;
        beforeAll(async () => {
          alice = await identity.headers("alice");
          bob = await identity.headers("bob");
          receiver = await PushReceiver.start();
        });
        afterAll(() => receiver.close());

        /** Alice's task in `state`: completed, input-required or working (`slow`). */
        async function aliceTask(text: "done" | "ask" | "slow", contextId?: string) {
          const sent = await rpc(
            s.running,
            "SendMessage",
            {
              message: userMessage(text, contextId ? { contextId } : {}),
              ...(text === "slow" && { configuration: { returnImmediately: true } }),
            },
            alice,
          );
          expect(sent.error).toBeUndefined();
          const task = sent.result.task as Json;
          if (text === "slow")
            await until(async () => (await stateFor(alice, task.id)) === "TASK_STATE_WORKING");
          return task;
        }

        async function stateFor(
          headers: Record<string, string>,
          id: string,
        ): Promise<string | undefined> {
          return (await rpc(s.running, "GetTask", { id }, headers)).result?.status.state;
        }

        /** Bob's answer about `id`, checked equal to his answer about an id that does not exist. */
        async function expectSameAsMissing(
          ask: (id: string) => Promise<Answer>,
          id: string,
        ): Promise<Answer> {
          const about = await ask(id);
          const missing = await ask(randomUUID());
          expect(about).toEqual(missing);
          return about;
        }

        const rpcAs =
          (headers: () => Record<string, string>, method: string, params: (id: string) => Json) =>
          (id: string) =>
            rpcAnswer(s.running, method, params(id), headers(), id);
        const restAs =
          (
            headers: () => Record<string, string>,
            method: string,
            path: (id: string) => string,
            body?: Json,
          ) =>
          (id: string) =>
            restAnswer(s.running, method, path(id), headers(), id, body);

        function expectRpcNotFound(answer: Answer) {
          expect(answer.status).toBe(200);
          expect(answer.body.error.code).toBe(-32001);
          expect(answer.body.error.message).toBe("Task not found: <id>");
          expect(answer.body.result).toBeUndefined();
        }

        function expectRestNotFound(answer: Answer) {
          expect(answer.status).toBe(404);
          expect(answer.body.error.status).toBe("NOT_FOUND");
          expect(answer.body.error.details[0].reason).toBe("TASK_NOT_FOUND");
        }

        it("GetTask: bob is told alice's task does not exist; alice reads it", async () => {
          const task = await aliceTask("done");
          expectRpcNotFound(
            await expectSameAsMissing(
              rpcAs(
                () => bob,
                "GetTask",
                (id) => ({ id }),
              ),
              task.id,
            ),
          );
          expectRestNotFound(
            await expectSameAsMissing(
              restAs(
                () => bob,
                "GET",
                (id) => `/tasks/${id}`,
              ),
              task.id,
            ),
          );
          const mine = await rpc(s.running, "GetTask", { id: task.id }, alice);
          expect(mine.result.id).toBe(task.id);
          expect(mine.result.status.state).toBe("TASK_STATE_COMPLETED");
          const viaRest = await restGet(s.running, `/tasks/${task.id}`, alice);
          expect(viaRest.status).toBe(200);
          expect((await viaRest.json()).id).toBe(task.id);
        });

        it("ListTasks: never lists the other's tasks, with or without a contextId filter", async () => {
          const contextA = `ctx-${randomUUID()}`;
          const contextB = `ctx-${randomUUID()}`;
          const a1 = await aliceTask("done", contextA);
          const a2 = await aliceTask("ask", contextA);
          const b1 = await rpc(
            s.running,
            "SendMessage",
            { message: userMessage("done", { contextId: contextB }) },
            bob,
          );
          const bobsId: string = b1.result.task.id;
          const idsOf = (body: Json): string[] => body.tasks.map((t: Json) => t.id);

          const bobAll = await rpc(s.running, "ListTasks", {}, bob);
          expect(idsOf(bobAll.result)).toContain(bobsId);
          expect(idsOf(bobAll.result)).not.toContain(a1.id);
          expect(idsOf(bobAll.result)).not.toContain(a2.id);
          const aliceAll = await rpc(s.running, "ListTasks", {}, alice);
          expect(idsOf(aliceAll.result)).toEqual(expect.arrayContaining([a1.id, a2.id]));
          expect(idsOf(aliceAll.result)).not.toContain(bobsId);

          // Filtering by alice's context gives bob what an unknown context gives him: nothing.
          const inA = await expectSameAsMissing(
            rpcAs(
              () => bob,
              "ListTasks",
              (contextId) => ({ contextId }),
            ),
            contextA,
          );
          expect(inA.body.result.tasks).toEqual([]);
          expect(inA.body.result.totalSize).toBe(0);
          const restInA = await expectSameAsMissing(
            restAs(
              () => bob,
              "GET",
              (contextId) => `/tasks?contextId=${contextId}`,
            ),
            contextA,
          );
          expect(restInA.status).toBe(200);
          expect(restInA.body.tasks).toEqual([]);

          const aliceInA = await rpc(s.running, "ListTasks", { contextId: contextA }, alice);
          expect(idsOf(aliceInA.result).sort()).toEqual([a1.id, a2.id].sort());
          const aliceInB = await rpc(s.running, "ListTasks", { contextId: contextB }, alice);
          expect(aliceInB.result.tasks).toEqual([]);
          const restAlice = await restGet(s.running, `/tasks?contextId=${contextA}`, alice);
          expect(idsOf(await restAlice.json()).sort()).toEqual([a1.id, a2.id].sort());
          const restBob = await restGet(s.running, "/tasks", bob);
          const restBobIds = idsOf(await restBob.json());
          expect(restBobIds).toContain(bobsId);
          expect(restBobIds).not.toContain(a1.id);
        });

        it("CancelTask: bob cannot cancel alice's working task; alice can", async () => {
          const task = await aliceTask("slow");
          expectRpcNotFound(
            await expectSameAsMissing(
              rpcAs(
                () => bob,
                "CancelTask",
                (id) => ({ id }),
              ),
              task.id,
            ),
          );
          expectRestNotFound(
            await expectSameAsMissing(
              restAs(
                () => bob,
                "POST",
                (id) => `/tasks/${id}:cancel`,
              ),
              task.id,
            ),
          );
          expect(s.agent.aborted.has(task.id)).toBe(false);
          expect(await stateFor(alice, task.id)).toBe("TASK_STATE_WORKING");

          const canceled = await rpc(s.running, "CancelTask", { id: task.id }, alice);
          expect(canceled.result.status.state).toBe("TASK_STATE_CANCELED");
          expect(s.agent.aborted.has(task.id)).toBe(true);
        });

        it("SubscribeToTask: bob cannot subscribe to alice's task; alice can", async () => {
          const task = await aliceTask("slow");
          const subscribers = s.agent.a2a.stats().subscribers;
          expectRpcNotFound(
            await expectSameAsMissing(
              rpcAs(
                () => bob,
                "SubscribeToTask",
                (id) => ({ id }),
              ),
              task.id,
            ),
          );
          expectRestNotFound(
            await expectSameAsMissing(
              restAs(
                () => bob,
                "GET",
                (id) => `/tasks/${id}:subscribe`,
              ),
              task.id,
            ),
          );
          expect(s.agent.a2a.stats().subscribers).toBe(subscribers);

          const stream = await s.running.stream(s.running.url, {
            method: "POST",
            headers: a2aHeaders(alice),
            body: rpcBody("SubscribeToTask", { id: task.id }),
          });
          expect(stream.status).toBe(200);
          const first = (await stream.nextEvent(2000)) as Json;
          expect(first.result.task.id).toBe(task.id);
          expect(first.result.task.status.state).toBe("TASK_STATE_WORKING");
          await rpc(s.running, "CancelTask", { id: task.id }, alice);
          const last = (await stream.nextEvent(2000)) as Json;
          expect(last.result.statusUpdate.status.state).toBe("TASK_STATE_CANCELED");
          expect(await stream.nextEvent(2000)).toBeUndefined();
        });

        it("SendMessage: bob cannot continue alice's task; alice can", async () => {
          const task = await aliceTask("ask");
          expect(task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
          const runs = s.agent.seen.length;
          const hijack = (id: string) => ({ message: userMessage("hijack", { taskId: id }) });
          expectRpcNotFound(
            await expectSameAsMissing(
              rpcAs(() => bob, "SendMessage", hijack),
              task.id,
            ),
          );
          expectRpcNotFound(
            await expectSameAsMissing(
              rpcAs(() => bob, "SendStreamingMessage", hijack),
              task.id,
            ),
          );
          for (const route of ["/message:send", "/message:stream"]) {
            const sameAsMissing = await expectSameAsMissing(
              (id) => restAnswer(s.running, "POST", route, bob, id, hijack(id)),
              task.id,
            );
            expectRestNotFound(sameAsMissing);
          }
          expect(s.agent.seen.length).toBe(runs); // the agent never ran for bob

          const untouched = await rpc(s.running, "GetTask", { id: task.id }, alice);
          expect(untouched.result.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
          expect(JSON.stringify(untouched.result.history)).not.toContain("hijack");

          const continued = await rpc(
            s.running,
            "SendMessage",
            { message: userMessage("done", { taskId: task.id, contextId: task.contextId }) },
            alice,
          );
          expect(continued.result.task.id).toBe(task.id);
          expect(continued.result.task.status.state).toBe("TASK_STATE_COMPLETED");
          expect(s.agent.seen.at(-1)?.id).toBe("alice");
        });

        /** Alice's push config `id` on task `taskId`, delivering to `/alice/<taskId>`. */
        async function aliceConfig(taskId: string, id: string): Promise<Json> {
          const created = await rpc(
            s.running,
            "CreateTaskPushNotificationConfig",
            {
              taskId,
              id,
              url: receiver.url(`/alice/${taskId}`),
              authentication: { scheme: "Bearer", credentials: "alice-secret" },
            },
            alice,
          );
          expect(created.error).toBeUndefined();
          return created.result;
        }

        it("push notification configs: bob's Create, Get, List and Delete get what a missing task gets", async () => {
          const task = await aliceTask("ask");
          const config = await aliceConfig(task.id, "cfg-1");
          const bobsHook = receiver.url("/bob");
          const calls: [string, (id: string) => Json][] = [
            ["CreateTaskPushNotificationConfig", (id) => ({ taskId: id, url: bobsHook })],
            [
              "CreateTaskPushNotificationConfig",
              (id) => ({ taskId: id, id: "cfg-1", url: bobsHook }),
            ],
            ["GetTaskPushNotificationConfig", (id) => ({ taskId: id, id: "cfg-1" })],
            ["ListTaskPushNotificationConfigs", (id) => ({ taskId: id })],
            ["DeleteTaskPushNotificationConfig", (id) => ({ taskId: id, id: "cfg-1" })],
          ];
          for (const [method, params] of calls) {
            expectRpcNotFound(
              await expectSameAsMissing(
                rpcAs(() => bob, method, params),
                task.id,
              ),
            );
          }
          const calls03: [string, (id: string) => Json][] = [
            [
              "tasks/pushNotificationConfig/set",
              (id) => ({ taskId: id, pushNotificationConfig: { id: "cfg-1", url: bobsHook } }),
            ],
            [
              "tasks/pushNotificationConfig/get",
              (id) => ({ id, pushNotificationConfigId: "cfg-1" }),
            ],
            ["tasks/pushNotificationConfig/list", (id) => ({ id })],
            [
              "tasks/pushNotificationConfig/delete",
              (id) => ({ id, pushNotificationConfigId: "cfg-1" }),
            ],
          ];
          for (const [method, params] of calls03) {
            expectRpcNotFound(
              await expectSameAsMissing(
                rpcAs(() => ({ ...bob, "a2a-version": "0.3" }), method, params),
                task.id,
              ),
            );
          }
          const routes: [string, (id: string) => string, Json?][] = [
            ["POST", (id) => `/tasks/${id}/pushNotificationConfigs`, { url: bobsHook }],
            [
              "POST",
              (id) => `/tasks/${id}/pushNotificationConfigs`,
              { id: "cfg-1", url: bobsHook },
            ],
            ["GET", (id) => `/tasks/${id}/pushNotificationConfigs/cfg-1`],
            ["GET", (id) => `/tasks/${id}/pushNotificationConfigs`],
            ["DELETE", (id) => `/tasks/${id}/pushNotificationConfigs/cfg-1`],
          ];
          for (const [method, path, body] of routes) {
            expectRestNotFound(
              await expectSameAsMissing(
                restAs(() => bob, method, path, body),
                task.id,
              ),
            );
          }

          // Alice's config is still there, as she made it, and bob added none.
          const got = await rpc(
            s.running,
            "GetTaskPushNotificationConfig",
            { taskId: task.id, id: "cfg-1" },
            alice,
          );
          expect(got.result).toEqual(config);
          const listed = await rpc(
            s.running,
            "ListTaskPushNotificationConfigs",
            { taskId: task.id },
            alice,
          );
          expect(listed.result.configs).toEqual([config]);
          const viaRest = await restGet(
            s.running,
            `/tasks/${task.id}/pushNotificationConfigs/cfg-1`,
            alice,
          );
          expect(viaRest.status).toBe(200);
          expect(await viaRest.json()).toEqual(config);
          expect(await stateFor(alice, task.id)).toBe("TASK_STATE_INPUT_REQUIRED");
        });

        it("push deliveries: bob's webhook hears nothing of alice's task; alice's hears all of it", async () => {
          const task = await aliceTask("ask");
          await aliceConfig(task.id, "alice-hook");
          const bobsHook = receiver.url(`/bob/${task.id}`);
          // Neither a config nor a send with one gets bob's webhook onto alice's task.
          const created = await rpc(
            s.running,
            "CreateTaskPushNotificationConfig",
            { taskId: task.id, url: bobsHook },
            bob,
          );
          expect(created.error.code).toBe(-32001);
          const hijack = await rpc(
            s.running,
            "SendMessage",
            {
              message: userMessage("hijack", { taskId: task.id }),
              configuration: { taskPushNotificationConfig: { url: bobsHook } },
            },
            bob,
          );
          expect(hijack.error.code).toBe(-32001);

          const continued = await rpc(
            s.running,
            "SendMessage",
            { message: userMessage("done", { taskId: task.id, contextId: task.contextId }) },
            alice,
          );
          expect(continued.result.task.status.state).toBe("TASK_STATE_COMPLETED");
          const delivered = () => receiver.received.filter((r) => r.path === `/alice/${task.id}`);
          await until(() =>
            delivered().some(
              (r) => r.body.includes(`"statusUpdate"`) && r.body.includes("TASK_STATE_COMPLETED"),
            ),
          );
          for (const delivery of delivered()) {
            expect(delivery.headers.authorization).toBe("Bearer alice-secret");
            expect(delivery.headers["a2a-notification-id"]).toMatch(`${task.id}:`);
          }
          // A little longer, for a stray delivery to bob to show.
          await new Promise((resolve) => setTimeout(resolve, 150));
          expect(receiver.received.filter((r) => r.path.startsWith("/bob"))).toEqual([]);
        });
      },
    );
  }
});
