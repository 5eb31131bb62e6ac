import {
  type Logger,
  type StreamResponse,
  type TaskKey,
  type TaskLogEvent,
  type TaskLogListener,
  taskKeyString,
} from "@a2a-mount/core";

/** How the watchers read what notifications did not bring. */
export interface LogSource {
  readEvents(key: TaskKey, afterVersion: number): Promise<TaskLogEvent[] | undefined>;
  /** The current version of each task (absent: the task does not exist). */
  versions(keys: TaskKey[]): Promise<Map<string, number>>;
}

/** A new watch that hears nothing this long reads where its task is. */
const START_READ_DELAY_MS = 50;

/** How many recently written tasks are remembered, to recognise their NOTIFY echoes. */
const RECENT_APPENDS = 4096;

/** Everyone in this process watching one task, and how far they have been told. */
interface Watched {
  key: TaskKey;
  listeners: Set<TaskLogListener>;
  /** The number of the last event passed on; `undefined` before the first. */
  passed: number | undefined;
  /**
   * Before the first event: a version the task had after watching began (this process's own
   * last append to it, or a read). Every event after it must be passed on; one at or below
   * it may predate the watch, and is passed on only as it comes (readers skip what they have).
   */
  start: number | undefined;
  /** The newest event number known to exist. */
  newest: number;
  /** Events are being read from the database. */
  reading: boolean;
}

/**
 * The store's watchers in this process. Events reach them from three sides: this process's
 * own appends (at once), other instances' NOTIFY messages (within milliseconds), and reads of
 * the log whenever a number is skipped, a notification came without its event, the
 * connection was lost, or the fallback poll finds a task further on than its watchers. Each
 * watcher gets every event appended after it began watching once, in order, with no gaps.
 */
export class LogWatchers {
  readonly #watched = new Map<string, Watched>();
  /** The last event this process appended to each of its recently written tasks. */
  readonly #recent = new Map<string, number>();
  readonly #source: LogSource;
  readonly #logger: Logger;

  constructor(source: LogSource, logger: Logger) {
    this.#source = source;
    this.#logger = logger;
  }

  /** Tasks watched in this process. */
  get size(): number {
    return this.#watched.size;
  }

  watch(key: TaskKey, listener: TaskLogListener): () => void {
    const id = taskKeyString(key);
    let watched = this.#watched.get(id);
    if (!watched) {
      watched = {
        key: { tenant: key.tenant, owner: key.owner, taskId: key.taskId },
        listeners: new Set(),
        passed: undefined,
        start: this.#recent.get(id),
        newest: 0,
        reading: false,
      };
      this.#watched.set(id, watched);
      if (watched.start === undefined) this.#readStartLater(id, watched);
    }
    // Each registration is its own, even of the same function twice.
    const own: TaskLogListener = (event) => listener(event);
    const current = watched;
    current.listeners.add(own);
    return () => {
      if (!current.listeners.delete(own)) return;
      if (current.listeners.size === 0 && this.#watched.get(id) === current) {
        this.#watched.delete(id);
      }
    };
  }

  /** This process appended event `seq` of the task `key`: its watchers hear of it now. */
  appended(key: TaskKey, seq: number, json: string, event: StreamResponse): void {
    const id = taskKeyString(key);
    // Remembered so that its NOTIFY echo is known for what it is.
    this.#recent.delete(id);
    this.#recent.set(id, seq);
    if (this.#recent.size > RECENT_APPENDS) this.#recent.delete(this.#recent.keys().next().value!);
    const watched = this.#watched.get(id);
    if (watched) this.#offer(watched, seq, json, event);
  }

  /**
   * A notification said event `seq` of the task `key` exists (with its JSON, or `json`
   * undefined when it must be read).
   */
  notified(key: TaskKey, seq: number, json: string | undefined): void {
    const id = taskKeyString(key);
    const watched = this.#watched.get(id);
    if (!watched) return;
    // The echo of this process's own append: its watchers heard of it then, or began
    // watching after it.
    if (watched.passed === undefined && seq <= (this.#recent.get(id) ?? 0)) return;
    this.#offer(watched, seq, json, undefined);
  }

  /** Checks every watched task against the database: after a lost connection, and by the poll. */
  async recheck(): Promise<void> {
    const all = [...this.#watched.values()];
    if (all.length === 0) return;
    const versions = await this.#source.versions(all.map((watched) => watched.key));
    for (const watched of all) {
      const version = versions.get(taskKeyString(watched.key)) ?? 0;
      if (watched.passed === undefined && watched.start === undefined) watched.start = version;
      else if (version > (watched.passed ?? watched.start ?? 0)) this.#catchUp(watched, version);
    }
  }

  /**
   * Passes event `seq` on now when it is the next one (or, before the first, one not past
   * the start), and reads the gap before it otherwise.
   */
  #offer(
    watched: Watched,
    seq: number,
    json: string | undefined,
    event: StreamResponse | undefined,
  ): void {
    const { passed, start } = watched;
    if (passed !== undefined && seq <= passed) return;
    const next =
      passed !== undefined ? seq === passed + 1 : start === undefined || seq <= start + 1;
    if (json !== undefined && next) {
      let parsed: StreamResponse;
      try {
        parsed = event ?? (JSON.parse(json) as StreamResponse);
      } catch {
        this.#catchUp(watched, seq);
        return;
      }
      this.#pass(watched, { seq, event: parsed, json });
      return;
    }
    this.#catchUp(watched, seq);
  }

  /**
   * With nothing heard after a short wait, reads the task's version: the start that tells a
   * gap after it (a run watching the task it is about to write needs no read).
   */
  #readStartLater(id: string, watched: Watched): void {
    const timer = setTimeout(() => {
      if (watched.passed === undefined && this.#watched.get(id) === watched) {
        void this.#readStart(watched);
      }
    }, START_READ_DELAY_MS);
    timer.unref();
  }

  async #readStart(watched: Watched): Promise<void> {
    try {
      const versions = await this.#source.versions([watched.key]);
      if (watched.passed !== undefined || watched.start !== undefined) return;
      watched.start = versions.get(taskKeyString(watched.key)) ?? 0;
      if (watched.newest > watched.start) this.#catchUp(watched, watched.newest);
    } catch (error) {
      // The poll sets it once the database answers again.
      this.#logger.warn("could not read a watched task's version", { error: String(error) });
    }
  }

  /** Reads the log from the last event passed on (or the start), until `seq` is passed on. */
  #catchUp(watched: Watched, seq: number): void {
    watched.newest = Math.max(watched.newest, seq);
    if (watched.reading || (watched.passed === undefined && watched.start === undefined)) return;
    watched.reading = true;
    void this.#read(watched).finally(() => {
      watched.reading = false;
    });
  }

  async #read(watched: Watched): Promise<void> {
    try {
      for (;;) {
        const from = watched.passed ?? watched.start;
        if (from === undefined || from >= watched.newest) return;
        const events = await this.#source.readEvents(watched.key, from);
        for (const event of events ?? []) {
          if (event.seq === (watched.passed ?? watched.start ?? 0) + 1) this.#pass(watched, event);
        }
        // Nothing new could be read (the task went, or the database is behind): the poll
        // tries again.
        if ((watched.passed ?? watched.start) === from) return;
      }
    } catch (error) {
      this.#logger.warn("could not read a watched task's events", { error: String(error) });
    }
  }

  #pass(watched: Watched, event: TaskLogEvent): void {
    watched.passed = event.seq;
    watched.newest = Math.max(watched.newest, event.seq);
    for (const listener of watched.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own: others still hear of the event.
      }
    }
  }
}
