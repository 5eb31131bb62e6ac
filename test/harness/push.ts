import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PushOptions } from "@a2a-mount/core";
import { webhookSender } from "@a2a-mount/core/node";
import type { Json } from "./client.js";

/**
 * The `push` option of an agent whose webhooks are test receivers on 127.0.0.1 (which the
 * sender's SSRF guard refuses unless it is allow-listed, as here).
 */
export function testPush(options: Omit<PushOptions, "sender"> = {}): PushOptions {
  return { sender: webhookSender({ allowHosts: ["127.0.0.1"] }), ...options };
}

/** One request a receiver got. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real webhook receiver: a `node:http` server on 127.0.0.1, port 0. Records every request,
 * answers each 200, and tells waiters when it has got `n` requests.
 */
export class PushReceiver {
  readonly received: Received[] = [];
  readonly #server: Server;
  #waiters: Array<{ n: number; resolve: () => void }> = [];

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<PushReceiver> {
    const server = createServer();
    const receiver = new PushReceiver(server);
    server.on("request", (request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        receiver.received.push({
          method: request.method ?? "",
          path: request.url ?? "",
          headers: request.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        });
        response.writeHead(200).end();
        receiver.#notify();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  /** The receiver's URL for `path`. */
  url(path = "/hook"): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${path}`;
  }

  /** Resolves with every request so far once there are `n`; rejects after `timeoutMs`. */
  async waitFor(n: number, timeoutMs = 3000): Promise<Received[]> {
    if (this.received.length < n) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`receiver got ${this.received.length} of ${n} requests`)),
          timeoutMs,
        );
        this.#waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    }
    return this.received;
  }

  /**
   * Exactly `n` requests: waits for them, then a little longer to be sure no other comes.
   */
  async expectExactly(n: number, settleMs = 150): Promise<Received[]> {
    await this.waitFor(n);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    if (this.received.length !== n) {
      throw new Error(`receiver got ${this.received.length} requests, expected ${n}`);
    }
    return this.received;
  }

  /** The bodies received, parsed. */
  bodies(): Json[] {
    return this.received.map((r) => JSON.parse(r.body));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #notify(): void {
    const ready = this.#waiters.filter((w) => this.received.length >= w.n);
    this.#waiters = this.#waiters.filter((w) => this.received.length < w.n);
    for (const waiter of ready) waiter.resolve();
  }
}
