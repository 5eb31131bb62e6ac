import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a receiver got. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** How a receiver answers one request: a status (and headers), after an optional delay. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * A real webhook receiver on 127.0.0.1: records every request, answers each with the next
 * of `answers` (then 200), and tells waiters when it has got `n` requests.
 */
export class PushReceiver {
  readonly received: Received[] = [];
  readonly #server: Server;
  #answers: Answer[];
  #waiters: Array<{ n: number; resolve: () => void }> = [];

  private constructor(server: Server, answers: Answer[]) {
    this.#server = server;
    this.#answers = answers;
  }

  static async start(answers: Answer[] = []): Promise<PushReceiver> {
    const server = createServer();
    const receiver = new PushReceiver(server, answers);
    server.on("request", (request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const answer = receiver.#answers.shift() ?? { status: 200 };
        const respond = () => {
          receiver.received.push({
            method: request.method ?? "",
            path: request.url ?? "",
            headers: request.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            at: Date.now(),
          });
          response.writeHead(answer.status, answer.headers).end();
          receiver.#notify();
        };
        if (answer.delayMs) setTimeout(respond, answer.delayMs);
        else respond();
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

  /** Answers the next requests with these (before the 200s). */
  answer(...answers: Answer[]): void {
    this.#answers.push(...answers);
  }

  /** Resolves once `n` requests have been answered; rejects after `timeoutMs`. */
  async waitFor(n: number, timeoutMs = 5000): Promise<Received[]> {
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

  /** Exactly `n` requests: waits for them, then a little longer to be sure no other comes. */
  async expectExactly(n: number, settleMs = 150): Promise<Received[]> {
    await this.waitFor(n);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    if (this.received.length !== n) {
      throw new Error(`receiver got ${this.received.length} requests, expected ${n}`);
    }
    return this.received;
  }

  /** The bodies received, parsed. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  bodies(): any[] {
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
