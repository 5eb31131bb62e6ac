/** What bounds a queue: past `maxBytes` of waiting items, it ends with `overflow()`'s error. */
export interface QueueBound {
  maxBytes: number;
  /** The error the consumer gets, after the waiting items are dropped. */
  overflow: () => unknown;
}

/**
 * A single-consumer async queue: producers `push`, the consumer iterates. Producers never
 * wait: with a bound, a consumer that falls more than `maxBytes` behind loses what waits
 * for it and gets the bound's error instead (an item alone larger than the bound still
 * passes when nothing waits before it). `onClose` runs once when either side ends it, so
 * listeners are always released.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #sizes: number[] = [];
  #bytes = 0;
  #waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  #ended = false;
  #error: unknown;
  #hasError = false;
  #onClose: (() => void) | undefined;
  readonly #bound: QueueBound | undefined;

  constructor(onClose?: () => void, bound?: QueueBound) {
    this.#onClose = onClose;
    this.#bound = bound;
  }

  /** Bytes of the items waiting for the consumer. */
  get bufferedBytes(): number {
    return this.#bytes;
  }

  /**
   * Adds an item of `size` bytes (what it will take on the wire): a number, or a function of
   * the item asked only when the item has to wait (a consumer keeping up never needs it).
   */
  push(item: T, size: number | ((item: T) => number) = 0): void {
    if (this.#ended) return;
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.resolve({ value: item, done: false });
      return;
    }
    const bytes = typeof size === "number" ? size : size(item);
    const bound = this.#bound;
    if (bound && this.#items.length > 0 && this.#bytes + bytes > bound.maxBytes) {
      // The consumer fell too far behind: free what waits for it and tell it so.
      this.#items = [];
      this.#sizes = [];
      this.#bytes = 0;
      this.fail(bound.overflow());
      return;
    }
    this.#items.push(item);
    this.#sizes.push(bytes);
    this.#bytes += bytes;
  }

  /** Ends the queue after the items already pushed. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#close();
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.resolve({ value: undefined, done: true });
    }
  }

  /** Ends the queue with an error, delivered after the items already pushed. */
  fail(error: unknown): void {
    if (this.#ended) return;
    if (this.#waiter) {
      // A waiting consumer has nothing left to read: hand it the error now.
      const waiter = this.#waiter;
      this.#waiter = undefined;
      this.#ended = true;
      this.#close();
      waiter.reject(error);
      return;
    }
    this.#error = error;
    this.#hasError = true;
    this.end();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) {
      this.#bytes -= this.#sizes.shift()!;
      return Promise.resolve({ value: this.#items.shift() as T, done: false });
    }
    if (this.#hasError) {
      this.#hasError = false;
      return Promise.reject(this.#error);
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Called by the consumer to stop early (`for await ... break`, client disconnect). */
  return(): Promise<IteratorResult<T>> {
    this.#items = [];
    this.#sizes = [];
    this.#bytes = 0;
    this.#hasError = false;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  #close(): void {
    const onClose = this.#onClose;
    this.#onClose = undefined;
    onClose?.();
  }
}
