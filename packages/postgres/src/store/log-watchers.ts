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
  /** The number of the last event passed on (or, before any, the version when watching began). */
  last: number | undefined;
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
 * watcher gets every event once, in order, with no gaps.
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
        last: undefined,
        newest: 0,
        reading: false,
      };
      this.#watched.set(id, watched);
      this.#startFrom(id, watched);
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
    if (watched.last === undefined && seq <= (this.#recent.get(id) ?? 0)) return;
    this.#offer(watched, seq, json, undefined);
  }

  /**
   * Passes event `seq` on now when it is the next one (or the first since watching began),
   * and reads the gap before it otherwise.
   */
  #offer(
    watched: Watched,
    seq: number,
    json: string | undefined,
    event: StreamResponse | undefined,
  ): void {
    const last = watched.last;
    if (last !== undefined && seq <= last) return;
    if (json !== undefined && (last === undefined || seq === last + 1)) {
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

  /** Checks every watched task against the database: after a lost connection, and by the poll. */
  async recheck(): Promise<void> {
    const all = [...this.#watched.values()];
    if (all.length === 0) return;
    const versions = await this.#source.versions(all.map((watched) => watched.key));
    for (const watched of all) {
      const version = versions.get(taskKeyString(watched.key)) ?? 0;
      if (watched.last === undefined) watched.last = version;
      else if (version > watched.last) this.#catchUp(watched, version);
    }
  }

  /**
   * Where a new watch starts: the last event this process appended to the task, when it
   * wrote it recently; otherwise the task's version, read after a short wait unless an event
   * came first (a run watching the task it is about to write needs no read). Until then the
   * first event heard sets it.
   */
  #startFrom(id: string, watched: Watched): void {
    const recent = this.#recent.get(id);
    if (recent !== undefined) {
      watched.last = recent;
      return;
    }
    const timer = setTimeout(() => {
      if (watched.last === undefined && this.#watched.get(id) === watched) {
        void this.#readStart(watched);
      }
    }, START_READ_DELAY_MS);
    timer.unref();
  }

  async #readStart(watched: Watched): Promise<void> {
    try {
      const versions = await this.#source.versions([watched.key]);
      if (watched.last !== undefined) return;
      watched.last = versions.get(taskKeyString(watched.key)) ?? 0;
      if (watched.newest > watched.last) this.#catchUp(watched, watched.newest);
    } catch (error) {
      // The poll sets it once the database answers again.
      this.#logger.warn("could not read a watched task's version", { error: String(error) });
    }
  }

  /** Reads the log from the last event passed on, until `seq` is passed on too. */
  #catchUp(watched: Watched, seq: number): void {
    watched.newest = Math.max(watched.newest, seq);
    if (watched.reading || watched.last === undefined) return;
    watched.reading = true;
    void this.#read(watched).finally(() => {
      watched.reading = false;
    });
  }

  async #read(watched: Watched): Promise<void> {
    try {
      while (watched.last !== undefined && watched.last < watched.newest) {
        const before = watched.last;
        const events = await this.#source.readEvents(watched.key, before);
        for (const event of events ?? []) {
          if (event.seq === (watched.last ?? 0) + 1) this.#pass(watched, event);
        }
        // Nothing new could be read (the task went, or the database is behind): the poll
        // tries again.
        if (watched.last === before) return;
      }
    } catch (error) {
      this.#logger.warn("could not read a watched task's events", { error: String(error) });
    }
  }

  #pass(watched: Watched, event: TaskLogEvent): void {
    watched.last = event.seq;
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
