import { describe, expect, it } from "vitest";
import { createA2A, silentLogger } from "../src/index.js";
import { cardRequest, makeAgent, testCard } from "./helpers.js";

const executor = () => undefined;

describe("agent card", () => {
  it("is served at the well-known path with derived interfaces and capabilities", async () => {
    const a2a = makeAgent({ executor });
    const response = await a2a.fetch(
      cardRequest("https://agents.example.com/.well-known/agent-card.json"),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const card = await response.json();
    expect(card).toEqual({
      name: "Test agent",
      description: "An agent for tests",
      version: "1.0.0",
      supportedInterfaces: [
        {
          url: "https://agents.example.com/a2a",
          protocolBinding: "JSONRPC",
          protocolVersion: "1.0",
        },
        {
          url: "https://agents.example.com/a2a",
          protocolBinding: "HTTP+JSON",
          protocolVersion: "1.0",
        },
      ],
      capabilities: { streaming: true, pushNotifications: false },
      defaultInputModes: ["text/plain"],
      defaultOutputModes: ["text/plain"],
      skills: testCard.skills,
    });
  });

  it("is also served under the mount path, and follows a per-request base path", async () => {
    const a2a = makeAgent({ executor });
    const mounted = await a2a.fetch(
      cardRequest("http://localhost:3000/a2a/.well-known/agent-card.json"),
    );
    expect((await mounted.json()).supportedInterfaces[0].url).toBe("http://localhost:3000/a2a");
    const elsewhere = await a2a.fetch(
      cardRequest("http://localhost:3000/api/agent/.well-known/agent-card.json"),
      { basePath: "/api/agent/" },
    );
    expect((await elsewhere.json()).supportedInterfaces[0].url).toBe(
      "http://localhost:3000/api/agent",
    );
  });

  it("lists the configured bindings in the configured order, and serves only those", async () => {
    const a2a = makeAgent({ executor, bindings: ["HTTP+JSON", "JSONRPC"] });
    const card = await (
      await a2a.fetch(cardRequest("http://agent.test/.well-known/agent-card.json"))
    ).json();
    expect(
      card.supportedInterfaces.map((i: { protocolBinding: string }) => i.protocolBinding),
    ).toEqual(["HTTP+JSON", "JSONRPC"]);
    const restOnly = makeAgent({ executor, bindings: ["HTTP+JSON"] });
    const rpcCall = await restOnly.fetch(
      new Request("http://agent.test/a2a", { method: "POST", body: "{}" }),
    );
    expect(rpcCall.status).toBe(404);
    const rpcOnly = makeAgent({ executor, bindings: ["JSONRPC"] });
    const restCall = await rpcOnly.fetch(new Request("http://agent.test/a2a/tasks"));
    expect(restCall.status).toBe(404);
    expect(() => makeAgent({ executor, bindings: [] })).toThrow(/bindings/);
    expect(() => makeAgent({ executor, bindings: ["JSONRPC", "JSONRPC"] })).toThrow(/bindings/);
  });

  it("uses publicUrl when a proxy changes the public address", async () => {
    const a2a = makeAgent({ executor, publicUrl: "https://public.example.com/agent" });
    const card = await (
      await a2a.fetch(cardRequest("http://10.0.0.5:8080/.well-known/agent-card.json"))
    ).json();
    expect(card.supportedInterfaces[0].url).toBe("https://public.example.com/agent");
  });

  it("has an ETag and max-age, and answers 304 to a matching If-None-Match", async () => {
    const a2a = makeAgent({ executor, cardMaxAgeSeconds: 60 });
    const url = "http://agent.test/.well-known/agent-card.json";
    const first = await a2a.fetch(cardRequest(url));
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get("cache-control")).toBe("public, max-age=60");
    const again = await a2a.fetch(cardRequest(url, { headers: { "if-none-match": etag! } }));
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    const weakList = await a2a.fetch(
      cardRequest(url, { headers: { "if-none-match": `"other", W/${etag}` } }),
    );
    expect(weakList.status).toBe(304);
    const stale = await a2a.fetch(cardRequest(url, { headers: { "if-none-match": '"stale"' } }));
    expect(stale.status).toBe(200);
  });

  it("changes the ETag when the card changes", async () => {
    const one = makeAgent({ executor });
    const two = makeAgent({ executor, card: { ...testCard, version: "1.0.1" } });
    const url = "http://agent.test/.well-known/agent-card.json";
    const a = (await one.fetch(cardRequest(url))).headers.get("etag");
    const b = (await two.fetch(cardRequest(url))).headers.get("etag");
    expect(a).not.toBe(b);
  });

  it("answers HEAD without a body and refuses other methods", async () => {
    const a2a = makeAgent({ executor });
    const url = "http://agent.test/.well-known/agent-card.json";
    const head = await a2a.fetch(cardRequest(url, { method: "HEAD" }));
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toBeTruthy();
    const post = await a2a.fetch(cardRequest(url, { method: "POST", body: "{}" }));
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    // Plain HTTP, not a JSON-RPC endpoint: a google.rpc.Status body.
    const body = await post.json();
    expect(body.jsonrpc).toBeUndefined();
    expect(body.error).toMatchObject({ code: 405, status: "UNIMPLEMENTED" });
  });

  it("derives capabilities and optional fields from the configuration", async () => {
    const a2a = makeAgent({
      executor,
      card: {
        ...testCard,
        provider: { organization: "Acme", url: "https://acme.example" },
        documentationUrl: "https://acme.example/docs",
        iconUrl: "https://acme.example/icon.png",
        defaultInputModes: ["text/plain", "application/json"],
        defaultOutputModes: ["application/json"],
        capabilities: {
          streaming: false,
          extendedAgentCard: true,
          extensions: [{ uri: "urn:ext:a", required: false, description: "A" }],
        },
      },
    });
    const card = await (
      await a2a.fetch(cardRequest("http://agent.test/.well-known/agent-card.json"))
    ).json();
    expect(card.capabilities).toEqual({
      streaming: false,
      pushNotifications: false,
      extendedAgentCard: true,
      // `required` is a plain proto3 bool: at its default it is left out (spec §8.4.1).
      extensions: [{ uri: "urn:ext:a", description: "A" }],
    });
    expect(card.provider).toEqual({ organization: "Acme", url: "https://acme.example" });
    expect(card.documentationUrl).toBe("https://acme.example/docs");
    expect(card.iconUrl).toBe("https://acme.example/icon.png");
    expect(card.defaultInputModes).toEqual(["text/plain", "application/json"]);
    expect(card.defaultOutputModes).toEqual(["application/json"]);
  });

  it("refuses an invalid card at startup, naming the field", () => {
    const bad = (card: unknown) => () =>
      createA2A({ card: card as typeof testCard, executor, logger: silentLogger });
    expect(bad({ ...testCard, name: "" })).toThrow(/card\.name/);
    expect(bad({ ...testCard, skills: [] })).toThrow(/card\.skills/);
    expect(
      bad({ ...testCard, skills: [{ id: "a", name: "A", description: "d", tags: [] }] }),
    ).toThrow(/card\.skills\.0\.tags/);
    expect(() =>
      createA2A({ card: testCard, executor: 42 as never, logger: silentLogger }),
    ).toThrow(/executor/);
  });
});
