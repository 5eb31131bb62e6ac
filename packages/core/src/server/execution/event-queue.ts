/**
 * An unbounded single-consumer async queue: producers `push`, the consumer iterates.
 * `onClose` runs once when either side ends it, so listeners are always released.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  #ended = false;
  #error: unknown;
  #hasError = false;
  #onClose: (() => void) | undefined;

  constructor(onClose?: () => void) {
    this.#onClose = onClose;
  }

  push(item: T): void {
    if (this.#ended) return;
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.resolve({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
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
