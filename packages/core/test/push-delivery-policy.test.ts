import { describe, expect, it } from "vitest";
import {
  type DeliveryPolicy,
  retryDelayMs,
  verdictOf,
} from "../src/server/push/delivery-policy.js";

describe("what an attempt's answer means", () => {
  it.each([
    [200, "delivered"],
    [204, "delivered"],
    [299, "delivered"],
    [undefined, "retry"], // no answer: a network error or a timeout
    [408, "retry"],
    [429, "retry"],
    [500, "retry"],
    [503, "retry"],
    [599, "retry"],
    [410, "gone"],
    [301, "give-up"],
    [302, "give-up"],
    [307, "give-up"],
    [400, "give-up"],
    [401, "give-up"],
    [404, "give-up"],
  ] as const)("%s: %s", (status, verdict) => {
    expect(verdictOf(status)).toBe(verdict);
  });
});

describe("the wait before a retry", () => {
  const policy = (random: number): DeliveryPolicy => ({
    timeoutMs: 1000,
    maxConsecutiveFailures: 8,
    retryBaseMs: 1000,
    retryMaxMs: 60_000,
    random: () => random,
  });

  it("doubles per failure, half of it random, up to retryMaxMs", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(policy(0), n, undefined))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(policy(0.999999), n, undefined))).toEqual(
      [1000, 2000, 4000, 8000].map((ms) => expect.closeTo(ms, 0)),
    );
    expect(retryDelayMs(policy(0), 20, undefined)).toBe(30_000);
    expect(retryDelayMs(policy(0.999999), 20, undefined)).toBeLessThanOrEqual(60_000);
  });

  it("honours a longer Retry-After, within retryMaxMs; a shorter one does not shorten it", () => {
    expect(retryDelayMs(policy(0), 1, 7000)).toBe(7000);
    expect(retryDelayMs(policy(0), 3, 100)).toBe(2000);
    expect(retryDelayMs(policy(0), 1, 3_600_000)).toBe(60_000);
  });
});
