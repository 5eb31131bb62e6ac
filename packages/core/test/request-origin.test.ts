import { exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { type A2AOptions, verifyAgentCard } from "../src/index.js";
import { isValidHost } from "../src/transport/request-origin.js";
import { cardRequest, type Json, makeAgent, rpcRequest, userMessage } from "./helpers.js";

const executor: A2AOptions["executor"] = async (_ctx, task) => {
  await task.complete("done");
};

const CARD = "/.well-known/agent-card.json";

async function card(a2a: ReturnType<typeof makeAgent>, url: string, headers = {}) {
  const response = await a2a.fetch(cardRequest(url, { headers }));
  return { response, body: response.status === 200 ? ((await response.json()) as Json) : null };
}

describe("host[:port] validation", () => {
  it("accepts names, IPv4, IPv6 literals and ports", () => {
    for (const host of ["a", "agent.example", "agent.example:8080", "10.0.0.1:80", "[::1]:3000"]) {
      expect(isValidHost(host), host).toBe(true);
    }
  });

  it("refuses paths, queries, user info, lists, spaces and ports out of range", () => {
    for (const host of ["", "a/b", "a?b", "a#b", "u@a", "a,b", "a b", "a:65536", "[::1", ":80"]) {
      expect(isValidHost(host), host).toBe(false);
    }
  });
});

describe("the card's origin on the Fetch handler", () => {
  it("names the request URL's origin, and publicUrl when set, whatever X-Forwarded-* say", async () => {
    const forwarded = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };
    const derived = await card(
      makeAgent({ executor }),
      `http://agent.test:8080/a2a${CARD}`,
      forwarded,
    );
    expect(derived.body.supportedInterfaces[0].url).toBe("http://agent.test:8080/a2a");
    expect(derived.response.headers.get("vary")).toBe("A2A-Version");

    const fixed = await card(
      makeAgent({ executor, publicUrl: "https://agent.example/a2a", trustProxy: true }),
      `http://agent.test/a2a${CARD}`,
      forwarded,
    );
    expect(fixed.body.supportedInterfaces[0].url).toBe("https://agent.example/a2a");
    // publicUrl decides: the forwarded headers change nothing, so caches need not key on them.
    expect(fixed.response.headers.get("vary")).toBe("A2A-Version");
  });

  it("reads X-Forwarded-Host and -Proto with trustProxy, and varies the card on them", async () => {
    const a2a = makeAgent({ executor, trustProxy: true });
    const { response, body } = await card(a2a, `http://10.0.0.5/a2a${CARD}`, {
      "x-forwarded-host": "agent.example:8443, proxy.internal",
      "x-forwarded-proto": "https",
    });
    expect(body.supportedInterfaces[0].url).toBe("https://agent.example:8443/a2a");
    expect(response.headers.get("vary")).toBe("A2A-Version, x-forwarded-host, x-forwarded-proto");
    expect(response.headers.get("cache-control")).toContain("public");

    for (const headers of [
      { "x-forwarded-host": "evil.example/a2a?" },
      { "x-forwarded-proto": "javascript" },
    ]) {
      expect((await card(a2a, `http://10.0.0.5/a2a${CARD}`, headers)).response.status).toBe(400);
    }
  });

  it("a per-request card stays private and varies on everything", async () => {
    const a2a = makeAgent({ executor, trustProxy: true, cardModifier: (c) => c });
    const { response } = await card(a2a, `http://agent.test/a2a${CARD}`);
    expect(response.headers.get("vary")).toBe("*");
    expect(response.headers.get("cache-control")).toContain("private");
  });

  it("allowedHosts refuses other hosts with 400 on every endpoint, subdomains by a leading dot", async () => {
    const a2a = makeAgent({ executor, allowedHosts: ["agent.example", ".agents.example"] });
    expect((await card(a2a, `http://agent.example:3000/a2a${CARD}`)).response.status).toBe(200);
    expect((await card(a2a, `http://eu.agents.example/a2a${CARD}`)).response.status).toBe(200);
    expect((await card(a2a, `http://agents.example/a2a${CARD}`)).response.status).toBe(200);
    expect((await card(a2a, `http://evil.example/a2a${CARD}`)).response.status).toBe(400);
    expect((await card(a2a, `http://agent.example.evil/a2a${CARD}`)).response.status).toBe(400);
    const refused = await a2a.fetch(
      rpcRequest("SendMessage", { message: userMessage("hi") }, { url: "http://evil.example/a2a" }),
    );
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.code).toBe(-32600);
  });
});

describe("a signed card names only declared hosts", () => {
  const signing = async (): Promise<NonNullable<A2AOptions["cardSigning"]>> => {
    const { privateKey } = await generateKeyPair("ES256");
    return { privateKey, alg: "ES256", kid: "k1" };
  };

  it("refuses cardSigning without publicUrl or allowedHosts at start-up", async () => {
    const cardSigning = await signing();
    expect(() => makeAgent({ executor, cardSigning })).toThrow(/publicUrl/);
    expect(() =>
      makeAgent({ executor, cardSigning, publicUrl: "https://agent.example/a2a" }),
    ).not.toThrow();
    expect(() =>
      makeAgent({ executor, cardSigning, allowedHosts: ["agent.example"] }),
    ).not.toThrow();
  });

  it("never signs a card naming a host a client sent", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const a2a = makeAgent({
      executor,
      cardSigning: { privateKey, alg: "ES256", kid: "k1" },
      allowedHosts: ["agent.example"],
      trustProxy: true,
    });
    const evil = await card(a2a, `http://evil.example/a2a${CARD}`);
    expect(evil.response.status).toBe(400);
    const forwarded = await card(a2a, `http://agent.example/a2a${CARD}`, {
      "x-forwarded-host": "evil.example",
    });
    expect(forwarded.response.status).toBe(400);
    const good = await card(a2a, `http://agent.example/a2a${CARD}`);
    expect(good.body.supportedInterfaces[0].url).toBe("http://agent.example/a2a");
    await expect(
      verifyAgentCard(good.body, { key: await exportJWK(publicKey) }),
    ).resolves.toBeTruthy();
  });
});
