import type { z } from "zod";
import { errors, type FieldViolation } from "../errors/a2a-error.js";

function pathOf(path: readonly PropertyKey[], prefix: string): string {
  let out = prefix;
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

/** Missing required fields say so, instead of "expected string, received undefined". */
export const errorMap = (issue: { code: string; input?: unknown }) =>
  issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined;

/**
 * Parses `input` with `schema`, or throws InvalidParams naming every failing field
 * (dotted camelCase paths, `prefix` first). Unknown fields are dropped, per spec §5.7.
 */
export function parseParams<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix = "",
): z.output<S> {
  const result = schema.safeParse(input, { error: errorMap });
  if (result.success) return result.data;
  const violations: FieldViolation[] = result.error.issues.map((issue) => ({
    field: pathOf(issue.path, prefix),
    description: issue.message,
  }));
  throw errors.invalidParams(violations);
}
