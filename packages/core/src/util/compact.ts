/**
 * Drops the keys whose value is `undefined`, so a converted object has exactly the fields its
 * source carried (JSON and deep-equality then agree on what "absent" means).
 */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) out[key] = field;
  }
  return out as T;
}

/**
 * 1.0 string fields without explicit presence read `""` as unset (ProtoJSON leaves default
 * values out), so a 0.3 value of `""` in a field 0.3 requires becomes an absent 1.0 field.
 */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}
