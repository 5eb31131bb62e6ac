import { z } from "zod";
import { oneOf } from "./one-of.js";
import { Bytes, Struct } from "./primitives.js";

/**
 * `Part`: exactly one of `text`, `raw` (base64), `url` or `data` (any JSON value),
 * plus optional `metadata`, `filename` and `mediaType`.
 */
export const Part = oneOf(
  {
    text: z.string(),
    raw: Bytes,
    url: z.string().min(1, "must not be empty"),
    data: z.unknown(),
  },
  {
    metadata: Struct.optional(),
    filename: z.string().optional(),
    mediaType: z.string().optional(),
  },
);
export type Part = z.infer<typeof Part>;
