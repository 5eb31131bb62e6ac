import { z } from "zod";

/**
 * ProtoJSON field names and enums: parsers must accept a field's proto name as well as its
 * lowerCamel json name, and an enum's number as well as its name (the ProtoJSON mapping).
 */

/** Proto field name -> json name, for the fields of one message. */
export type ProtoFieldAliases = Readonly<Record<string, string>>;

/** `historyLength` -> `history_length`: the proto field name behind a lowerCamel json name. */
export function protoFieldName(jsonName: string): string {
  return jsonName.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * The aliases of a message whose json names are `jsonNames`: each one's snake_case proto name,
 * plus `overrides` for fields whose proto `json_name` is not the lowerCamel of the field name
 * (0.3 `SendMessageRequest.request` is sent as `message`).
 */
export function protoAliases(
  jsonNames: readonly string[],
  overrides: ProtoFieldAliases = {},
): ProtoFieldAliases {
  const aliases: Record<string, string> = {};
  for (const jsonName of jsonNames) {
    const protoName = protoFieldName(jsonName);
    if (protoName !== jsonName) aliases[protoName] = jsonName;
  }
  return { ...aliases, ...overrides };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `schema`, reading its fields under their proto names too. ProtoJSON parsers must accept both
 * the json name and the proto field name, and refuse a field given under both. With
 * `nullIsUnset` (the default), a `null` field is the field's default (unset), so it is
 * dropped; pass `false` where a field may hold a JSON null (a `google.protobuf.Value`). Only
 * this object's own keys are touched: keys inside its values (a `metadata` or `data` Struct)
 * are never renamed.
 */
export function acceptProtoNames<T extends z.ZodType>(
  schema: T,
  aliases: ProtoFieldAliases,
  options: { nullIsUnset?: boolean } = {},
) {
  const nullIsUnset = options.nullIsUnset ?? true;
  return z.preprocess((input, ctx) => {
    if (!isRecord(input)) return input;
    // Copied only when something changes: most requests use json names and no nulls.
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(input)) {
      const jsonName = Object.hasOwn(aliases, key) ? aliases[key] : undefined;
      const unset = nullIsUnset && input[key] === null;
      if (jsonName === undefined && !unset) continue;
      // Spread, not assignment, so an own `__proto__` key stays a plain data property.
      out ??= { ...input };
      if (jsonName !== undefined) {
        if (Object.hasOwn(input, jsonName)) {
          ctx.issues.push({
            code: "custom",
            message: `is set twice, as "${jsonName}" and as "${key}" (the json and proto names of one field); send only one`,
            path: [jsonName],
            input,
          });
          continue;
        }
        out[jsonName] = input[key];
        delete out[key];
      }
      if (unset) delete out[jsonName ?? key];
    }
    return out ?? input;
  }, schema);
}

/** A ProtoJSON message: `z.object(shape)` reading each field under both of its names. */
export function protoObject<S extends z.ZodRawShape>(shape: S, overrides?: ProtoFieldAliases) {
  return acceptProtoNames(z.object(shape), protoAliases(Object.keys(shape), overrides));
}

/**
 * A ProtoJSON enum: its value name or its number (both are valid ProtoJSON; a number in a
 * string is read too, as the protobuf Java and Python parsers do), parsed to the name. The `0` /
 * `*_UNSPECIFIED` value is left out of `values` where a request must set it.
 */
export function protoEnum<const V extends Readonly<Record<string, number>>>(values: V) {
  type Name = Extract<keyof V, string>;
  const names = Object.keys(values) as Name[];
  const byNumber = new Map<number, Name>(names.map((name) => [values[name] as number, name]));
  const message = `must be one of ${names.map((name) => `${name} (${values[name]})`).join(", ")}`;
  return z
    .union([z.string(), z.number()], {
      error: (issue) => (issue.input === undefined ? "is required" : message),
    })
    .transform((value, ctx): Name => {
      const name =
        typeof value === "number"
          ? byNumber.get(value)
          : Object.hasOwn(values, value)
            ? (value as Name)
            : /^-?\d+$/.test(value)
              ? byNumber.get(Number(value))
              : undefined;
      if (name === undefined) {
        ctx.issues.push({ code: "custom", message, input: value });
        return z.NEVER;
      }
      return name;
    });
}

/**
 * `schema` (an object schema), also reading each of its fields under its proto field name:
 * `{"history_length":1}` is `{"historyLength":1}`. See {@link acceptProtoNames}.
 */
export function withProtoNames<T extends z.ZodObject>(schema: T) {
  // Nulls are left to the schema: a 1.0 `Value` field (`Part.data`) may be JSON null.
  return acceptProtoNames(schema, protoAliases(Object.keys(schema.shape)), {
    nullIsUnset: false,
  });
}
