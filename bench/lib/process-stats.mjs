import { readdirSync, readFileSync } from "node:fs";

/** A /proc/<pid>/stat's fields after the command name (in parentheses, may hold spaces). */
function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** CPU time (user + system) a process has used, in microseconds (Linux /proc, 100 Hz ticks). */
export function cpuMicros(pid) {
  const fields = statFields(pid);
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return ticks * 10_000;
}

/**
 * CPU time of a process and its children, in microseconds: its own, that of its children
 * still running, and that of those it has reaped (cutime, cstime). For PostgreSQL's
 * postmaster, whose backends and background processes are all its direct children.
 */
export function treeCpuMicros(pid) {
  const own = statFields(pid);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || entry === String(pid)) continue;
    try {
      const fields = statFields(entry);
      if (fields[1] === String(pid)) ticks += Number(fields[11]) + Number(fields[12]); // ppid
    } catch {} // gone meanwhile
  }
  return ticks * 10_000;
}
