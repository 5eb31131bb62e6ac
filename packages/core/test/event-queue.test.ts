import { describe, expect, it } from "vitest";
import { EventQueue } from "../src/server/execution/event-queue.js";

const overflow = () => new Error("fell behind");

describe("EventQueue: bounded in bytes", () => {
  it("drops what waits and ends with the bound's error once the reader falls behind", async () => {
    let closed = 0;
    const queue = new EventQueue<string>(() => closed++, { maxBytes: 100, overflow });
    queue.push("a", 40);
    queue.push("b", 40);
    expect(queue.bufferedBytes).toBe(80);
    queue.push("c", 40); // 120 > 100
    expect(queue.bufferedBytes).toBe(0);
    expect(closed).toBe(1);
    await expect(queue.next()).rejects.toThrow("fell behind");
    queue.push("d", 1); // ended: ignored
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it("lets an item larger than the bound through when nothing waits before it", async () => {
    const queue = new EventQueue<string>(undefined, { maxBytes: 10, overflow });
    queue.push("big", 1000);
    expect(await queue.next()).toEqual({ value: "big", done: false });
    queue.push("next", 5);
    expect(await queue.next()).toEqual({ value: "next", done: false });
  });

  it("frees the bytes of each item as the reader takes it", async () => {
    const queue = new EventQueue<number>(undefined, { maxBytes: 100, overflow });
    for (let i = 0; i < 50; i++) {
      queue.push(i, 60);
      expect(await queue.next()).toEqual({ value: i, done: false });
    }
    expect(queue.bufferedBytes).toBe(0);
  });

  it("measures an item only when it has to wait", async () => {
    const queue = new EventQueue<string>(undefined, { maxBytes: 100, overflow });
    let measured = 0;
    const size = (item: string) => {
      measured++;
      return item.length;
    };
    const waiting = queue.next();
    queue.push("straight through", size);
    expect(await waiting).toEqual({ value: "straight through", done: false });
    expect(measured).toBe(0);
    queue.push("waits", size);
    expect(measured).toBe(1);
    expect(queue.bufferedBytes).toBe(5);
  });
});
