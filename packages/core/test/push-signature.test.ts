import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type A2A,
  PushReplayCache,
  type PushSigningOptions,
  type PushVerificationError,
  verifyPushNotification,
} from "../src/index.js";
import { toNodeHandler, webhookSender } from "../src/node/index.js";
import { makeAgent, userMessage } from "./helpers.js";
import { PushReceiver, type Received } from "./push-receiver.js";

/** A signing key pair as the `signing` option takes it. */
async function signingKey(kid: string): Promise<PushSigningOptions & { publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  return {
    privateKey: await exportJWK(privateKey),
    alg: "ES256",
    kid,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256" },
  };
}

const executor = async (_ctx: unknown, task: { complete(m?: string): Promise<void> }) => {
  await task.complete("done");
};

/** The agent served over real HTTP on 127.0.0.1, so receivers can fetch its JWKS. */
async function serve(a2a: A2A): Promise<{ server: Server; url: string }> {
  const server = createServer(toNodeHandler(a2a));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/a2a` };
}

/** A received delivery as the Fetch `Request` a receiver's handler gets. */
function asRequest(received: Received, body = received.body): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(received.headers)) {
    if (typeof value === "string" && name !== "content-length") headers.set(name, value);
  }
  return new Request(`http://receiver.test${received.path}`, { method: "POST", headers, body });
}

let hook: PushReceiver;
let key: Awaited<ReturnType<typeof signingKey>>;
const servers: Server[] = [];
beforeAll(async () => {
  hook = await PushReceiver.start();
  key = await signingKey("key-1");
});
afterAll(() => hook.close());
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Sends a task (done at once: two events) with a push config to `hook` over HTTP; its deliveries. */
async function deliveriesOf(agentUrl: string): Promise<Received[]> {
  const before = hook.received.length;
  const response = await fetch(agentUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "a2a-version": "1.0" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "SendMessage",
      params: {
        message: userMessage("hi"),
        configuration: { taskPushNotificationConfig: { url: hook.url() } },
      },
    }),
  });
  expect((await response.json()).result.task.status.state).toBe("TASK_STATE_COMPLETED");
  await hook.waitFor(before + 2);
  return hook.received.slice(before, before + 2);
}

function signedAgent(signing: PushSigningOptions) {
  return makeAgent({
    executor,
    push: { sender: webhookSender({ allowHosts: ["127.0.0.1"] }), signing },
  });
}

describe("signed push deliveries", () => {
  it("carry a JWT naming the agent, the webhook, the delivery and the body, with kid and jku", async () => {
    const a2a = signedAgent(key);
    const { server, url } = await serve(a2a);
    servers.push(server);
    const [first] = await deliveriesOf(url);
    const token = String(first!.headers["a2a-notification-signature"]);
    expect(decodeProtectedHeader(token)).toEqual({
      alg: "ES256",
      typ: "JWT",
      kid: "key-1",
      jku: `${url}/.well-known/jwks.json`,
    });
    const claims = decodeJwt(token);
    const taskId = JSON.parse(first!.body).task.id;
    expect(claims).toMatchObject({
      iss: url,
      aud: hook.url(),
      jti: `${taskId}:1`,
      taskId,
    });
    expect(claims.exp! - claims.iat!).toBe(300);
    // The agent serves the public key, and no private part of it.
    const jwks = await (await fetch(`${url}/.well-known/jwks.json`)).json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kid: "key-1", alg: "ES256", use: "sig", kty: "EC" });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it("verify with verifyPushNotification against the agent's JWKS URL, once each", async () => {
    const a2a = signedAgent(key);
    const { server, url } = await serve(a2a);
    servers.push(server);
    const deliveries = await deliveriesOf(url);
    const replayCache = new PushReplayCache();
    const options = { jwksUrl: `${url}/.well-known/jwks.json`, audience: hook.url(), replayCache };
    for (const delivery of deliveries) {
      const verified = await verifyPushNotification(asRequest(delivery), {
        ...options,
        issuer: url,
      });
      expect(verified.body).toEqual(JSON.parse(delivery.body));
      expect(verified.deliveryId).toBe(delivery.headers["a2a-notification-id"]);
    }
    // The same delivery again: a replay.
    await expect(verifyPushNotification(asRequest(deliveries[0]!), options)).rejects.toMatchObject({
      reason: "replayed",
    });
  });

  it("refuse a tampered body, another audience, another issuer, a missing or foreign signature", async () => {
    const a2a = signedAgent(key);
    const { server, url } = await serve(a2a);
    servers.push(server);
    const [delivery] = await deliveriesOf(url);
    const keys = { jwks: { keys: [key.publicJwk] } };
    const fresh = () => new PushReplayCache();
    const reasonOf = (promise: Promise<unknown>) =>
      promise.then(
        () => "verified",
        (error: PushVerificationError) => error.reason,
      );
    const tampered = delivery!.body.replace("TASK_STATE", "TASK_STATX");
    expect(
      await reasonOf(
        verifyPushNotification(asRequest(delivery!, tampered), {
          ...keys,
          audience: hook.url(),
          replayCache: fresh(),
        }),
      ),
    ).toBe("body");
    expect(
      await reasonOf(
        verifyPushNotification(asRequest(delivery!), {
          ...keys,
          audience: "https://other.example/hook",
          replayCache: fresh(),
        }),
      ),
    ).toBe("claims");
    expect(
      await reasonOf(
        verifyPushNotification(asRequest(delivery!), {
          ...keys,
          audience: hook.url(),
          issuer: "https://impostor.example/a2a",
          replayCache: fresh(),
        }),
      ),
    ).toBe("claims");
    const unsigned = { ...delivery!, headers: { ...delivery!.headers } };
    delete unsigned.headers["a2a-notification-signature"];
    expect(
      await reasonOf(
        verifyPushNotification(asRequest(unsigned), {
          ...keys,
          audience: hook.url(),
          replayCache: fresh(),
        }),
      ),
    ).toBe("missing");
    const other = await signingKey("key-1");
    expect(
      await reasonOf(
        verifyPushNotification(asRequest(delivery!), {
          jwks: { keys: [other.publicJwk] },
          audience: hook.url(),
          replayCache: fresh(),
        }),
      ),
    ).toBe("signature");
    // And the genuine one verifies with the same options.
    expect(
      await reasonOf(
        verifyPushNotification(asRequest(delivery!), {
          ...keys,
          audience: hook.url(),
          replayCache: fresh(),
        }),
      ),
    ).toBe("verified");
  });

  it("refuse a signature past its lifetime", async () => {
    const a2a = signedAgent({ ...key, ttlSeconds: 1 });
    const { server, url } = await serve(a2a);
    servers.push(server);
    const [delivery] = await deliveriesOf(url);
    await new Promise((r) => setTimeout(r, 2100));
    await expect(
      verifyPushNotification(asRequest(delivery!), {
        jwks: { keys: [key.publicJwk] },
        audience: hook.url(),
        replayCache: new PushReplayCache(),
      }),
    ).rejects.toMatchObject({ reason: "expired" });
  });

  it("keep verifying across a key rotation: the old key stays published", async () => {
    const before = signedAgent(key);
    const old = await serve(before);
    servers.push(old.server);
    const [signedBefore] = await deliveriesOf(old.url);
    // The agent restarts with a new key, still publishing the old one.
    const next = await signingKey("key-2");
    const after = signedAgent({ ...next, previousKeys: [key.publicJwk] });
    const rotated = await serve(after);
    servers.push(rotated.server);
    const [signedAfter] = await deliveriesOf(rotated.url);
    expect(
      decodeProtectedHeader(String(signedAfter!.headers["a2a-notification-signature"])).kid,
    ).toBe("key-2");
    const jwksUrl = `${rotated.url}/.well-known/jwks.json`;
    const kids = (await (await fetch(jwksUrl)).json()).keys.map((k: JWK) => k.kid);
    expect(kids).toEqual(["key-2", "key-1"]);
    for (const delivery of [signedBefore!, signedAfter!]) {
      await expect(
        verifyPushNotification(asRequest(delivery), {
          jwksUrl,
          audience: hook.url(),
          replayCache: new PushReplayCache(),
        }),
      ).resolves.toMatchObject({ deliveryId: delivery.headers["a2a-notification-id"] });
    }
  });

  it("are not signed, and no JWKS is served, without the signing option", async () => {
    const a2a = makeAgent({
      executor,
      push: { sender: webhookSender({ allowHosts: ["127.0.0.1"] }) },
    });
    const { server, url } = await serve(a2a);
    servers.push(server);
    const [delivery] = await deliveriesOf(url);
    expect(delivery!.headers["a2a-notification-signature"]).toBeUndefined();
    expect((await fetch(`${url}/.well-known/jwks.json`)).status).toBe(404);
  });
});
