import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { verifyAgentCard } from "@a2a-mount/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { a2aHeaders, type Json, rpcBody } from "../harness/client.js";
import {
  exampleDir,
  groupAlive,
  type Launched,
  launch,
  stop,
  tsxCli,
} from "../harness/example-process.js";

/**
 * examples/secure-express started as its README says (`npm run example:secure` runs this
 * same command in its directory), with PORT=0, and its printed commands run as printed.
 */
const dir = exampleDir("secure-express");

describe("examples/secure-express, started as its README says", () => {
  let launched: Launched | undefined;

  beforeAll(async () => {
    launched = await launch({
      name: "secure-express",
      dir,
      args: [tsxCli(dir), "server.ts"],
      readyMs: 30_000,
    });
  }, 50_000);

  afterAll(async () => {
    if (!launched) return;
    const { child } = launched;
    await stop(child);
    expect(groupAlive(child.pid!)).toBe(false);
  }, 20_000);

  /** The curl commands it printed, in order, each run as printed. */
  const printedCurls = () =>
    launched!
      .output()
      .split("\n")
      .filter((line) => line.startsWith("curl "));
  const run = async (command: string): Promise<Json> => {
    const { stdout } = await promisify(execFile)("sh", ["-c", command], { timeout: 10_000 });
    return JSON.parse(stdout);
  };

  it("prints four commands: alice sends, bob is refused the report, an API key, nothing", async () => {
    const curls = printedCurls();
    expect(curls).toHaveLength(4);
    const [alice, bobReport, apiKey, anonymous] = await Promise.all(curls.map(run));
    expect(alice.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    expect(alice.result.task.status.message.parts[0].text).toBe("alice said: hello");
    expect(bobReport.error.code).toBe(-32031);
    expect(bobReport.error.message).toContain("reports:read");
    expect(apiKey.result.task.status.message.parts[0].text).toBe("carol said: hello");
    expect(anonymous.error.code).toBe(-32030);
    expect(anonymous.id).toBeNull();
  });

  it("publishes a signed card that declares the enforced security", async () => {
    const response = await fetch(launched!.card, { headers: { "a2a-version": "1.0" } });
    expect(response.status).toBe(200);
    const card = await response.json();
    expect(Object.keys(card.securitySchemes)).toEqual(["oauth", "apiKey"]);
    expect(card.securityRequirements).toEqual([
      { schemes: { oauth: { list: ["tasks:write"] } } },
      { schemes: { apiKey: {} } },
    ]);
    const report = card.skills.find((skill: Json) => skill.id === "report");
    expect(report.securityRequirements).toEqual([
      { schemes: { oauth: { list: ["reports:read"] } } },
    ]);
    expect(card.capabilities.extendedAgentCard).toBe(true);
    // The key is the one the example publishes at the signature's jku.
    const header = JSON.parse(Buffer.from(card.signatures[0].protected, "base64url").toString());
    expect(header.jku).toBe(new URL("/card-keys.json", launched!.card).href);
    const verified = await verifyAgentCard(card, { jwksUrl: header.jku });
    expect(verified.header.kid).toBe("card-1");
  });

  it("answers the extended card to a signed-in caller only, tailored to them", async () => {
    const endpoint = launched!.endpoint;
    const token = /authorization: Bearer (\S+)'/.exec(printedCurls()[0]!)![1]!;
    const extended = await fetch(endpoint, {
      method: "POST",
      headers: { ...a2aHeaders(), authorization: `Bearer ${token}` },
      body: rpcBody("GetExtendedAgentCard", {}),
    });
    expect(extended.status).toBe(200);
    const { result } = await extended.json();
    expect(result.description).toBe("Echoes your text; you are signed in as alice");
    const anonymous = await fetch(endpoint, {
      method: "POST",
      headers: a2aHeaders(),
      body: rpcBody("GetExtendedAgentCard", {}),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain('Bearer realm="a2a"');
  });
});
