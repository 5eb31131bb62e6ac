import { describe, expect, it } from "vitest";
import { createA2A } from "../src/index.js";
import { AGENT_INTERNALS, internalsOf } from "../src/transport/agent.js";
import { makeAgent } from "./helpers.js";

describe("the agent type", () => {
  it("shows apps fetch, stats and close only; the adapters' hooks sit behind internalsOf", () => {
    const a2a = makeAgent({ executor: async () => {}, maxBodyBytes: 4096 });
    expect(Object.keys(a2a).sort()).toEqual(["close", "fetch", "stats"]);
    const internals = internalsOf(a2a);
    expect(typeof internals.handle).toBe("function");
    expect(internals.handles("/a2a")).toBe(true);
    expect(internals.handles("/elsewhere", "/a2a")).toBe(false);
    expect(internals.maxBodyBytes).toBe(4096);
    // A registered symbol: a second copy of the package finds the same hooks.
    expect(AGENT_INTERNALS).toBe(Symbol.for("@a2a-mount/core.agent-internals"));
    expect(typeof createA2A).toBe("function");
  });

  it("refuses anything that is not an agent from createA2A", () => {
    const impostor = { fetch: async () => new Response(), stats: () => ({}) };
    expect(() => internalsOf(impostor as never)).toThrow(TypeError);
    expect(() => internalsOf(null as never)).toThrow(TypeError);
  });
});
