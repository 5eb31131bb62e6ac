// Preloaded into every server under test (`node --expose-gc --import ./lib/probe.mjs`):
// on SIGUSR2 it forces a full GC and writes memoryUsage() and the peak RSS to BENCH_MEM_FILE.
// A signal, not an HTTP route, so every server (ours, the SDK's, the floors) is probed alike.
import { readFileSync, writeFileSync } from "node:fs";

const file = process.env.BENCH_MEM_FILE;
if (file && typeof globalThis.gc === "function") {
  process.on("SIGUSR2", () => {
    globalThis.gc();
    globalThis.gc();
    const status = readFileSync("/proc/self/status", "utf8");
    const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const { rss, heapUsed } = process.memoryUsage();
    writeFileSync(file, JSON.stringify({ rss, heapUsed, peakRss: peakKb * 1024 }));
  });
}
