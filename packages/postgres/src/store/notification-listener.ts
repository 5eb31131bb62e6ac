import type { Logger } from "@a2a-mount/core";
import pg from "pg";
import { quoteIdentifier } from "../schema/identifiers.js";
import { decodeNotification, type LogNotification } from "./notification.js";

export interface NotificationListenerOptions {
  /** How to connect: the pool's own settings. */
  config: pg.ClientConfig;
  channel: string;
  logger: Logger;
  onNotification: (notification: LogNotification) => void;
  /** Another instance's listener (re)connected: it wants to be notified. */
  onPeer: () => void;
  /** Called after a lost connection is back: what was said meanwhile was not heard. */
  onReconnect: () => void;
}

/** What a listener says on the channel as it starts listening (with its server process). */
const HELLO = "a2a-mount:hello:";

/** Waits between reconnection attempts: doubling from the first, up to the last. */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

/**
 * One connection that LISTENs on the store's channel for as long as the store is open, and
 * reconnects by itself (backing off) when the connection or the database goes away.
 */
export class NotificationListener {
  readonly #options: NotificationListenerOptions;
  #client: pg.Client | undefined;
  #closed = false;
  #retryMs = RETRY_MIN_MS;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(options: NotificationListenerOptions) {
    this.#options = options;
  }

  /** Connects and listens; rejects when the first connection fails. */
  async start(): Promise<void> {
    await this.#connect();
  }

  /** Whether the connection is up and listening. */
  get listening(): boolean {
    return this.#client !== undefined;
  }

  /** The server process of the listening connection (0 while there is none). */
  get pid(): number {
    return this.#client ? processOf(this.#client) : 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    // Named after the channel, so that other instances can tell it is listening.
    const client = new pg.Client(listenerConfig(this.#options.channel, this.#options.config));
    // Until it is known to be up, an error is the connect call's to report.
    client.on("error", (error) => this.#lost(client, error));
    client.on("end", () => this.#lost(client, undefined));
    client.on("notification", (message) => {
      const payload = message.payload ?? "";
      if (payload.startsWith(HELLO)) {
        if (payload !== `${HELLO}${processOf(client)}`) this.#options.onPeer();
        return;
      }
      const notification = decodeNotification(payload);
      if (notification) this.#options.onNotification(notification);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(this.#options.channel)}`);
      // The others notify only while someone else listens: they learn of this one now.
      await client.query("SELECT pg_notify($1, $2)", [
        this.#options.channel,
        `${HELLO}${processOf(client)}`,
      ]);
    } catch (error) {
      client.removeAllListeners("end");
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#retryMs = RETRY_MIN_MS;
  }

  #lost(client: pg.Client, error: Error | undefined): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    if (this.#closed) return;
    this.#options.logger.warn("lost the connection that listens for task events; reconnecting", {
      error: error ? error.message : "connection ended",
    });
    client.end().catch(() => undefined);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
    this.#retry = setTimeout(() => {
      this.#connect().then(
        () => {
          if (this.#client) this.#options.onReconnect();
        },
        () => this.#scheduleReconnect(),
      );
    }, wait);
    this.#retry.unref?.();
  }
}

/**
 * The pool's settings for the listening connection, named after the channel, then `|` and
 * the application's own name for the pool, if it gave one (`pg` lets a name in the
 * connection string win over the settings, so it moves from there).
 */
export function listenerConfig(channel: string, config: pg.ClientConfig): pg.ClientConfig {
  let own = config.application_name;
  let connectionString = config.connectionString;
  if (connectionString) {
    try {
      const url = new URL(connectionString);
      own = url.searchParams.get("application_name") ?? own;
      url.searchParams.delete("application_name");
      connectionString = url.toString();
    } catch {
      // not a URL ("host=... dbname=..."): left as it is
    }
  }
  return {
    ...config,
    connectionString,
    application_name: own ? `${channel}|${own}` : channel,
  };
}

/** The server process of a connected client (`pg` sets it; its types do not say so). */
function processOf(client: pg.Client): number {
  return (client as unknown as { processID?: number }).processID ?? 0;
}
