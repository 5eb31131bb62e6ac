import { z } from "zod";

/** `historyLength` -> `history_length`: the proto field name behind a lowerCamel json name. */
export function protoFieldName(jsonName: string): string {
  return jsonName.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `schema`, also reading each of its fields under its proto field name (ProtoJSON parsers
 * must accept both, so `{"history_length":1}` is `{"historyLength":1}`). Only this object's
 * own field names are renamed, never keys inside its values (a `metadata` Struct keeps its
 * keys). A field given under both names is refused, as protobuf parsers do.
 */
export function withProtoNames<T extends z.ZodObject>(schema: T) {
  const aliases = new Map<string, string>();
  for (const jsonName of Object.keys(schema.shape)) {
    const protoName = protoFieldName(jsonName);
    if (protoName !== jsonName) aliases.set(protoName, jsonName);
  }
  return z.preprocess((value, ctx) => {
    if (!isRecord(value)) return value;
    let renamed: Record<string, unknown> | undefined;
    for (const key in value) {
      const jsonName = aliases.get(key);
      if (jsonName === undefined) continue;
      renamed ??= { ...value };
      if (jsonName in value) {
        ctx.issues.push({
          code: "custom",
          message: `is set twice, as ${key} and as ${jsonName}`,
          path: [jsonName],
          input: value,
        });
      }
      renamed[jsonName] = value[key];
      delete renamed[key];
    }
    return renamed ?? value;
  }, schema);
}
