/**
 * A first-in first-out queue of (key, stamp) pairs where pairs go stale instead of being
 * removed: the owner of the queue says which pairs are still live. A plain array with a head
 * index, because V8 Maps slow down when iterated from a head of deleted entries; it is
 * compacted once most of it has been consumed.
 */
export class StampQueue {
  #pairs: Array<[string, number]> = [];
  #head = 0;

  push(key: string, stamp: number): void {
    this.#pairs.push([key, stamp]);
  }

  /** The oldest live pair, skipping (and dropping) stale ones. */
  peek(isLive: (key: string, stamp: number) => boolean): [string, number] | undefined {
    while (this.#head < this.#pairs.length) {
      const pair = this.#pairs[this.#head]!;
      if (isLive(pair[0], pair[1])) return pair;
      this.#advance();
    }
    return undefined;
  }

  /** Removes the oldest pair (call after `peek` found it live). */
  shift(): void {
    this.#advance();
  }

  /** Live pairs from the oldest, without removing any: for planning before acting. */
  *live(isLive: (key: string, stamp: number) => boolean): Generator<[string, number]> {
    for (let i = this.#head; i < this.#pairs.length; i++) {
      const pair = this.#pairs[i]!;
      if (isLive(pair[0], pair[1])) yield pair;
    }
  }

  /** Pairs held, live or stale. */
  get length(): number {
    return this.#pairs.length - this.#head;
  }

  /**
   * Drops stale pairs when they outnumber the live ones (`liveCount` of them) by far, so a
   * key pushed again and again (each push staling the last) keeps the queue bounded.
   * Amortised O(1) per push.
   */
  compactIfSparse(liveCount: number, isLive: (key: string, stamp: number) => boolean): void {
    if (this.length <= 2 * liveCount + 1024) return;
    this.#pairs = this.#pairs.slice(this.#head).filter(([key, stamp]) => isLive(key, stamp));
    this.#head = 0;
  }

  #advance(): void {
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#pairs.length) {
      this.#pairs = this.#pairs.slice(this.#head);
      this.#head = 0;
    }
  }
}
