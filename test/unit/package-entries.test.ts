import * as main from "@a2a-mount/core";
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
