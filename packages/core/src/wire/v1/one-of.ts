import { z } from "zod";

/**
 * A protobuf `oneof` in ProtoJSON: an object where exactly one of the given members is set.
 * Extra object fields (outside the oneof) may be added with `extra`.
 */
export function oneOf<M extends z.ZodRawShape, E extends z.ZodRawShape = Record<never, never>>(
  members: M,
  extra?: E,
) {
  const names = Object.keys(members);
  const optionalMembers = Object.fromEntries(
    names.map((name) => [name, (members[name] as z.ZodType).optional()]),
  ) as unknown as { [K in keyof M]: z.ZodOptional<M[K]> };
  return z.object({ ...optionalMembers, ...(extra ?? ({} as E)) }).superRefine((value, ctx) => {
    const record = value as Record<string, unknown>;
    const present = names.filter((name) => record[name] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `must have exactly one of ${names.join(", ")}${
          present.length > 1 ? `, got ${present.join(", ")}` : ""
        }`,
      });
    }
  });
}
