/**
 * Measures JSON before anything recursive touches it. `JSON.stringify`, `structuredClone` and
 * most validators recurse, so a body nested a few thousand levels deep (10 KB of `[`) breaks
 * them with a stack overflow; these walk without recursion and stop as soon as they know.
 */

const OPEN_ARRAY = 0x5b; // [
const OPEN_OBJECT = 0x7b; // {
const CLOSE_ARRAY = 0x5d; // ]
const CLOSE_OBJECT = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth` (the top-level value is
 * depth 1). Brackets inside strings do not count. Text that is not JSON is not judged: the
 * parser refuses it anyway.
 */
export function jsonTextNestsDeeper(text: string, maxDepth: number): boolean {
  // Each level takes at least one character, so short text cannot be too deep.
  if (text.length <= maxDepth) return false;
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      // Skip the string: to the next quote not escaped by a backslash.
      for (i++; i < length; i++) {
        const c = text.charCodeAt(i);
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) break;
      }
    } else if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** Whether a parsed value nests arrays and objects deeper than `maxDepth` (top level: 1). */
export function valueNestsDeeper(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== "object" || current === null) continue;
    if (depth > maxDepth) return true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * About how many bytes `value` takes as JSON, counted until the count passes `limit` (then
 * `limit + 1`). Strings count their UTF-16 length: exact for ASCII, which is what bounds a
 * parsed body's size well enough to refuse one that is far too large.
 */
export function approximateJsonBytes(value: unknown, limit: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === "string") total += current.length + 2;
    else if (typeof current === "number" || typeof current === "boolean") {
      total += String(current).length;
    } else if (current === null || current === undefined) total += 4;
    else if (Array.isArray(current)) {
      total += 2 + current.length;
      for (const item of current) stack.push(item);
    } else if (typeof current === "object") {
      const entries = Object.entries(current);
      total += 2 + entries.length;
      for (const [key, item] of entries) {
        total += key.length + 3;
        stack.push(item);
      }
    }
    if (total > limit) return limit + 1;
  }
  return total;
}
