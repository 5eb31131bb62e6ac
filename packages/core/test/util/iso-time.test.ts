import { describe, expect, it } from "vitest";
import { isoTime } from "../../src/util/iso-time.js";

describe("isoTime", () => {
  it("formats every millisecond as toISOString does, repeated, earlier or later", () => {
    const base = Date.UTC(2026, 11, 4, 5, 6, 7, 8);
    const sequence = [base, base, base + 1, base + 1, base, base + 86_400_000, 0, 0, base];
    for (const millis of sequence) {
      expect(isoTime(millis)).toBe(new Date(millis).toISOString());
    }
  });
});
