import type { TaskKey, TaskLogEvent, TaskStore } from "../ports/task-store.js";
import type { StreamResponse } from "../wire/v1/responses.js";
import { eventIdPrefix } from "./event-cursor.js";
import { EventQueue, type QueueBound } from "./execution/event-queue.js";
import { payloadBytes } from "./execution/payload-bytes.js";
import type { StreamEnd } from "./stream-ends.js";

/** An event as a stream sends it: with its SSE id (`<taskId>:<seq>`), when it has one. */
export interface StreamEvent<T = StreamResponse> {
  id: string | undefined;
  event: T;
  /** The event as JSON, when the store handed it over: sent as it is. */
  json?: string | undefined;
}

const sizeOf = (item: StreamEvent) => item.json?.length ?? payloadBytes(item.event);

/**
 * One reader's stream of a task's log. It watches the task from the moment it is made, and
 * holds what it hears until `begin` says where the reader starts (after a snapshot, or after
 * the events it missed): from then on each later event is passed on once, in order, until
 * `end` says the stream is over. Closing it (either side) stops the watch.
 */
export class TaskFeed implements AsyncIterableIterator<StreamEvent> {
  readonly #queue: EventQueue<StreamEvent>;
  /** What each event's SSE id starts with (checked once per stream, not per event). */
  readonly #idPrefix: string | undefined;
  readonly #end: StreamEnd;
  /** Events heard before `begin`; `undefined` once begun. */
  #early: TaskLogEvent[] | undefined = [];
  /** The sequence number of the last event passed on. */
  #cursor = 0;
  /** The stream ends once the cursor reaches this. */
  #endAfter = Number.POSITIVE_INFINITY;

  constructor(
    store: TaskStore,
    key: TaskKey,
    end: StreamEnd,
    bound: QueueBound,
    onClose: () => void,
  ) {
    this.#end = end;
    this.#idPrefix = eventIdPrefix(key.taskId);
    this.#queue = new EventQueue(() => {
      unwatch();
      onClose();
    }, bound);
    const unwatch = store.watch(key, (event) => {
      if (this.#early) this.#early.push(event);
      else this.#offer(event);
    });
  }

  /**
   * Starts the stream with `first` (the task as a snapshot, or the events the reader missed),
   * then every event after `after` (the last sequence number `first` covers).
   */
  begin(first: readonly TaskLogEvent[], after: number): void {
    const early = this.#early ?? [];
    this.#early = undefined;
    this.#cursor = after;
    for (const event of first) {
      this.#queue.push(this.#item(event), sizeOf);
      if (this.#end.isLast(event.event)) {
        this.#queue.end();
        return;
      }
    }
    for (const event of early) this.#offer(event);
    if (this.#cursor >= this.#endAfter) this.#queue.end();
  }

  /** Ends the stream after what it holds. */
  end(): void {
    this.#queue.end();
  }

  /** Ends the stream once it has passed on the event `seq` (at once if it has). */
  endAfter(seq: number): void {
    if (this.#early === undefined && this.#cursor >= seq) this.#queue.end();
    else this.#endAfter = seq;
  }

  /** Ends the stream with an error, after what it holds. */
  fail(error: unknown): void {
    this.#queue.fail(error);
  }

  next(): Promise<IteratorResult<StreamEvent>> {
    return this.#queue.next();
  }

  return(): Promise<IteratorResult<StreamEvent>> {
    return this.#queue.return();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StreamEvent> {
    return this;
  }

  #item(event: TaskLogEvent): StreamEvent {
    const id = this.#idPrefix === undefined ? undefined : `${this.#idPrefix}${event.seq}`;
    return { id, event: event.event, json: event.json };
  }

  #offer(event: TaskLogEvent): void {
    if (event.seq <= this.#cursor) return;
    this.#cursor = event.seq;
    this.#queue.push(this.#item(event), sizeOf);
    if (this.#end.isLast(event.event) || event.seq >= this.#endAfter) this.#queue.end();
  }
}
