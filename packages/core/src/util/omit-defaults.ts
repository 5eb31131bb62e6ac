/**
 * Proto3 serialisers leave fields at their default out: these helpers do the same, for the
 * ProtoJSON answers of 0.3 HTTP+JSON and the 0.3 fields of the hybrid card.
 */

/** Copies the fields that are not at their proto3 default, in order. */
export function omitDefaults<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || field === "" || field === false) continue;
    if (Array.isArray(field) && field.length === 0) continue;
    out[key] = field;
  }
  return out as T;
}

/** A proto3 map left out when empty. */
export function nonEmptyMap<V>(map: Record<string, V> | undefined): Record<string, V> | undefined {
  return map === undefined || Object.keys(map).length === 0 ? undefined : map;
}

/** A proto3 `bool`: `true` or left out. */
export const flag = (value: boolean | undefined): true | undefined => (value ? true : undefined);
