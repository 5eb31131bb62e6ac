import type { AddressInfo } from "node:net";
import { a2aExpress, a2aWellKnown } from "@a2a-mount/express";
import express from "express";
import { createSecureAgent } from "./agent.js";
import { createDemoIssuer } from "./demo-issuer.js";

const app = express();
const server = app.listen(Number(process.env.PORT ?? 3000), async () => {
  const { port } = server.address() as AddressInfo;
  const origin = `http://localhost:${port}`;

  // Stand-in identity provider (yours lives elsewhere): a JWKS and tokens.
  const issuer = await createDemoIssuer(`${origin}/auth`, `${origin}/a2a`);
  app.get("/auth/jwks.json", (_req, res) => {
    res.json(issuer.jwks);
  });

  const { a2a, cardJwks } = await createSecureAgent({
    jwksUrl: `${origin}/auth/jwks.json`,
    issuer: issuer.issuer,
    audience: issuer.audience,
    tokenUrl: `${origin}/auth/token`,
    cardJwksUrl: `${origin}/card-keys.json`,
    publicUrl: `${origin}/a2a`,
  });
  app.get("/card-keys.json", (_req, res) => {
    res.json(cardJwks);
  });
  app.use("/a2a", a2aExpress(a2a));
  app.use(a2aWellKnown(a2a, { agentPath: "/a2a" }));

  const alice = await issuer.token("alice", ["tasks:write", "reports:read"]);
  const bob = await issuer.token("bob", ["tasks:write"]);
  const body = (text: string, metadata?: object) =>
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "SendMessage",
      params: {
        message: {
          messageId: "m1",
          role: "ROLE_USER",
          parts: [{ text }],
          ...(metadata && { metadata }),
        },
      },
    });
  const curl = (auth: string, payload: string) =>
    `curl -H 'content-type: application/json' -H 'a2a-version: 1.0' ${auth}-d '${payload}' ${origin}/a2a`;
  console.log(
    [
      "Secure A2A agent ready.",
      `Agent card: ${origin}/.well-known/agent-card.json`,
      `Endpoint:   ${origin}/a2a`,
      "Try (alice's token may send and run reports):",
      curl(`-H 'authorization: Bearer ${alice}' `, body("hello")),
      "Bob's token may send, but not run the report skill (403):",
      curl(`-H 'authorization: Bearer ${bob}' `, body("report", { skill: "report" })),
      "An API key works too; no credentials at all get a 401:",
      curl("-H 'x-api-key: demo-key-carol' ", body("hello")),
      curl("", body("hello")),
    ].join("\n"),
  );
});
