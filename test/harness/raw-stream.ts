import { request as httpRequest, type IncomingMessage } from "node:http";

/**
 * A response read chunk by chunk as the bytes arrive, so streaming tests can tell an event
 * that was sent from one still sitting in a buffer. `close()` hangs up like a client would.
 */
export interface RawStream {
  status: number;
  headers: Headers;
  /** The next chunk of text, or `undefined` at the end (or after `close()`). */
  nextChunk(timeoutMs?: number): Promise<string | undefined>;
  /** The next `data:` payload, parsed, reading chunks as needed; `undefined` at the end. */
  nextEvent(timeoutMs?: number): Promise<unknown>;
  /** Everything until the end, as text. */
  rest(): Promise<string>;
  close(): void;
}

type Source = { read(): Promise<string | undefined>; close(): void };

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function rawStream(status: number, headers: Headers, source: Source): RawStream {
  let buffer = "";
  const self: RawStream = {
    status,
    headers,
    nextChunk: (timeoutMs = 5000) => withTimeout(source.read(), timeoutMs, "chunk"),
    async nextEvent(timeoutMs = 5000) {
      for (;;) {
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").find((line) => line.startsWith("data: "));
          if (data) return JSON.parse(data.slice(6));
          end = buffer.indexOf("\n\n");
        }
        const chunk = await self.nextChunk(timeoutMs);
        if (chunk === undefined) return undefined;
        buffer += chunk;
      }
    },
    async rest() {
      let text = buffer;
      buffer = "";
      for (;;) {
        const chunk = await self.nextChunk();
        if (chunk === undefined) return text;
        text += chunk;
      }
    },
    close: () => source.close(),
  };
  return self;
}

/** Reads an in-process `Response` chunk by chunk. */
export function streamOfResponse(response: Response): RawStream {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  return rawStream(response.status, response.headers, {
    async read() {
      const { done, value } = await reader.read();
      return done ? undefined : decoder.decode(value, { stream: true });
    },
    close: () => void reader.cancel().catch(() => {}),
  });
}

/** Sends a request over a real socket and reads the response chunk by chunk. */
export function openRawStream(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? "GET", headers: init.headers });
    req.on("error", reject);
    req.on("response", (res: IncomingMessage) => {
      res.setEncoding("utf8");
      const queue: (string | undefined)[] = [];
      const waiters: ((chunk: string | undefined) => void)[] = [];
      const push = (chunk: string | undefined) => {
        const waiter = waiters.shift();
        if (waiter) waiter(chunk);
        else queue.push(chunk);
      };
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        push(undefined);
      };
      res.on("data", (chunk: string) => push(chunk));
      res.on("end", end);
      res.on("close", end);
      res.on("error", end);
      const headers = new Headers();
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
      }
      resolve(
        rawStream(res.statusCode ?? 0, headers, {
          read: () => {
            if (queue.length > 0) return Promise.resolve(queue.shift());
            if (ended) return Promise.resolve(undefined);
            return new Promise((r) => waiters.push(r));
          },
          close: () => {
            req.destroy();
            end();
          },
        }),
      );
    });
    req.end(init.body);
  });
}
