import { mapInSlices } from "../util/yield-to-event-loop.js";
import { jsonOf, parseTask, taskJson } from "../wire/task-json.js";
import type { Task, TaskState } from "../wire/v1/index.js";
import { isInterrupted, isTerminal } from "../wire/v1/index.js";
import type { StreamResponse } from "../wire/v1/responses.js";
import { type Clock, systemClock } from "./clock.js";
import {
  compareNewestFirst,
  decodePageToken,
  encodePageToken,
  type ListCursor,
  statusTimeOf,
} from "./page-token.js";
import { StampQueue } from "./stamp-queue.js";
import {
  type AppendResult,
  type StoredTask,
  type TaskKey,
  type TaskListPage,
  type TaskListQuery,
  type TaskLogEntry,
  type TaskLogEvent,
  type TaskLogListener,
  type TaskScope,
  type TaskStore,
  TaskStoreFullError,
  taskKeyString,
} from "./task-store.js";

export interface InMemoryTaskStoreOptions {
  /**
   * Memory the stored tasks may take in all, in bytes (each task's JSON, plus a fixed
   * allowance per task for its bookkeeping). Default 256 MiB.
   */
  maxBytes?: number;
  /**
   * Memory one owner's tasks may take, across tenants, in bytes. Default 16 MiB: what one
   * principal's finished tasks keep (until their TTL) stays small. All unauthenticated
   * callers are one owner.
   */
  maxBytesPerOwner?: number;
  /**
   * Most tasks held at once. Default: no count of its own; the byte budgets bound it, each
   * task counted with an allowance for its bookkeeping.
   */
  maxTasks?: number;
  /** How long a task in a terminal state is kept, in ms. Default 1 hour. */
  finishedTaskTtlMs?: number;
  /** How long an unfinished task is kept after its last update, in ms. Default 24 hours. */
  unfinishedTaskTtlMs?: number;
  clock?: Clock;
}

interface Entry {
  scope: TaskScope;
  /**
   * The task as JSON once it pauses or finishes: compact, and nothing for the garbage
   * collector to trace; `undefined` while it runs.
   */
  json: string | undefined;
  /**
   * The task as appended while it runs (the fold of its log, whose every event was
   * serialised): serialising it again at each event would cost its whole size each time.
   */
  running: Task | undefined;
  /** The number of the task's last event. */
  version: number;
  /**
   * The task's log, each event as JSON (event `i + 1` at index `i`). An append adds to it
   * once the event is certain to be stored.
   */
  events: string[];
  /** What the events count against the budgets. */
  eventBytes: number;
  /** What the entry counts against the budgets: the task, its log and the bookkeeping. */
  bytes: number;
  /** What `ListTasks` filters and sorts by, readable without parsing `json`. */
  taskId: string;
  contextId: string | undefined;
  state: TaskState;
  /** Status timestamp in ms, the `ListTasks` sort key. */
  time: number;
  /** The status timestamp `time` was read from. */
  stamp: string | undefined;
  finished: boolean;
  /** When the entry expires: a TTL after it finished, or after its last update. */
  expiresAt: number;
}

/** What an append changes in a stored entry. */
type EntryUpdate = Pick<
  Entry,
  | "json"
  | "running"
  | "version"
  | "eventBytes"
  | "bytes"
  | "state"
  | "time"
  | "stamp"
  | "finished"
  | "expiresAt"
>;

/** What one owner holds. */
interface OwnerUsage {
  bytes: number;
  tasks: number;
  finishedTasks: number;
  /** The owner's finished tasks in the order they finished, for evicting its own first. */
  finished: StampQueue;
}

const MIB = 1024 * 1024;
const DEFAULT_MAX_BYTES = 256 * MIB;
const DEFAULT_MAX_BYTES_PER_OWNER = 16 * MIB;
const DEFAULT_FINISHED_TTL_MS = 60 * 60 * 1000;
const DEFAULT_UNFINISHED_TTL_MS = 24 * 60 * 60 * 1000;
/** Bytes counted per task besides its JSON: the entry, its keys and queue slots (measured). */
const ENTRY_OVERHEAD_BYTES = 512;
/** A task may always reach a terminal state, if that grows it by no more than this. */
const FINISHING_ALLOWANCE_BYTES = 64 * 1024;
/** Parsing for `list` gives the event loop back after about this much JSON. */
const PARSE_SLICE_BYTES = 256 * 1024;

/** Characters past Latin-1 make V8 store a string with two bytes per character. */
const TWO_BYTE = /[\u0100-\uffff]/;

function textBytes(json: string): number {
  return json.length * (TWO_BYTE.test(json) ? 2 : 1);
}

/** The entry's task as JSON, made once for a running one. */
function jsonOfEntry(entry: Entry): string {
  return entry.json ?? jsonOf(entry.running!);
}

/** The entry's task, as a value of its own, with its version. */
function storedOf(entry: Entry): StoredTask {
  return { task: parseTask(jsonOfEntry(entry)), version: entry.version };
}

function positive(value: number, name: string): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new TypeError(`InMemoryTaskStore: ${name} must be a positive number`);
  }
  return value;
}

/**
 * The default `TaskStore`: process memory, bounded in bytes overall and per owner (and in
 * task count, when asked), and in how long tasks live. Every event is held as JSON (so one
 * that cannot be serialised is refused as it is appended), and so is every task that has
 * paused or finished; a running task is held as appended, and counted at the size of its
 * log, until it pauses or finishes. Watchers are told of each event synchronously, as it is
 * appended.
 *
 * When a save would pass a budget, finished tasks make room: the saving owner's oldest
 * first, then (for the overall budgets) the oldest of whichever owner holds the most.
 * Unfinished tasks are never evicted to make room, so one principal's traffic cannot push
 * out another's work in progress: when finished tasks cannot make room, the save throws
 * {@link TaskStoreFullError} and nothing stored changes.
 */
export class InMemoryTaskStore implements TaskStore {
  readonly maxBytes: number;
  readonly maxBytesPerOwner: number;
  readonly maxTasks: number;
  readonly finishedTaskTtlMs: number;
  readonly unfinishedTaskTtlMs: number;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  readonly #owners = new Map<string, OwnerUsage>();
  /** Every entry's current expiry, in expiry order per kind (both TTLs are constant). */
  readonly #finishedExpiries = new StampQueue();
  readonly #unfinishedExpiries = new StampQueue();
  readonly #watchers = new Map<string, Set<TaskLogListener>>();
  #bytes = 0;
  /** No queued expiry comes before this (a lower bound: stale pairs may be older). */
  #nextExpiry = Number.POSITIVE_INFINITY;

  constructor(options: InMemoryTaskStoreOptions = {}) {
    this.maxBytes = positive(options.maxBytes ?? DEFAULT_MAX_BYTES, "maxBytes");
    this.maxBytesPerOwner = positive(
      options.maxBytesPerOwner ?? DEFAULT_MAX_BYTES_PER_OWNER,
      "maxBytesPerOwner",
    );
    this.maxTasks = options.maxTasks ?? Number.POSITIVE_INFINITY;
    if (options.maxTasks !== undefined && (!Number.isInteger(this.maxTasks) || this.maxTasks < 1)) {
      throw new TypeError("InMemoryTaskStore: maxTasks must be a positive integer");
    }
    this.finishedTaskTtlMs = positive(
      options.finishedTaskTtlMs ?? DEFAULT_FINISHED_TTL_MS,
      "finishedTaskTtlMs",
    );
    this.unfinishedTaskTtlMs = positive(
      options.unfinishedTaskTtlMs ?? DEFAULT_UNFINISHED_TTL_MS,
      "unfinishedTaskTtlMs",
    );
    this.#clock = options.clock ?? systemClock;
  }

  /** Number of tasks currently held (expired ones may count until the next write). */
  get size(): number {
    return this.#entries.size;
  }

  /** Bytes currently counted against `maxBytes`. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Bytes an owner's tasks currently count against `maxBytesPerOwner`. */
  bytesOf(owner: string): number {
    return this.#owners.get(owner)?.bytes ?? 0;
  }

  async get(key: TaskKey): Promise<StoredTask | undefined> {
    const entry = this.#live(taskKeyString(key));
    return entry && storedOf(entry);
  }

  /** Answers at once (see `TaskStore.append`); its refusals are rejected promises. */
  append(
    key: TaskKey,
    expectedVersion: number,
    entries: readonly TaskLogEntry[],
  ): AppendResult | Promise<AppendResult> {
    try {
      if (entries.length === 0) throw new TypeError("append: no events to append");
      return this.#write(key, expectedVersion, entries);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Appends the entries' events at once, the task the last one's; all or nothing. */
  #write(key: TaskKey, expectedVersion: number, entries: readonly TaskLogEntry[]): AppendResult {
    const now = this.#clock.now();
    this.#sweepExpired(now);
    const id = taskKeyString(key);
    const previous = this.#entries.get(id);
    if ((previous?.version ?? 0) !== expectedVersion) {
      return { ok: false, current: previous && storedOf(previous) };
    }
    // Serialised before anything changes: an event, or a pausing or finishing task, that
    // cannot be (a cycle, a BigInt, nesting too deep for the engine) throws here and the
    // stored version stays. The JSON is remembered: the event's is what streams send, the
    // task's what a blocking send answers with.
    const task = entries[entries.length - 1]!.task;
    const state = task.status.state;
    const finished = isTerminal(state);
    // Plain JSON (not remembered by identity): watchers are handed the text with the event.
    const eventJsons = entries.map((entry) => entry.json ?? JSON.stringify(entry.event));
    const json = finished || isInterrupted(state) ? taskJson(task) : undefined;
    let eventBytes = previous?.eventBytes ?? 0;
    for (const eventJson of eventJsons) eventBytes += textBytes(eventJson);
    // A running task is the fold of its log: about as large.
    const taskBytes = json === undefined ? eventBytes : textBytes(json);
    const bytes = taskBytes + eventBytes + ENTRY_OVERHEAD_BYTES;
    const victims = this.#makeRoom(id, key.owner, previous, bytes, finished);
    for (const [victimId, victim] of victims) this.#remove(victimId, victim);
    // Victims are taken oldest first: drop their now stale pairs from the queues' heads, so
    // the next eviction does not walk past them again.
    for (const [, victim] of victims) {
      this.#owners.get(victim.scope.owner)?.finished.peek(this.#isFinished);
    }

    // The TTL of a finished task counts from when it first finished.
    const expiresAt =
      finished && previous?.finished
        ? previous.expiresAt
        : now + (finished ? this.finishedTaskTtlMs : this.unfinishedTaskTtlMs);
    const version = expectedVersion + entries.length;
    const time =
      previous && previous.stamp === task.status.timestamp ? previous.time : statusTimeOf(task);
    if (previous) {
      // The entry moves on in place: no new entry, map slot or owner bookkeeping per event.
      previous.events.push(...eventJsons);
      this.#update(id, previous, {
        json,
        running: json === undefined ? task : undefined,
        version,
        eventBytes,
        bytes,
        state,
        time,
        stamp: task.status.timestamp,
        finished,
        expiresAt,
      });
    } else {
      this.#add(id, {
        scope: { tenant: key.tenant, owner: key.owner },
        json,
        running: json === undefined ? task : undefined,
        version,
        events: eventJsons,
        eventBytes,
        bytes,
        taskId: task.id,
        contextId: task.contextId,
        state,
        time,
        stamp: task.status.timestamp,
        finished,
        expiresAt,
      });
    }
    const watchers = this.#watchers.get(id);
    if (watchers) {
      for (let i = 0; i < entries.length; i++) {
        const record: TaskLogEvent = {
          seq: expectedVersion + i + 1,
          event: entries[i]!.event,
          json: eventJsons[i]!,
        };
        for (const listener of watchers) {
          try {
            listener(record);
          } catch {
            // A listener's failure is its own: the event is stored, and others still hear of it.
          }
        }
      }
    }
    return { ok: true, version };
  }

  async readEvents(key: TaskKey, afterVersion: number): Promise<TaskLogEvent[] | undefined> {
    const entry = this.#live(taskKeyString(key));
    if (!entry) return undefined;
    const from = Math.max(0, Math.floor(afterVersion));
    // A long log is parsed a slice at a time, so other requests are served in between.
    return mapInSlices(entry.events.slice(from), PARSE_SLICE_BYTES, (json, i) => ({
      value: { seq: from + i + 1, event: JSON.parse(json) as StreamResponse, json },
      size: json.length,
    }));
  }

  watch(key: TaskKey, listener: TaskLogListener): () => void {
    const id = taskKeyString(key);
    let set = this.#watchers.get(id);
    if (!set) {
      set = new Set();
      this.#watchers.set(id, set);
    }
    // Each registration is its own, even of the same function twice.
    const own: TaskLogListener = (event) => listener(event);
    set.add(own);
    return () => {
      const current = this.#watchers.get(id);
      if (!current?.delete(own)) return;
      if (current.size === 0) this.#watchers.delete(id);
    };
  }

  /** Tasks being watched, and watchers in all: for leak checks. */
  get watching(): { tasks: number; watchers: number } {
    let watchers = 0;
    for (const set of this.#watchers.values()) watchers += set.size;
    return { tasks: this.#watchers.size, watchers };
  }

  /** The entry stored under `id`, unless it has expired (then it goes). */
  #live(id: string): Entry | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#clock.now()) {
      this.#remove(id, entry);
      return undefined;
    }
    return entry;
  }

  async list(scope: TaskScope, query: TaskListQuery): Promise<TaskListPage> {
    this.#sweepExpired(this.#clock.now());
    const after: ListCursor | undefined = query.pageToken
      ? decodePageToken(query.pageToken)
      : undefined;
    const matching: Entry[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.scope.tenant !== scope.tenant || entry.scope.owner !== scope.owner) continue;
      if (query.contextId !== undefined && entry.contextId !== query.contextId) continue;
      if (query.status !== undefined && entry.state !== query.status) continue;
      if (query.statusTimestampAfter !== undefined && entry.time < query.statusTimestampAfter) {
        continue;
      }
      matching.push(entry);
    }
    matching.sort((a, b) =>
      compareNewestFirst({ time: a.time, taskId: a.taskId }, { time: b.time, taskId: b.taskId }),
    );
    let start = 0;
    if (after) {
      while (
        start < matching.length &&
        compareNewestFirst(
          { time: matching[start]!.time, taskId: matching[start]!.taskId },
          after,
        ) <= 0
      ) {
        start++;
      }
    }
    // The page ends at pageSize tasks, or earlier once their JSON passes the byte budget.
    const page: Entry[] = [];
    let pageBytes = 0;
    for (let i = start; i < matching.length && page.length < query.pageSize; i++) {
      const entry = matching[i]!;
      const json = jsonOfEntry(entry);
      if (page.length > 0 && pageBytes + json.length > (query.maxBytes ?? Infinity)) break;
      page.push(entry);
      pageBytes += json.length;
    }
    const last = page[page.length - 1];
    const hasMore = start + page.length < matching.length;
    // A long page is parsed a slice at a time, so other requests are served in between.
    const tasks = await mapInSlices(page, PARSE_SLICE_BYTES, (entry) => {
      const json = jsonOfEntry(entry);
      return { value: parseTask(json), size: json.length };
    });
    return {
      tasks,
      nextPageToken:
        hasMore && last ? encodePageToken({ time: last.time, taskId: last.taskId }) : "",
      totalSize: matching.length,
    };
  }

  /**
   * The finished tasks to evict so that saving `bytes` for `id` fits every budget, chosen
   * before anything is removed; throws TaskStoreFullError when they cannot make room.
   */
  #makeRoom(
    id: string,
    owner: string,
    previous: Entry | undefined,
    bytes: number,
    finishing: boolean,
  ): Array<[string, Entry]> {
    const growth = bytes - (previous?.bytes ?? 0);
    const usage = this.#owners.get(owner);
    let ownerExcess = (usage?.bytes ?? 0) + growth - this.maxBytesPerOwner;
    let totalExcess = this.#bytes + growth - this.maxBytes;
    let countExcess = this.#entries.size + (previous ? 0 : 1) - this.maxTasks;
    if (ownerExcess <= 0 && totalExcess <= 0 && countExcess <= 0) return [];

    // Each live queue pair names a different entry, and each owner's queue is walked once,
    // so a victim is never taken twice; the task being saved is never one.
    const victims: Array<[string, Entry]> = [];
    const take = (victimId: string, victim: Entry, sameOwner: boolean) => {
      victims.push([victimId, victim]);
      if (sameOwner) ownerExcess -= victim.bytes;
      totalExcess -= victim.bytes;
      countExcess -= 1;
    };
    // The owner's own finished tasks first, oldest first.
    if (usage) {
      for (const [victimId] of usage.finished.live(this.#isFinished)) {
        if (ownerExcess <= 0 && totalExcess <= 0 && countExcess <= 0) break;
        if (victimId !== id) take(victimId, this.#entries.get(victimId)!, true);
      }
    }
    if (ownerExcess > 0) {
      if (finishing && growth <= FINISHING_ALLOWANCE_BYTES) return victims;
      throw new TaskStoreFullError(
        "maxBytesPerOwner",
        `The caller's tasks would take more than ${this.maxBytesPerOwner} bytes`,
      );
    }
    // Then, for the overall budgets, finished tasks of whoever holds the most.
    if (totalExcess > 0 || countExcess > 0) {
      const others = this.#othersByUsage(owner);
      for (const other of others) {
        for (const [victimId] of other.finished.live(this.#isFinished)) {
          if (totalExcess <= 0 && countExcess <= 0) break;
          take(victimId, this.#entries.get(victimId)!, false);
        }
        if (totalExcess <= 0 && countExcess <= 0) break;
      }
    }
    if (totalExcess > 0 || countExcess > 0) {
      if (finishing && growth <= FINISHING_ALLOWANCE_BYTES && countExcess <= 0) return victims;
      const limit = countExcess > 0 ? "maxTasks" : "maxBytes";
      throw new TaskStoreFullError(
        limit,
        limit === "maxTasks"
          ? `The task store holds its maximum of ${this.maxTasks} tasks`
          : `The task store's ${this.maxBytes} bytes are taken`,
      );
    }
    return victims;
  }

  /** Other owners holding finished tasks, the largest first: they give up space first. */
  #othersByUsage(owner: string): OwnerUsage[] {
    const others: OwnerUsage[] = [];
    for (const [name, usage] of this.#owners) {
      if (name !== owner && usage.finishedTasks > 0) others.push(usage);
    }
    return others.sort((a, b) => b.bytes - a.bytes);
  }

  readonly #isFinished = (id: string, expiresAt: number): boolean => {
    const entry = this.#entries.get(id);
    return entry?.finished === true && entry.expiresAt === expiresAt;
  };

  readonly #isUnfinished = (id: string, expiresAt: number): boolean => {
    const entry = this.#entries.get(id);
    return entry !== undefined && !entry.finished && entry.expiresAt === expiresAt;
  };

  #add(id: string, entry: Entry): void {
    this.#entries.set(id, entry);
    this.#bytes += entry.bytes;
    const { owner } = entry.scope;
    let usage = this.#owners.get(owner);
    if (!usage) {
      usage = { bytes: 0, tasks: 0, finishedTasks: 0, finished: new StampQueue() };
      this.#owners.set(owner, usage);
    }
    usage.bytes += entry.bytes;
    usage.tasks += 1;
    if (entry.finished) this.#queueFinished(id, entry, usage);
    else this.#queueUnfinished(id, entry);
  }

  /** Moves a stored entry on to what an append made of it. */
  #update(id: string, entry: Entry, next: EntryUpdate): void {
    const usage = this.#owners.get(entry.scope.owner)!;
    const growth = next.bytes - entry.bytes;
    this.#bytes += growth;
    usage.bytes += growth;
    const finishing = next.finished && !entry.finished;
    // Writers do not normally move a finished task back; one that does is unfinished again.
    if (entry.finished && !next.finished) usage.finishedTasks -= 1;
    const expiryMoved = next.expiresAt !== entry.expiresAt;
    Object.assign(entry, next);
    // A stamp pushed before stales the one the entry had; an unchanged one stays live.
    if (finishing) this.#queueFinished(id, entry, usage);
    else if (expiryMoved) {
      if (entry.finished) this.#queueFinished(id, entry, undefined);
      else this.#queueUnfinished(id, entry);
    }
  }

  /** Queues a finished entry's expiry (and, when it just finished, its eviction order). */
  #queueFinished(id: string, entry: Entry, newlyFinishedOf: OwnerUsage | undefined): void {
    const stamp = entry.expiresAt;
    if (newlyFinishedOf) {
      newlyFinishedOf.finishedTasks += 1;
      newlyFinishedOf.finished.push(id, stamp);
      newlyFinishedOf.finished.compactIfSparse(newlyFinishedOf.finishedTasks, this.#isFinished);
    }
    this.#finishedExpiries.push(id, stamp);
    this.#finishedExpiries.compactIfSparse(this.#entries.size, this.#isFinished);
    this.#nextExpiry = Math.min(this.#nextExpiry, stamp);
  }

  #queueUnfinished(id: string, entry: Entry): void {
    const stamp = entry.expiresAt;
    this.#unfinishedExpiries.push(id, stamp);
    this.#unfinishedExpiries.compactIfSparse(this.#entries.size, this.#isUnfinished);
    this.#nextExpiry = Math.min(this.#nextExpiry, stamp);
  }

  #remove(id: string, entry: Entry): void {
    if (this.#entries.get(id) !== entry) return;
    this.#entries.delete(id);
    this.#bytes -= entry.bytes;
    const { owner } = entry.scope;
    const usage = this.#owners.get(owner)!;
    usage.bytes -= entry.bytes;
    usage.tasks -= 1;
    if (entry.finished) usage.finishedTasks -= 1;
    if (usage.tasks === 0) this.#owners.delete(owner);
  }

  #sweepExpired(now: number): void {
    // Nothing queued expires before `#nextExpiry`: most writes need not look.
    if (now < this.#nextExpiry) return;
    this.#nextExpiry = Math.min(
      this.#sweep(this.#finishedExpiries, this.#isFinished, now),
      this.#sweep(this.#unfinishedExpiries, this.#isUnfinished, now),
    );
  }

  /** Removes the queue's expired entries; returns when its oldest live one expires. */
  #sweep(
    queue: StampQueue,
    isLive: (id: string, expiresAt: number) => boolean,
    now: number,
  ): number {
    for (let oldest = queue.peek(isLive); oldest; oldest = queue.peek(isLive)) {
      if (oldest[1] > now) return oldest[1];
      queue.shift();
      this.#remove(oldest[0], this.#entries.get(oldest[0])!);
    }
    return Number.POSITIVE_INFINITY;
  }
}
