let lastMillis = Number.NaN;
let lastText = "";

/**
 * `new Date(millis).toISOString()`, remembered for the last millisecond asked: the events
 * of one run are usually stamped within the same millisecond, and formatting a date costs
 * more than the rest of a status event.
 */
export function isoTime(millis: number): string {
  if (millis !== lastMillis) {
    lastText = new Date(millis).toISOString();
    lastMillis = millis;
  }
  return lastText;
}
