/**
 * Part-level fields 1.0 has and 0.3 text and data parts lack travel in the 0.3 part's
 * metadata under this one key, so a 0.3 client that echoes a part back loses nothing and
 * other metadata keys are never touched.
 */
export const V1_PART_METADATA_KEY = "a2a-mount/v1";

/** What the reserved metadata entry can hold. */
export interface PartExtras {
  mediaType?: string;
  filename?: string;
  /** The 1.0 `data` was not a JSON object and is the `value` member of the 0.3 `data`. */
  wrapped?: true;
}

type Metadata = Record<string, unknown>;

/** `metadata` plus the extras entry, or `metadata` unchanged when there are no extras. */
export function withExtras(
  metadata: Metadata | undefined,
  extras: PartExtras,
): Metadata | undefined {
  if (Object.keys(extras).length === 0) return metadata;
  return { ...metadata, [V1_PART_METADATA_KEY]: extras };
}

/**
 * Splits the extras entry off 0.3 part metadata. Only well-typed members are honoured, since
 * the entry arrives from a client. Metadata that held nothing but the entry becomes absent.
 */
export function takeExtras(metadata: Metadata | undefined): {
  metadata: Metadata | undefined;
  extras: PartExtras;
} {
  if (!metadata || !(V1_PART_METADATA_KEY in metadata)) return { metadata, extras: {} };
  const { [V1_PART_METADATA_KEY]: raw, ...rest } = metadata;
  const extras: PartExtras = {};
  if (raw !== null && typeof raw === "object") {
    const entry = raw as Record<string, unknown>;
    if (typeof entry.mediaType === "string") extras.mediaType = entry.mediaType;
    if (typeof entry.filename === "string") extras.filename = entry.filename;
    if (entry.wrapped === true) extras.wrapped = true;
  }
  return { metadata: Object.keys(rest).length > 0 ? rest : undefined, extras };
}
