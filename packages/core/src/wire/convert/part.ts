import { compact } from "../../util/compact.js";
import type * as v1 from "../v1/index.js";
import type * as v03 from "../v03/index.js";
import { type PartExtras, takeExtras, withExtras } from "./part-extras.js";

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * A 1.0 part as a 0.3 part. `raw` and `url` become a `FilePart` (`bytes` / `uri`, with
 * `mediaType` and `filename` as `mimeType` and `name`). Text and data parts have no
 * `mimeType`/`name` in 0.3, so those go into metadata (see {@link V1_PART_METADATA_KEY}).
 * 0.3 `data` must be a JSON object: any other 1.0 value is sent as `{"value": x}` and
 * marked `wrapped` in that metadata entry, so {@link partFromV03} unwraps it.
 */
export function partToV03(part: v1.Part): v03.Part {
  const { metadata, mediaType, filename } = part;
  if (part.text !== undefined) {
    return compact({
      kind: "text",
      text: part.text,
      metadata: withExtras(metadata, compact({ mediaType, filename })),
    });
  }
  if (part.raw !== undefined || part.url !== undefined) {
    const content = part.raw !== undefined ? { bytes: part.raw } : { uri: part.url ?? "" };
    return compact({
      kind: "file",
      file: compact({ ...content, mimeType: mediaType, name: filename }),
      metadata,
    });
  }
  // The oneof guarantees `data` is set here; JSON `null` is a value too.
  const data = part.data ?? null;
  const extras: PartExtras = compact({ mediaType, filename });
  if (isJsonObject(data)) {
    return compact({ kind: "data", data, metadata: withExtras(metadata, extras) });
  }
  return compact({
    kind: "data",
    data: { value: data },
    metadata: withExtras(metadata, { ...extras, wrapped: true }),
  });
}

/**
 * A 0.3 part as a 1.0 part; the inverse of {@link partToV03}. The reserved metadata entry is
 * removed and applied: `mediaType`/`filename` restored, wrapped data unwrapped.
 */
export function partFromV03(part: v03.Part): v1.Part {
  const { metadata, extras } = takeExtras(part.metadata);
  const common = { metadata, mediaType: extras.mediaType, filename: extras.filename };
  switch (part.kind) {
    case "text":
      return compact({ text: part.text, ...common });
    case "file": {
      const { file } = part;
      const content = "bytes" in file ? { raw: file.bytes } : { url: file.uri };
      return compact({
        ...content,
        metadata,
        mediaType: file.mimeType ?? extras.mediaType,
        filename: file.name ?? extras.filename,
      });
    }
    case "data": {
      const data = extras.wrapped && "value" in part.data ? part.data.value : part.data;
      return compact({ data, ...common });
    }
  }
}
