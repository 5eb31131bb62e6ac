import { request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";
import type { A2A, RequestExtras } from "@a2a-mount/core";
import { afterEach, describe, expect, it } from "vitest";
import { makeTestAgent, withInternals } from "../harness/agent.js";
import {
  a2aHeaders,
  type Json,
  postRpc,
  rpc,
  rpcBody,
  until,
  userMessage,
} from "../harness/client.js";
import type { RawStream } from "../harness/raw-stream.js";
import { fetchTarget } from "../harness/targets/fetch-target.js";
import {
  describeWhere,
  itWhere,
  type Running,
  SUB_ROUTER_PATH,
  type Target,
  targets,
} from "../harness/targets/index.js";
import { nextTarget } from "../harness/targets/next-target.js";
import { nodeHttpTarget } from "../harness/targets/node-http-target.js";

/**
 * The agent inside a host app: nested routers and custom mount paths, fallthrough to the
 * host for paths that are not the agent's, body parsers, cookies, compression, CORS and
 * host auth in front, and a client hanging up mid-stream.
 */

const A2A_JSON = "application/a2a+json";
const CARD = "/.well-known/agent-card.json";

/** Targets with no host app around the agent: the core answers every path itself. */
const bare = new Set<Target>([fetchTarget, nodeHttpTarget]);

/** The host app's own 404 (its fallthrough handler), proof that `next()` was called. */
async function expectHost404(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(404);
  expect(text).toBe("host 404");
}

/** The core's 404 for a path it does not serve: a `google.rpc.Status` body. */
async function expectCore404(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(404);
  const body = JSON.parse(text) as Json;
  expect(body.error.code).toBe(404);
  expect(body.error.status).toBe("NOT_FOUND");
}

/** What a path outside the agent gets: the host's 404 where there is a host, else the core's. */
function expectOutside(target: Target, response: Response): Promise<void> {
  return bare.has(target) ? expectCore404(response) : expectHost404(response);
}

function streamRpc(
  running: Running,
  method: string,
  params: unknown,
  headers: Record<string, string> = {},
): Promise<RawStream> {
  return running.stream(running.url, {
    method: "POST",
    headers: a2aHeaders(headers),
    body: rpcBody(method, params),
  });
}

/** Reads events until the stream ends (bounded by the stream's own chunk timeout). */
async function remainingEvents(stream: RawStream): Promise<Json[]> {
  const events: Json[] = [];
  for (;;) {
    const event = await stream.nextEvent(2000);
    if (event === undefined) return events;
    events.push(event);
  }
}

function artifactText(task: Json): string {
  return task.artifacts[0].parts.map((p: { text: string }) => p.text).join("");
}

/**
 * The agent, wrapped to record what the adapter hands the core along with each request:
 * the extras of `fetch` (Fetch targets) or the input of the internal `handle` (Node ones).
 */
function observed(a2a: A2A) {
  const contexts: (Pick<RequestExtras, "parsedBody"> | undefined)[] = [];
  const fetching: A2A = {
    ...a2a,
    fetch: (request, extras) => {
      contexts.push(extras);
      return a2a.fetch(request, extras);
    },
  };
  const agent = withInternals(fetching, ({ handle }) => ({
    handle: (input) => {
      contexts.push(input);
      return handle(input);
    },
  }));
  return { agent, contexts };
}

/**
 * Targets whose host sends the `Response` of `a2a.fetch` as it is. Elsewhere the Node bridge
 * writes the agent's own reply (`fetch` is never called), and an agent sets no cookies.
 */
const viaFetch = new Set<Target>([fetchTarget, nextTarget]);

/** The agent, wrapped to add two cookies to every response of `fetch`. */
function withCookies(a2a: A2A): A2A {
  return {
    ...a2a,
    fetch: async (request, extras) => {
      const response = await a2a.fetch(request, extras);
      const headers = new Headers(response.headers);
      headers.append("set-cookie", "a=1; Path=/");
      headers.append("set-cookie", "b=2; Path=/");
      return new Response(response.body, { status: response.status, headers });
    },
  };
}

/** A raw node:http exchange (no automatic decoding), the body as bytes. */
function rawRequest(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method, headers: init.headers });
    req.setTimeout(3000, () => req.destroy(new Error("no response in time")));
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.end(init.body);
  });
}

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
}

describe.each(targets)("$name: host middleware", (target) => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  describe("mount paths", () => {
    it("serves JSON-RPC, REST and the card under nested routers, and leaves other paths to the host", async () => {
      const { a2a } = makeTestAgent();
      running = await target.start(a2a, { subRouter: true });
      const { origin } = running;
      const base = origin + SUB_ROUTER_PATH;
      expect(running.url).toBe(base);

      const sent = await (
        await running.fetch(base, {
          method: "POST",
          headers: a2aHeaders(),
          body: rpcBody("SendMessage", { message: userMessage("nested") }),
        })
      ).json();
      expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
      const id: string = sent.result.task.id;

      const got = await running.fetch(`${base}/tasks/${id}`, { headers: { "a2a-version": "1.0" } });
      expect(got.status).toBe(200);
      const task = await got.json();
      expect(task.id).toBe(id);
      expect(artifactText(task)).toBe("nested");

      const card = await running.fetch(base + CARD, { headers: { "a2a-version": "1.0" } });
      expect(card.status).toBe(200);
      const interfaces = (await card.json()).supportedInterfaces as Json[];
      expect(interfaces.map((i) => i.protocolBinding).sort()).toEqual(["HTTP+JSON", "JSONRPC"]);
      for (const i of interfaces) expect(i.url).toBe(base);
      const legacy = await (await running.fetch(base + CARD)).json();
      expect(legacy.url).toBe(base);

      await expectOutside(target, await running.fetch(`${origin}/api/v1/other`));
      await expectOutside(
        target,
        await running.fetch(`${origin}/a2a`, {
          method: "POST",
          headers: a2aHeaders(),
          body: rpcBody("SendMessage", { message: userMessage("wrong place") }),
        }),
      );
      await expectOutside(target, await running.fetch(`${origin}/a2a/tasks/${id}`));
    });

    it("serves the agent at a custom mount path, and only there", async () => {
      const { a2a } = makeTestAgent();
      running = await target.start(a2a, { mountPath: "/agents/echo" });
      const { origin } = running;
      const base = `${origin}/agents/echo`;
      expect(running.url).toBe(base);

      const sent = await rpc(running, "SendMessage", { message: userMessage("custom") });
      expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
      const id: string = sent.result.task.id;

      const viaRest = await running.fetch(`${base}/message:send`, {
        method: "POST",
        headers: { "content-type": A2A_JSON, "a2a-version": "1.0" },
        body: JSON.stringify({ message: userMessage("rest") }),
      });
      expect(viaRest.status).toBe(200);
      expect((await viaRest.json()).task.status.state).toBe("TASK_STATE_COMPLETED");

      const got = await running.fetch(`${base}/tasks/${id}`, { headers: { "a2a-version": "1.0" } });
      expect(got.status).toBe(200);
      expect(artifactText(await got.json())).toBe("custom");

      const card = await (
        await running.fetch(base + CARD, { headers: { "a2a-version": "1.0" } })
      ).json();
      for (const i of card.supportedInterfaces as Json[]) expect(i.url).toBe(base);

      await expectOutside(target, await running.fetch(`${origin}/a2a/tasks/${id}`));
      await expectOutside(target, await running.fetch(`${origin}/agents`));
      // A path that merely starts with the mount path's text is not below it.
      await expectOutside(target, await running.fetch(`${origin}/agents/echoes/tasks/${id}`));
    });
  });

  describe("fallthrough", () => {
    it("passes paths outside the mount to the host", async () => {
      const { a2a } = makeTestAgent();
      running = await target.start(a2a);
      const { origin } = running;
      await expectOutside(target, await running.fetch(`${origin}/elsewhere`));
      await expectOutside(
        target,
        await running.fetch(`${origin}/elsewhere?x=1`, { method: "POST", body: "{}" }),
      );
      await expectOutside(target, await running.fetch(`${origin}/a2ax`));
      // The agent still answers after the host did.
      const sent = await rpc(running, "SendMessage", { message: userMessage("after") });
      expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    });

    it("passes paths below the mount that are no A2A route on (a catch-all route answers itself)", async () => {
      const { a2a } = makeTestAgent();
      running = await target.start(a2a);
      const { origin } = running;
      // Express and Koa middleware call next(); fetch and node:http have no host, and a Next
      // catch-all route owns every path below it, so there the core answers its 404.
      const ownsSubtree = bare.has(target) || target === nextTarget;
      for (const path of ["/a2a/not-a-route/x/y/z", "/a2a/not-a-route/x/y/z?q=1"]) {
        const response = await running.fetch(origin + path);
        if (ownsSubtree) await expectCore404(response);
        else await expectHost404(response);
      }
      const posted = await running.fetch(`${origin}/a2a/not-a-route/x/y/z`, {
        method: "POST",
        headers: { "content-type": A2A_JSON },
        body: "{}",
      });
      if (ownsSubtree) await expectCore404(posted);
      else await expectHost404(posted);
    });
  });

  describeWhere(target.supports.bodyParser)("pre-parsed bodies", () => {
    it("takes a JSON-RPC body the host's JSON parser already read", async () => {
      const { a2a } = makeTestAgent();
      const { agent, contexts } = observed(a2a);
      running = await target.start(agent, { bodyParser: true });
      const text = "parsed ✓ héllo";
      const sent = await rpc(running, "SendMessage", { message: userMessage(text) });
      expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
      // The host parser did read it: the adapter handed its value on.
      expect(contexts.at(-1)?.parsedBody).toMatchObject({ method: "SendMessage" });
      const got = await rpc(running, "GetTask", { id: sent.result.task.id });
      expect(artifactText(got.result)).toBe(text);
    });

    it("takes a REST body the host's JSON parser already read", async () => {
      const { a2a } = makeTestAgent();
      const { agent, contexts } = observed(a2a);
      running = await target.start(agent, { bodyParser: true });
      const response = await running.fetch(`${running.url}/message:send`, {
        method: "POST",
        headers: a2aHeaders(),
        body: JSON.stringify({ message: userMessage("rest parsed") }),
      });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      const { task } = JSON.parse(text);
      expect(task.status.state).toBe("TASK_STATE_COMPLETED");
      expect(contexts.at(-1)?.parsedBody).toMatchObject({ message: { parts: [{}] } });
      const got = await running.fetch(`${running.url}/tasks/${task.id}`, {
        headers: { "a2a-version": "1.0" },
      });
      expect(got.status).toBe(200);
      expect(artifactText(await got.json())).toBe("rest parsed");
    });

    it("reads an application/a2a+json body the host's parser left alone", async () => {
      const { a2a } = makeTestAgent();
      running = await target.start(a2a, { bodyParser: true });
      const viaRpc = await postRpc(
        running,
        "SendMessage",
        { message: userMessage("a2a json rpc") },
        { "content-type": A2A_JSON },
      );
      const rpcText = await viaRpc.text();
      expect(viaRpc.status, rpcText).toBe(200);
      const sent = JSON.parse(rpcText);
      expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
      expect(artifactText(sent.result.task)).toBe("a2a json rpc");

      const viaRest = await running.fetch(`${running.url}/message:send`, {
        method: "POST",
        headers: { "content-type": A2A_JSON, "a2a-version": "1.0" },
        body: JSON.stringify({ message: userMessage("a2a json rest") }),
      });
      const restText = await viaRest.text();
      expect(viaRest.status, restText).toBe(200);
      expect(artifactText(JSON.parse(restText).task)).toBe("a2a json rest");
    });
  });

  describe("cookies", () => {
    itWhere(viaFetch.has(target))(
      "sends each cookie the agent sets as its own Set-Cookie header",
      async () => {
        const { a2a } = makeTestAgent();
        running = await target.start(withCookies(a2a));
        const unary = await postRpc(running, "SendMessage", { message: userMessage("cookies") });
        expect(unary.status).toBe(200);
        expect(unary.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
        expect((await unary.json()).result.task.status.state).toBe("TASK_STATE_COMPLETED");

        const stream = await streamRpc(running, "SendStreamingMessage", {
          message: userMessage("cookie stream"),
        });
        expect(stream.headers.get("content-type")).toBe("text/event-stream");
        expect(stream.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
        const events = await remainingEvents(stream);
        expect(events.at(-1).result.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
      },
    );

    itWhere(target.supports.hostCookie)(
      "keeps the cookie the host's middleware set, once, on unary and streamed answers",
      async () => {
        const { a2a } = makeTestAgent();
        running = await target.start(a2a, { hostCookie: true });
        const unary = await postRpc(running, "SendMessage", { message: userMessage("cookies") });
        expect(unary.status).toBe(200);
        expect(unary.headers.getSetCookie()).toEqual([expect.stringMatching(/^host=1;/i)]);
        expect((await unary.json()).result.task.status.state).toBe("TASK_STATE_COMPLETED");

        const stream = await streamRpc(running, "SendStreamingMessage", {
          message: userMessage("cookie stream"),
        });
        expect(stream.headers.get("content-type")).toBe("text/event-stream");
        expect(stream.headers.getSetCookie()).toEqual([expect.stringMatching(/^host=1;/i)]);
        const events = await remainingEvents(stream);
        expect(events.at(-1).result.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
      },
    );
  });

  describeWhere(target.supports.compression)("compression in front", () => {
    it("streams SSE event by event, uncompressed", async () => {
      const agent = makeTestAgent();
      running = await target.start(agent.a2a, { compression: true });
      const stream = await streamRpc(
        running,
        "SendStreamingMessage",
        { message: userMessage("slow") },
        { "accept-encoding": "gzip, deflate" },
      );
      expect(stream.status).toBe(200);
      expect(stream.headers.get("content-type")).toBe("text/event-stream");
      expect(stream.headers.get("content-encoding")).toBeNull();
      // Both arrive while the task is still held: nothing waits in a compression buffer.
      const first = (await stream.nextEvent(1000)) as Json;
      expect(first.result.task.status.state).toBe("TASK_STATE_SUBMITTED");
      const working = (await stream.nextEvent(1000)) as Json;
      expect(working.result.statusUpdate.status.state).toBe("TASK_STATE_WORKING");
      agent.release();
      const events = await remainingEvents(stream);
      expect(events.at(-1).result.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
    });

    it("sends a large unary JSON response gzip-encoded and whole", async () => {
      const { a2a } = makeTestAgent();
      running = await target.start(a2a, { compression: true });
      const text = "lorem ipsum dolor sit amet ".repeat(3000);
      const sent = await rpc(running, "SendMessage", { message: userMessage(text) });
      expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");

      const response = await rawRequest(running.url, {
        method: "POST",
        headers: a2aHeaders({ "accept-encoding": "gzip" }),
        body: rpcBody("GetTask", { id: sent.result.task.id }),
      });
      expect(response.status).toBe(200);
      expect(response.headers["content-encoding"]).toBe("gzip");
      expect(response.body.byteLength).toBeLessThan(text.length / 4);
      const body = JSON.parse(gunzipSync(response.body).toString("utf8"));
      expect(artifactText(body.result)).toBe(text);

      // Through fetch (which decodes) the same response parses too.
      const viaFetch = await rpc(running, "GetTask", { id: sent.result.task.id });
      expect(artifactText(viaFetch.result)).toBe(text);
    });
  });

  describeWhere(target.supports.cors)("CORS in front", () => {
    it("answers the preflight and marks real responses", async () => {
      const agent = makeTestAgent();
      running = await target.start(agent.a2a, { cors: true });
      const origin = "https://client.example";
      const preflight = await running.fetch(running.url, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,a2a-version",
        },
      });
      expect([200, 204]).toContain(preflight.status);
      expect(["*", origin]).toContain(preflight.headers.get("access-control-allow-origin"));
      expect(preflight.headers.get("access-control-allow-methods")).toMatch(/POST/);
      const allowed = preflight.headers.get("access-control-allow-headers")?.toLowerCase() ?? "";
      expect(allowed).toContain("a2a-version");
      expect(allowed).toContain("content-type");
      await preflight.text();
      // The preflight never reached the agent.
      expect(agent.principals).toEqual([]);

      const real = await postRpc(
        running,
        "SendMessage",
        { message: userMessage("cors") },
        { origin },
      );
      expect(real.status).toBe(200);
      expect(["*", origin]).toContain(real.headers.get("access-control-allow-origin"));
      expect((await real.json()).result.task.status.state).toBe("TASK_STATE_COMPLETED");

      const stream = await streamRpc(
        running,
        "SendStreamingMessage",
        { message: userMessage("cors stream") },
        { origin },
      );
      expect(["*", origin]).toContain(stream.headers.get("access-control-allow-origin"));
      await remainingEvents(stream);
    });
  });

  describeWhere(target.supports.auth)("host auth", () => {
    it("gives the agent the host's principal and scopes tasks to it", async () => {
      const agent = makeTestAgent();
      running = await target.start(agent.a2a, { auth: true });

      const byAlice = await rpc(
        running,
        "SendMessage",
        { message: userMessage("mine") },
        { "x-user": "alice" },
      );
      expect(byAlice.result.task.status.state).toBe("TASK_STATE_COMPLETED");
      expect(agent.principals).toEqual(["alice"]);

      const anonymous = await rpc(running, "SendMessage", { message: userMessage("anyone") });
      expect(anonymous.result.task.status.state).toBe("TASK_STATE_COMPLETED");
      expect(agent.principals).toEqual(["alice", undefined]);

      const id: string = byAlice.result.task.id;
      const forAlice = await rpc(running, "GetTask", { id }, { "x-user": "alice" });
      expect(forAlice.result.id).toBe(id);
      const forBob = await rpc(running, "GetTask", { id }, { "x-user": "bob" });
      expect(forBob.error.code).toBe(-32001);
      const forNobody = await rpc(running, "GetTask", { id });
      expect(forNobody.error.code).toBe(-32001);
      const restForBob = await running.fetch(`${running.url}/tasks/${id}`, {
        headers: { "a2a-version": "1.0", "x-user": "bob" },
      });
      expect(restForBob.status).toBe(404);
      await restForBob.text();
    });
  });

  describe("client disconnect", () => {
    it("releases a stream the client hung up on without canceling its task", async () => {
      const agent = makeTestAgent({ keepAliveMs: 20 });
      const { a2a } = agent;
      running = await target.start(a2a);
      const timersBefore = activeTimeouts();

      const stream = await streamRpc(running, "SendStreamingMessage", {
        message: userMessage("slow"),
      });
      const first = (await stream.nextEvent(1000)) as Json;
      const id: string = first.result.task.id;
      const working = (await stream.nextEvent(1000)) as Json;
      expect(working.result.statusUpdate.status.state).toBe("TASK_STATE_WORKING");
      expect(a2a.stats().subscribers).toBe(1);
      // No check that the keep-alive interval counts here: timers of the test's own HTTP
      // client come and go. That closing the stream clears it is pinned in
      // packages/core/test/event-frames.test.ts; below, nothing may be left over.
      stream.close();
      await until(() => a2a.stats().subscribers === 0, 2000);

      expect(agent.aborted.size).toBe(0);
      const got = await rpc(running, "GetTask", { id });
      expect(got.result.status.state).toBe("TASK_STATE_WORKING");
      expect(a2a.stats().activeExecutions).toBe(1);

      const again = await streamRpc(running, "SubscribeToTask", { id });
      expect(again.status).toBe(200);
      const snapshot = (await again.nextEvent(1000)) as Json;
      expect(snapshot.result.task.id).toBe(id);
      expect(snapshot.result.task.status.state).toBe("TASK_STATE_WORKING");
      agent.release();
      const events = await remainingEvents(again);
      expect(events.at(-1).result.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
      expect(agent.aborted.size).toBe(0);

      await until(
        () =>
          a2a.stats().subscribers === 0 &&
          a2a.stats().activeExecutions === 0 &&
          activeTimeouts() <= timersBefore,
        2000,
      );
      const done = await rpc(running, "GetTask", { id });
      expect(done.result.status.state).toBe("TASK_STATE_COMPLETED");
    });
  });
});
