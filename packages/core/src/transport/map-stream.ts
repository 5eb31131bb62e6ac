/** An async iterator whose values are mapped, and whose `return()` reaches the source. */
export function mapStream<A, B>(
  source: AsyncIterator<A>,
  map: (value: A) => B,
): AsyncIterableIterator<B> {
  const mapped: AsyncIterableIterator<B> = {
    async next() {
      const result = await source.next();
      if (result.done) return { value: undefined, done: true };
      return { value: map(result.value), done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return mapped;
    },
  };
  return mapped;
}
