import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { A2A } from "../src/index.js";
import { cardRequest, rpcRequest, userMessage } from "./helpers.js";

/** The README's "Secure an agent" example, extracted verbatim and imported as a module. */
async function loadSecurityExample(): Promise<A2A> {
  const readme = await readFile(
    fileURLToPath(new URL("../../../README.md", import.meta.url)),
    "utf8",
  );
  const block = /<!-- security:start -->\s*```ts\n([\s\S]*?)```\s*<!-- security:end -->/.exec(
    readme,
  );
  if (!block) throw new Error("README security block not found");
  const dir = new URL("./.generated/", import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL("readme-security.ts", dir);
  await writeFile(file, block[1]!);
  return (await import(/* @vite-ignore */ file.href)).default;
}

describe("README security example", () => {
  it("declares what it enforces: a JWT with tasks:write, or an API key", async () => {
    const a2a = await loadSecurityExample();
    const card = await (
      await a2a.fetch(cardRequest("http://agent.test/.well-known/agent-card.json"))
    ).json();
    expect(card.securitySchemes).toEqual({
      bearer: { httpAuthSecurityScheme: { scheme: "Bearer", bearerFormat: "JWT" } },
      apiKey: { apiKeySecurityScheme: { location: "header", name: "X-API-Key" } },
    });
    expect(card.securityRequirements).toEqual([
      { schemes: { bearer: { list: ["tasks:write"] } } },
      { schemes: { apiKey: {} } },
    ]);

    const send = (headers: Record<string, string>) =>
      a2a.fetch(
        rpcRequest(
          "SendMessage",
          { message: userMessage("hi") },
          { headers, url: "http://agent.test/" },
        ),
      );
    const anonymous = await send({});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe(
      'Bearer realm="a2a", APIKey realm="a2a", in="header", name="X-API-Key"',
    );
    expect((await anonymous.json()).error.code).toBe(-32030);

    const wrongKey = await send({ "x-api-key": "not-a-key" });
    expect(wrongKey.status).toBe(401);

    const withKey = await send({ "x-api-key": "key-of-ci-bot" });
    expect(withKey.status).toBe(200);
    const { result } = await withKey.json();
    expect(result.task.status.message.parts[0].text).toBe("Hello ci-bot: hi");
  });
});
