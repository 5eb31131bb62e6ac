import { connect } from "node:net";

/** A response read off a raw socket. */
export interface RawResponse {
  status: number;
  /** Lowercase names; repeated headers joined by ", ". */
  headers: Record<string, string>;
  body: string;
}

export interface RawRequest {
  method?: string;
  /** The request target, sent as is (any bytes a client could send). */
  target: string;
  /** Sent as is and in order, `Host` included: nothing is added but `Connection: close`. */
  headers?: [string, string][];
  body?: string;
}

/**
 * Sends one HTTP/1.1 request byte for byte, as a hostile client could (a `Host` that is no
 * host, a target in absolute form), and reads the response until the server closes.
 */
export function rawRequest(port: number, request: RawRequest): Promise<RawResponse> {
  const body = request.body ?? "";
  const lines = [`${request.method ?? "GET"} ${request.target} HTTP/1.1`];
  for (const [name, value] of request.headers ?? []) lines.push(`${name}: ${value}`);
  if (body !== "") lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  lines.push("Connection: close");
  const text = `${lines.join("\r\n")}\r\n\r\n${body}`;
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error("no complete response in 3 s")), 3000);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf("\r\n\r\n");
      if (split === -1) {
        reject(new Error(`not an HTTP response: ${JSON.stringify(raw.toString().slice(0, 200))}`));
        return;
      }
      const [statusLine, ...headerLines] = raw.subarray(0, split).toString().split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(":");
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      const rest = raw.subarray(split + 4);
      const body = headers["transfer-encoding"] === "chunked" ? dechunk(rest) : rest;
      resolve({ status: Number(statusLine!.split(" ")[1]), headers, body: body.toString("utf8") });
    });
  });
}

/** The body of a chunked message (chunk sizes count bytes). */
function dechunk(bytes: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const end = bytes.indexOf("\r\n", at);
    if (end === -1) return Buffer.concat(out);
    const size = Number.parseInt(bytes.subarray(at, end).toString(), 16);
    if (!(size > 0)) return Buffer.concat(out);
    out.push(bytes.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
}
