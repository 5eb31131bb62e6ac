/**
 * An async iterator whose values are mapped, and whose `return()` reaches the source. With
 * `isLast`, it ends after the first value that is (and releases the source then).
 */
export function mapStream<A, B>(
  source: AsyncIterator<A>,
  map: (value: A) => B,
  isLast?: (value: A) => boolean,
): AsyncIterableIterator<B> {
  let ended = false;
  const mapped: AsyncIterableIterator<B> = {
    async next() {
      if (ended) return { value: undefined, done: true };
      const result = await source.next();
      if (result.done) return { value: undefined, done: true };
      if (isLast?.(result.value)) {
        ended = true;
        await source.return?.();
      }
      return { value: map(result.value), done: false };
    },
    async return() {
      if (!ended) {
        ended = true;
        await source.return?.();
      }
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return mapped;
    },
  };
  return mapped;
}
