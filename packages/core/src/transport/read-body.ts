import { A2AError } from "../errors/a2a-error.js";

/** The 413 for a body over the limit. */
export function tooLarge(maxBytes: number): A2AError {
  return new A2AError("INVALID_REQUEST", `Request body exceeds the limit of ${maxBytes} bytes`, {
    transportStatus: 413,
    metadata: { maxBytes: String(maxBytes) },
  });
}

/**
 * Reads a request body as UTF-8 text, refusing more than `maxBytes` without buffering it:
 * a declared `Content-Length` over the limit is refused before reading, and a body that
 * grows past it is cancelled mid-stream.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return decodeUtf8(chunks.length === 1 ? chunks[0]! : concat(chunks, total));
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The body's bytes as text; a parse error when they are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new A2AError("JSON_PARSE", "Invalid JSON payload: the body is not valid UTF-8");
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** `application/json` or any `+json` media type (e.g. `application/a2a+json`). */
export function isJsonMediaType(contentType: string): boolean {
  const essence = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return essence === "application/json" || /^application\/[\w.+-]+\+json$/.test(essence);
}
