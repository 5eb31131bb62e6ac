import { cpuMicros } from "./process-stats.mjs";
import { runWrk } from "./wrk.mjs";

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * One cell: `runs` wrk runs of `seconds` at `connections` against a running server; the
 * median run's requests/s, p50 and p99, and the median CPU time per request of the server
 * process and, with `otherCpu` (a function returning microseconds used so far), of other
 * processes serving the same requests (PostgreSQL's).
 */
export async function measureCell({ running, body, connections, seconds, runs, a2a, otherCpu }) {
  const samples = [];
  for (let run = 0; run < runs; run++) {
    const cpuBefore = cpuMicros(running.pid);
    const otherBefore = otherCpu?.();
    const result = await runWrk({ url: running.url, body, connections, seconds });
    const cpu = cpuMicros(running.pid) - cpuBefore;
    const other = otherCpu ? otherCpu() - otherBefore : undefined;
    samples.push({
      ...result,
      rps: (result.requests * 1e6) / result.durationUs,
      cpuUsPerRequest: cpu / result.requests,
      otherCpuUsPerRequest: other === undefined ? undefined : other / result.requests,
    });
  }
  const rps = median(samples.map((s) => s.rps));
  const pick = samples.find((s) => s.rps === rps);
  return {
    connections,
    rps,
    p50Us: pick.p50Us,
    p99Us: pick.p99Us,
    cpuUsPerRequest: median(samples.map((s) => s.cpuUsPerRequest)),
    ...(otherCpu && {
      otherCpuUsPerRequest: median(samples.map((s) => s.otherCpuUsPerRequest)),
    }),
    errors: samples.reduce((n, s) => n + s.socketErrors + (a2a ? s.non2xx : 0), 0),
  };
}
