import * as main from "@a2a-mount/core";
import * as internal from "@a2a-mount/core/internal";
import * as node from "@a2a-mount/core/node";
import * as wire from "@a2a-mount/core/wire";
import * as wire03 from "@a2a-mount/core/wire/v03";
import { describe, expect, it } from "vitest";

/** What each entry of the built package offers: the zod schemas live in their own subpath. */
describe("@a2a-mount/core entries", () => {
  it("keeps the zod schemas out of the main entry", () => {
    expect(Object.keys(main)).not.toContain("wire");
    expect(Object.keys(main)).not.toContain("Part");
    expect(typeof main.createA2A).toBe("function");
  });

  it("serves the 1.0 schemas from @a2a-mount/core/wire and the 0.3 ones from /wire/v03", () => {
    expect(wire.Part.safeParse({ text: "hi" }).success).toBe(true);
    expect(wire.Message.safeParse({ messageId: "m", role: "ROLE_USER", parts: [] }).success).toBe(
      false,
    );
    expect(wire03.Part.safeParse({ kind: "text", text: "hi" }).success).toBe(true);
  });
});

describe("what users get and what adapters get", () => {
  it("gives apps createA2A, toNodeHandler and webhookSender, and adapters their hooks on /internal only", () => {
    expect(Object.keys(node).sort()).toEqual(["toNodeHandler", "webhookSender"]);
    for (const hook of ["handleNodeRequest", "internalsOf", "pathnameOf", "principalFromUser"]) {
      expect(Object.keys(internal)).toContain(hook);
      expect(Object.keys(main)).not.toContain(hook);
      expect(Object.keys(node)).not.toContain(hook);
    }
    const a2a = main.createA2A({
      card: {
        name: "t",
        description: "t",
        version: "1",
        skills: [{ id: "s", name: "s", description: "s", tags: ["t"] }],
      },
      executor: async () => {},
    });
    expect(Object.keys(a2a).sort()).toEqual(["close", "fetch", "stats"]);
    expect(internal.internalsOf(a2a).maxBodyBytes).toBeGreaterThan(0);
  });
});
