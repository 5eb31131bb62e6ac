import { describe, expect, it } from "vitest";
import { resultBody } from "../src/transport/jsonrpc/envelope.js";
import { BASE, gate, makeAgent, rpc, until, userMessage } from "./helpers.js";

/** HTTP details: HEAD on the GET routes, and JSON-RPC responses that always carry `result`. */

function agent() {
  const release = gate();
  const a2a = makeAgent({
    executor: async (ctx, task) => {
      await task.working();
      if (ctx.text === "hold") await release.promise;
      await task.complete("done");
    },
  });
  return { a2a, release };
}

const head = (a2a: ReturnType<typeof agent>["a2a"], path: string, version = "1.0") =>
  a2a.fetch(new Request(`${BASE}${path}`, { method: "HEAD", headers: { "a2a-version": version } }));

describe("HEAD on HTTP+JSON GET routes", () => {
  it("answers GetTask and ListTasks like GET, without a body", async () => {
    const { a2a } = agent();
    const sent = await rpc(a2a, "SendMessage", { message: userMessage("x") });
    const id = sent.result.task.id;
    for (const path of [`/tasks/${id}`, "/tasks", `/v1/tasks/${id}`]) {
      const version = path.startsWith("/v1") ? "0.3" : "1.0";
      const get = await a2a.fetch(
        new Request(`${BASE}${path}`, { headers: { "a2a-version": version } }),
      );
      const response = await head(a2a, path, version);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(get.headers.get("content-type"));
      expect(await response.text()).toBe("");
    }
    const missing = await head(a2a, "/tasks/nope");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("");
  });

  it("answers a subscription with the stream's headers and releases it at once", async () => {
    const { a2a, release } = agent();
    const sent = await rpc(a2a, "SendMessage", {
      message: userMessage("hold"),
      configuration: { returnImmediately: true },
    });
    const response = await head(a2a, `/tasks/${sent.result.task.id}:subscribe`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(await response.text()).toBe("");
    await until(() => a2a.stats().subscribers === 0);
    release.open();
  });

  it("lists HEAD in Allow wherever GET is allowed", async () => {
    const { a2a } = agent();
    const response = await a2a.fetch(
      new Request(`${BASE}/tasks`, { method: "PUT", headers: { "a2a-version": "1.0" } }),
    );
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("a wrong HTTP method", () => {
  it("gets the same kind of answer on every endpoint: 405, Allow, INVALID_REQUEST", async () => {
    const { a2a } = agent();
    const cases = [
      { path: "", method: "GET", version: "1.0", allow: "POST", jsonrpc: true },
      { path: "/.well-known/agent-card.json", method: "POST", version: "1.0", allow: "GET, HEAD" },
      { path: "/message:send", method: "GET", version: "1.0", allow: "POST" },
      { path: "/acme/tasks", method: "DELETE", version: "1.0", allow: "GET, HEAD" },
      { path: "/v1/message:send", method: "GET", version: "0.3", allow: "POST", legacy: true },
    ];
    for (const { path, method, version, allow, jsonrpc, legacy } of cases) {
      const response = await a2a.fetch(
        new Request(`${BASE}${path}`, { method, headers: { "a2a-version": version } }),
      );
      expect(response.status, path).toBe(405);
      expect(response.headers.get("allow"), path).toBe(allow);
      const body = await response.json();
      // Each endpoint in its own error format, all with the same error.
      const details = jsonrpc ? body.error.data : legacy ? body.data : body.error.details;
      if (jsonrpc || legacy) expect(body.error?.code ?? body.code, path).toBe(-32600);
      expect(details[0].reason, path).toBe("INVALID_REQUEST");
      expect(body.error?.message ?? body.message, path).toContain(`Method ${method}`);
    }
  });
});

describe("JSON-RPC responses", () => {
  it("always carry result, null for an operation without a value", () => {
    expect(JSON.parse(resultBody(1, undefined))).toEqual({ jsonrpc: "2.0", id: 1, result: null });
    expect(JSON.parse(resultBody("a", {}))).toEqual({ jsonrpc: "2.0", id: "a", result: {} });
  });
});
