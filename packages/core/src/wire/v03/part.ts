import { z } from "zod";
import { oneOf } from "../v1/one-of.js";
import { Bytes, Struct } from "../v1/primitives.js";

export const TextPart = z.object({
  kind: z.literal("text"),
  text: z.string(),
  metadata: Struct.optional(),
});
export type TextPart = z.infer<typeof TextPart>;

const fileBase = {
  mimeType: z.string().optional(),
  name: z.string().optional(),
};
const bytes = Bytes;
const uri = z.string().min(1, "must not be empty");

/** `FileWithBytes`: file content inline, base64. */
export const FileWithBytes = z.object({ bytes, ...fileBase });
export type FileWithBytes = z.infer<typeof FileWithBytes>;

/** `FileWithUri`: file content at a URL. */
export const FileWithUri = z.object({ uri, ...fileBase });
export type FileWithUri = z.infer<typeof FileWithUri>;

/**
 * `FilePart.file`: exactly one of `bytes` and `uri`. A plain union would match an object with
 * both against the first member and silently drop the other, so the oneof check rejects it;
 * the transform only narrows the (already checked) type to the union.
 */
export const FileContent = oneOf({ bytes, uri }, fileBase).transform(
  (file) => file as FileWithBytes | FileWithUri,
);
export type FileContent = z.infer<typeof FileContent>;

export const FilePart = z.object({
  kind: z.literal("file"),
  file: FileContent,
  metadata: Struct.optional(),
});
export type FilePart = z.infer<typeof FilePart>;

/** `DataPart`: in 0.3 `data` must be a JSON object. */
export const DataPart = z.object({
  kind: z.literal("data"),
  data: Struct,
  metadata: Struct.optional(),
});
export type DataPart = z.infer<typeof DataPart>;

/** 0.3 `Part`: `TextPart | FilePart | DataPart`, told apart by `kind`. */
export const Part = z.discriminatedUnion("kind", [TextPart, FilePart, DataPart]);
export type Part = z.infer<typeof Part>;
