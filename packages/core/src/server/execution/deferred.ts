/** A promise with its resolvers, settled at most once. */
export class Deferred<T> {
  readonly promise: Promise<T>;
  settled = false;
  #resolve!: (value: T) => void;
  #reject!: (reason: unknown) => void;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  resolve(value: T): void {
    if (this.settled) return;
    this.settled = true;
    this.#resolve(value);
  }

  reject(reason: unknown): void {
    if (this.settled) return;
    this.settled = true;
    // A deferred nobody awaits must not become an unhandled rejection.
    this.promise.catch(() => {});
    this.#reject(reason);
  }
}
