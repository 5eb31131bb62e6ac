import { A2AError } from "../errors/a2a-error.js";
import type { Part } from "../wire/v1/index.js";

function essence(mediaType: string): string {
  return mediaType.split(";", 1)[0]!.trim().toLowerCase();
}

/** Whether `mediaType` matches one of `modes` (`*\/*` and `type/*` wildcards allowed). */
export function acceptsMediaType(modes: readonly string[], mediaType: string): boolean {
  const wanted = essence(mediaType);
  const slash = wanted.indexOf("/");
  const type = slash > 0 ? wanted.slice(0, slash) : wanted;
  return modes.some((mode) => {
    const m = essence(mode);
    return m === "*/*" || m === wanted || m === `${type}/*`;
  });
}

/** Rejects parts whose declared `mediaType` the agent does not accept. */
export function assertPartsAccepted(parts: readonly Part[], modes: readonly string[]): void {
  for (const part of parts) {
    if (part.mediaType && !acceptsMediaType(modes, part.mediaType)) {
      throw new A2AError(
        "CONTENT_TYPE_NOT_SUPPORTED",
        `Media type ${part.mediaType} is not supported; this agent accepts ${modes.join(", ")}`,
        { metadata: { mediaType: part.mediaType } },
      );
    }
  }
}
