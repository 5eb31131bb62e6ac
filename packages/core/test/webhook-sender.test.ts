import type { LookupAddress } from "node:dns";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createAddressPolicy, embeddedIPv4 } from "../src/node/address-policy.js";
import { webhookSender } from "../src/node/index.js";
import { retryAfterMs } from "../src/node/webhook-sender.js";
import { WebhookUrlRefused } from "../src/ports/webhook-sender.js";

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A receiver on 127.0.0.1: records each request (body read), then lets `answer` reply. */
async function receiver(answer: (res: ServerResponse) => void = (res) => res.end()) {
  const requests: Received[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      answer(res);
    });
  });
  server.on("connection", () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { port, url: `http://127.0.0.1:${port}`, requests, connections: () => connections };
}

/** A resolver that answers `addresses` for every name. */
const resolvesTo =
  (...addresses: string[]) =>
  async (): Promise<LookupAddress[]> =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

const post = (url: string, extra: { timeoutMs?: number; signal?: AbortSignal } = {}) => ({
  url,
  headers: { "content-type": "application/json" },
  body: new TextEncoder().encode("{}"),
  timeoutMs: extra.timeoutMs ?? 5000,
  signal: extra.signal,
});

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("address policy", () => {
  const policy = createAddressPolicy([]);

  it("refuses internal, reserved and special ranges", () => {
    const refused = [
      ...["0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.255"],
      ...["127.0.0.1", "127.255.255.254", "169.254.0.1", "169.254.169.254", "172.16.0.1"],
      ...["172.31.255.255", "192.0.0.1", "192.0.2.1", "192.168.1.1", "198.18.0.1"],
      ...["198.19.255.255", "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.255"],
      ...["240.0.0.1", "255.255.255.255"],
      ...["::", "::1", "fe80::1", "fe80::1%eth0", "febf::1", "fec0::1", "fc00::1", "fd12:3456::1"],
      "64:ff9b:1::a00:1",
      ...["ff02::1", "2001:db8::1", "2001:db8:ffff::1"],
      // IPv4 embedded: mapped (dotted, hex, expanded, upper case), compatible, NAT64, 6to4
      ...["::ffff:127.0.0.1", "::ffff:7f00:1", "0:0:0:0:0:ffff:7f00:0001", "::FFFF:127.0.0.1"],
      ...["::ffff:10.0.0.1", "::ffff:a9fe:a9fe", "::127.0.0.1", "::7f00:1", "::a00:1"],
      ...["64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "2002:c0a8:101::"],
      ...["not-an-ip", "", "[::1]", "127.1"],
    ];
    expect(refused.filter((address) => policy.allowsAddress(address))).toEqual([]);
  });

  it("allows public addresses, including just outside each range", () => {
    const allowed = [
      ...["8.8.8.8", "1.1.1.1", "93.184.216.34", "9.255.255.255", "11.0.0.0", "100.63.255.255"],
      ...["100.128.0.0", "126.255.255.255", "128.0.0.0", "169.253.255.255", "172.15.255.255"],
      ...["172.32.0.0", "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0"],
      ...["223.255.255.255", "2606:4700::1111", "2001:4860:4860::8888", "2001:db9::1"],
      ...["::ffff:8.8.8.8", "::ffff:808:808", "64:ff9b::808:808", "2002:808:808::1"],
    ];
    expect(allowed.filter((address) => !policy.allowsAddress(address))).toEqual([]);
  });

  it("reads the IPv4 address an IPv6 one embeds", () => {
    expect(embeddedIPv4("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(embeddedIPv4("::ffff:7f00:1")).toBe("127.0.0.1");
    expect(embeddedIPv4("::c0a8:101")).toBe("192.168.1.1");
    expect(embeddedIPv4("64:ff9b::a9fe:a9fe")).toBe("169.254.169.254");
    expect(embeddedIPv4("2002:a00:1:5::1")).toBe("10.0.0.1");
    for (const address of ["::", "::1", "2606:4700::1111", "127.0.0.1"]) {
      expect(embeddedIPv4(address), address).toBeUndefined();
    }
  });

  it("allows what the allow-list names: addresses, CIDRs, names", () => {
    const listed = createAddressPolicy([
      "127.0.0.1",
      "10.0.0.0/8",
      "fd00::/8",
      "[::1]",
      "Hooks.Test",
    ]);
    for (const address of [
      "127.0.0.1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "10.9.8.7",
      "fd00::5",
      "::1",
    ]) {
      expect(listed.allowsAddress(address), address).toBe(true);
    }
    for (const address of ["127.0.0.2", "fc00::1", "192.168.0.1"]) {
      expect(listed.allowsAddress(address), address).toBe(false);
    }
    expect(listed.listed("hooks.test")).toBe(true);
    expect(listed.listed("hooks.test.")).toBe(true);
    expect(listed.listed("other.test")).toBe(false);
    expect(listed.listed("10.1.1.1")).toBe(true);
    expect(listed.listed("[::1]")).toBe(true);
    expect(listed.listed("8.8.8.8")).toBe(false);
  });

  it("refuses localhost names unless listed by name", () => {
    for (const host of [
      "localhost",
      "LOCALHOST",
      "localhost.",
      "a.localhost",
      "127.0.0.1",
      "[::1]",
    ]) {
      expect(policy.allowsHost(host), host).toBe(false);
    }
    expect(policy.allowsHost("example.com")).toBe(true);
    expect(policy.allowsHost("localhost.example.com")).toBe(true);
    const listed = createAddressPolicy(["localhost", "127.0.0.0/8"]);
    expect(listed.allowsHost("localhost")).toBe(true);
    expect(listed.allowsHost("a.localhost")).toBe(false);
    expect(listed.allowsHost("127.0.0.1")).toBe(true);
  });

  it("rejects allow-list entries that are neither names, addresses nor CIDRs", () => {
    for (const entry of ["10.0.0.0/33", "::/129", "1.2.3.4/x", "*.example.com", "", "a b"]) {
      expect(() => createAddressPolicy([entry]), entry).toThrow(TypeError);
    }
  });
});

describe("webhookSender().check", () => {
  it("refuses URLs that do not parse, other schemes, and http: to hosts not allow-listed", async () => {
    const sender = webhookSender({ lookup: resolvesTo("93.184.216.34") });
    for (const url of ["not a url", "/relative", "ftp://example.com/", "http://example.com/hook"]) {
      await expect(sender.check(url), url).rejects.toBeInstanceOf(WebhookUrlRefused);
    }
    await expect(sender.check("http://example.com/")).rejects.toThrow(/http: is only allowed/);
    await expect(sender.check("https://example.com/hook")).resolves.toBeUndefined();
  });

  it("refuses credentials, and never repeats them, the path or the query", async () => {
    const sender = webhookSender({ lookup: resolvesTo("93.184.216.34") });
    const error = await rejection(sender.check("https://user:s3cret@example.com/p4th?token=t0ken"));
    expect(error).toBeInstanceOf(WebhookUrlRefused);
    expect(error.message).toMatch(/credentials/);
    expect(error.message).not.toMatch(/user|s3cret|p4th|t0ken/);
    const refused = await rejection(sender.check("https://127.0.0.1/p4th?token=t0ken"));
    expect(refused.message).toContain("127.0.0.1");
    expect(refused.message).not.toMatch(/p4th|t0ken/);
  });

  it("refuses internal IP literals, in any spelling the URL parser accepts", async () => {
    const sender = webhookSender();
    for (const url of [
      "https://127.0.0.1/",
      "https://[::1]/",
      "https://[::ffff:127.0.0.1]/",
      "https://169.254.169.254/latest/meta-data",
      "https://0x7f.1/",
      "https://2130706433/",
      "https://10.0.0.1:8443/",
    ]) {
      await expect(sender.check(url), url).rejects.toBeInstanceOf(WebhookUrlRefused);
    }
  });

  it("refuses localhost, and names that resolve to an internal address", async () => {
    const { port } = await receiver();
    const system = webhookSender();
    for (const url of [`http://localhost:${port}/`, "https://localhost/", "https://a.localhost/"]) {
      await expect(system.check(url), url).rejects.toBeInstanceOf(WebhookUrlRefused);
    }
    const internal = webhookSender({ lookup: resolvesTo("127.0.0.1") });
    await expect(internal.check("https://internal.test/")).rejects.toThrow(/127\.0\.0\.1/);
    // One internal address among public ones is enough.
    const mixed = webhookSender({ lookup: resolvesTo("93.184.216.34", "10.0.0.1") });
    await expect(mixed.check("https://mixed.test/")).rejects.toThrow(/10\.0\.0\.1/);
    const mapped = webhookSender({ lookup: resolvesTo("2606:4700::1111", "::ffff:7f00:1") });
    await expect(mapped.check("https://mapped.test/")).rejects.toBeInstanceOf(WebhookUrlRefused);
  });

  it("refuses hosts that do not resolve", async () => {
    const failing = webhookSender({
      lookup: () => Promise.reject(Object.assign(new Error("nope"), { code: "ENOTFOUND" })),
    });
    await expect(failing.check("https://nowhere.test/")).rejects.toThrow(
      /does not resolve \(ENOTFOUND\)/,
    );
    const empty = webhookSender({ lookup: async () => [] });
    await expect(empty.check("https://nowhere.test/")).rejects.toBeInstanceOf(WebhookUrlRefused);
  });

  it("accepts 127.0.0.1 once allow-listed: by address, by CIDR, or localhost by name", async () => {
    const { port } = await receiver();
    await webhookSender({ allowHosts: ["127.0.0.1"] }).check(`http://127.0.0.1:${port}/`);
    await webhookSender({ allowHosts: ["127.0.0.0/8"] }).check(`http://127.0.0.1:${port}/`);
    await webhookSender({ allowHosts: ["localhost"] }).check(`http://localhost:${port}/`);
    // Listing the address does not list the name.
    await expect(
      webhookSender({ allowHosts: ["127.0.0.1"] }).check(`http://localhost:${port}/`),
    ).rejects.toBeInstanceOf(WebhookUrlRefused);
  });

  it("accepts a name whose addresses are in an allow-listed CIDR, over https: only", async () => {
    const sender = webhookSender({ allowHosts: ["10.0.0.0/8"], lookup: resolvesTo("10.1.2.3") });
    await sender.check("https://hooks.internal/");
    await expect(sender.check("http://hooks.internal/")).rejects.toBeInstanceOf(WebhookUrlRefused);
  });
});

describe("webhookSender().post", () => {
  it("delivers the exact bytes and headers, and returns the status", async () => {
    const target = await receiver((res) => res.writeHead(202).end("ok"));
    const body = new Uint8Array([0, 255, 1, 0xc3, 0x28, 10]);
    const response = await webhookSender({ allowHosts: ["127.0.0.1"] }).post({
      url: `${target.url}/hook?x=1`,
      headers: { authorization: "Bearer t0ken", "content-type": "application/octet-stream" },
      body,
      timeoutMs: 5000,
    });
    expect(response).toEqual({ status: 202, retryAfterMs: undefined });
    expect(target.requests).toHaveLength(1);
    const [received] = target.requests;
    expect(received!.method).toBe("POST");
    expect(received!.url).toBe("/hook?x=1");
    expect(received!.headers.authorization).toBe("Bearer t0ken");
    expect(received!.headers["content-type"]).toBe("application/octet-stream");
    expect(received!.headers["content-length"]).toBe("6");
    expect([...received!.body]).toEqual([...body]);
  });

  it("connects by a name allow-listed by name, to the address the lookup gave", async () => {
    const target = await receiver((res) => res.writeHead(200).end());
    const sender = webhookSender({
      allowHosts: ["receiver.test"],
      lookup: resolvesTo("127.0.0.1"),
    });
    const response = await sender.post(post(`http://receiver.test:${target.port}/`));
    expect(response.status).toBe(200);
    expect(target.requests[0]!.headers.host).toBe(`receiver.test:${target.port}`);
  });

  it("returns a redirect as it is, and never requests its target", async () => {
    const elsewhere = await receiver();
    const target = await receiver((res) =>
      res.writeHead(302, { location: `${elsewhere.url}/stolen` }).end(),
    );
    const sender = webhookSender({ allowHosts: ["127.0.0.1"] });
    expect(await sender.post(post(target.url))).toEqual({ status: 302, retryAfterMs: undefined });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(elsewhere.connections()).toBe(0);
  });

  it("reads Retry-After as seconds or as an HTTP date", async () => {
    const sender = webhookSender({ allowHosts: ["127.0.0.1"] });
    const seconds = await receiver((res) => res.writeHead(503, { "retry-after": "7" }).end());
    expect(await sender.post(post(seconds.url))).toEqual({ status: 503, retryAfterMs: 7000 });
    const date = new Date(Date.now() + 30_000).toUTCString();
    const dated = await receiver((res) => res.writeHead(429, { "retry-after": date }).end());
    const { status, retryAfterMs: ms } = await sender.post(post(dated.url));
    expect(status).toBe(429);
    expect(ms).toBeGreaterThan(28_000);
    expect(ms).toBeLessThanOrEqual(30_000);
  });

  it("ignores a Retry-After that is neither, and never goes below zero", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(retryAfterMs("0", now)).toBe(0);
    expect(retryAfterMs(" 12 ", now)).toBe(12_000);
    expect(retryAfterMs("Wed, 01 Jan 2025 00:00:05 GMT", now)).toBe(5000);
    expect(retryAfterMs("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
    for (const value of [
      undefined,
      "",
      "-1",
      "7.5",
      "7s",
      "soon",
      "Mon, 99 Foo",
      "9".repeat(400),
    ]) {
      expect(retryAfterMs(value, now), value).toBeUndefined();
    }
  });

  it("rejects after timeoutMs when the receiver never answers", async () => {
    const silent = await receiver(() => {});
    const sender = webhookSender({ allowHosts: ["127.0.0.1"] });
    const started = Date.now();
    const error = await rejection(sender.post(post(silent.url, { timeoutMs: 200 })));
    const elapsed = Date.now() - started;
    expect(error).not.toBeInstanceOf(WebhookUrlRefused);
    expect(error.message).toMatch(/timed out after 200 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
  });

  it("rejects when the signal aborts, and does not connect when it already has", async () => {
    const silent = await receiver(() => {});
    const sender = webhookSender({ allowHosts: ["127.0.0.1"] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(sender.post(post(silent.url, { signal: controller.signal })));
    expect(error).not.toBeInstanceOf(WebhookUrlRefused);
    expect(error.message).toMatch(/aborted/);

    const fresh = await receiver();
    await expect(sender.post(post(fresh.url, { signal: AbortSignal.abort() }))).rejects.toThrow(
      /aborted/,
    );
    expect(fresh.connections()).toBe(0);
  });

  it("refuses an internal address without connecting", async () => {
    const target = await receiver();
    const sender = webhookSender();
    await expect(sender.post(post(target.url))).rejects.toBeInstanceOf(WebhookUrlRefused);
    await expect(sender.post(post(`https://127.0.0.1:${target.port}/`))).rejects.toBeInstanceOf(
      WebhookUrlRefused,
    );
    expect(target.connections()).toBe(0);
  });

  it("checks again at connect time: DNS rebinding to 127.0.0.1 is refused", async () => {
    const target = await receiver();
    let lookups = 0;
    const sender = webhookSender({
      lookup: async (): Promise<LookupAddress[]> =>
        lookups++ === 0
          ? [{ address: "93.184.216.34", family: 4 }]
          : [{ address: "127.0.0.1", family: 4 }],
    });
    const url = `https://rebind.test:${target.port}/hook`;
    await sender.check(url);
    const error = await rejection(sender.post(post(url)));
    expect(error).toBeInstanceOf(WebhookUrlRefused);
    expect(error.message).toMatch(/127\.0\.0\.1/);
    expect(lookups).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(target.connections()).toBe(0);
  });

  it("connects to an address the allow-list admits by CIDR, as resolved at connect time", async () => {
    // The receiver speaks plain HTTP, so the TLS handshake fails; what matters is the
    // connection to the checked address, and that the failure is not a refusal.
    const target = await receiver();
    const sender = webhookSender({ allowHosts: ["127.0.0.0/8"], lookup: resolvesTo("127.0.0.1") });
    const error = await rejection(sender.post(post(`https://receiver.test:${target.port}/`)));
    expect(error).not.toBeInstanceOf(WebhookUrlRefused);
    expect(target.connections()).toBe(1);
  });

  it("fails, without refusing, when the host no longer resolves", async () => {
    const sender = webhookSender({
      lookup: () => Promise.reject(Object.assign(new Error("nope"), { code: "EAI_AGAIN" })),
    });
    const error = await rejection(sender.post(post("https://flaky.test/")));
    expect(error).not.toBeInstanceOf(WebhookUrlRefused);
    expect(error.message).toMatch(/does not resolve \(EAI_AGAIN\)/);
  });

  it("cuts off a response body past maxResponseBytes instead of reading it all", async () => {
    let written = 0;
    let closed!: () => void;
    const cut = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const endless = await receiver((res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (res.write(chunk)) written += chunk.byteLength;
      };
      res.on("drain", pump);
      res.on("close", closed);
      pump();
    });
    const sender = webhookSender({ allowHosts: ["127.0.0.1"], maxResponseBytes: 1024 });
    expect((await sender.post(post(endless.url, { timeoutMs: 10_000 }))).status).toBe(200);
    await cut;
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });
});
