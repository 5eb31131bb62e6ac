import { Timestamp } from "../v1/primitives.js";

const ISO =
  /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2})(?::(\d{2}))?(?:\.(\d+))?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

function normalizeOffset(offset: string | undefined): string {
  if (offset === undefined || offset.toUpperCase() === "Z") return "Z";
  const digits = offset.slice(1).replace(":", "");
  return `${offset[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || "00"}`;
}

/**
 * A 0.3 timestamp as a 1.0 one (UTC, `Z`). A timestamp already in 1.0 form is kept as is;
 * others are rewritten to millisecond precision. One without an offset is read as UTC: the
 * spec's examples of that form come from servers stamping UTC time. The string is rebuilt
 * in the ECMAScript date format before parsing, because runtimes disagree on other forms
 * (such as microseconds). Unparseable input is returned unchanged for the 1.0 schema to reject.
 */
export function timestampFromV03(timestamp: string): string {
  if (Timestamp.safeParse(timestamp).success) return timestamp;
  const match = ISO.exec(timestamp);
  if (!match) return timestamp;
  const [, date, hoursMinutes, seconds = "00", fraction = "", offset] = match;
  const millis = fraction.slice(0, 3).padEnd(3, "0");
  const parsed = new Date(`${date}T${hoursMinutes}:${seconds}.${millis}${normalizeOffset(offset)}`);
  return Number.isNaN(parsed.getTime()) ? timestamp : parsed.toISOString();
}
