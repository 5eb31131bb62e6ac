import { z } from "zod";
import { isRecord } from "../util/is-record.js";

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

/**
 * `value` with its proto field names (those `aliasOf` knows) under their json names, and,
 * with `dropNulls`, its null fields left out (unset); copies only when something changes.
 * A field given under both names is an issue at `path` (the object's own path).
 */
function jsonNamed(
  value: Record<string, unknown>,
  aliasOf: (key: string) => string | undefined,
  path: readonly PropertyKey[],
  issues: z.core.$ZodRawIssue[],
  dropNulls: boolean,
): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const jsonName = aliasOf(key);
    const unset = dropNulls && value[key] === null;
    if (jsonName === undefined && !unset) continue;
    // Spread, not assignment, so an own `__proto__` key stays a plain data property.
    out ??= { ...value };
    if (jsonName !== undefined) {
      if (Object.hasOwn(value, jsonName)) {
        issues.push({
          code: "custom",
          message: `is set twice, as "${jsonName}" and as "${key}" (the json and proto names of one field); send only one`,
          path: [...path, jsonName],
          input: value,
        });
        continue;
      }
      out[jsonName] = value[key];
      delete out[key];
    }
    if (unset) delete out[jsonName ?? key];
  }
  return out ?? value;
}

/**
 * `schema`, reading its fields under their proto names too. ProtoJSON parsers must accept both
 * the json name and the proto field name, and refuse a field given under both. A `null`
 * field is the field's default (unset), so it is dropped (none of the 0.3 messages read this
 * way has a `google.protobuf.Value` field, where null would be a value). Only this object's
 * own keys are touched: keys inside its values (a `metadata` or `data` Struct) are never
 * renamed.
 */
export function acceptProtoNames<T extends z.ZodType>(schema: T, aliases: ProtoFieldAliases) {
  const aliasOf = (key: string) => (Object.hasOwn(aliases, key) ? aliases[key] : undefined);
  return z.preprocess(
    (input, ctx) => (isRecord(input) ? jsonNamed(input, aliasOf, [], ctx.issues, true) : input),
    schema,
  );
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

/** Where proto field names may appear in a value of one schema, and what they stand for. */
interface NameTree {
  /** Proto field name -> json name, for this object's own fields. */
  aliasOf: (key: string) => string | undefined;
  /** The trees of fields (by json name) whose values hold objects with names of their own. */
  fields: ReadonlyMap<string, NameTree>;
}

/** The parts of a zod definition the tree follows. */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
}

/**
 * The name tree of `schema`: objects and the arrays, optionals and pipes around them.
 * Records (a `Struct`'s keys are data) and unions are not entered.
 */
function nameTree(schema: z.ZodType): NameTree | undefined {
  const def = schema._zod.def as unknown as SchemaDef;
  switch (def.type) {
    case "object": {
      const aliases = new Map<string, string>();
      const fields = new Map<string, NameTree>();
      for (const [jsonName, field] of Object.entries(def.shape ?? {})) {
        const protoName = protoFieldName(jsonName);
        if (protoName !== jsonName) aliases.set(protoName, jsonName);
        const tree = nameTree(field);
        if (tree) fields.set(jsonName, tree);
      }
      return aliases.size > 0 || fields.size > 0
        ? { aliasOf: (key) => aliases.get(key), fields }
        : undefined;
    }
    case "array":
      return def.element && nameTree(def.element);
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
      return def.innerType && nameTree(def.innerType);
    case "pipe":
      return def.in && nameTree(def.in);
    default:
      return undefined;
  }
}

/**
 * `value` with every proto field name that `tree` knows replaced by its json name; copies
 * only what changes. A field given under both names is an issue at `path`.
 */
function withJsonNames(
  value: unknown,
  tree: NameTree,
  path: PropertyKey[],
  issues: z.core.$ZodRawIssue[],
): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      const item = withJsonNames(value[i], tree, path, issues);
      path.pop();
      if (item !== value[i]) {
        out ??= value.slice();
        out[i] = item;
      }
    }
    return out ?? value;
  }
  if (!isRecord(value)) return value;
  const named = jsonNamed(value, tree.aliasOf, path, issues, false);
  let out = named;
  for (const [field, child] of tree.fields) {
    if (!Object.hasOwn(named, field)) continue;
    const inner = named[field];
    path.push(field);
    const renamed = withJsonNames(inner, child, path, issues);
    path.pop();
    if (renamed !== inner) {
      if (out === value) out = { ...named };
      out[field] = renamed;
    }
  }
  return out;
}

/**
 * A request schema that also reads every field, at any depth, under its proto field name:
 * `{"history_length":1}` is `{"historyLength":1}`, a message's `message_id` its `messageId`
 * (ProtoJSON parsers must accept both). Only field names the schema declares are renamed,
 * so keys inside a `Struct` (`metadata`, a data part) are never touched; a field given under
 * both names is refused. One pass before the schema runs, so the schema itself stays a plain
 * object (and keeps zod's fast path).
 */
export function protoRequest<T extends z.ZodType>(schema: T) {
  const tree = nameTree(schema);
  return z.preprocess(
    (value, ctx) => (tree ? withJsonNames(value, tree, [], ctx.issues) : value),
    schema,
  );
}
