/**
 * Gives the event loop back (a macrotask turn), so a long piece of work lets other
 * requests in between its slices. `setTimeout` is on every runtime the core runs on.
 */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * `items` mapped by `step` (which says how much work each item was, in its own units), the
 * event loop given back once more than `sliceSize` of work was done since it last was: a
 * long list never blocks other requests.
 */
export async function mapInSlices<T, R>(
  items: readonly T[],
  sliceSize: number,
  step: (item: T, index: number) => { value: R; size: number },
): Promise<R[]> {
  const out: R[] = [];
  let sinceYield = 0;
  for (let i = 0; i < items.length; i++) {
    if (sinceYield > sliceSize) {
      await yieldToEventLoop();
      sinceYield = 0;
    }
    const { value, size } = step(items[i]!, i);
    out.push(value);
    sinceYield += size;
  }
  return out;
}
