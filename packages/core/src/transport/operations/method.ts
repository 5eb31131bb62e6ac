import type { z } from "zod";
import type { A2AServer, EventStream } from "../../server/a2a-server.js";
import type { CallContext } from "../../server/call-context.js";
import { mapStream } from "../map-stream.js";

interface UnaryMethod<S extends z.ZodType> {
  kind: "unary";
  params: S;
  run(server: A2AServer, params: z.output<S>, call: CallContext): Promise<unknown>;
}

interface StreamMethod<S extends z.ZodType> {
  kind: "stream";
  params: S;
  run(server: A2AServer, params: z.output<S>, call: CallContext): Promise<EventStream>;
}

/**
 * An operation as one binding of one protocol version serves it: the schema its params are
 * read with, and what runs them (a result, or a stream of events).
 */
// biome-ignore lint/suspicious/noExplicitAny: a table of methods with heterogeneous params
export type Method = UnaryMethod<any> | StreamMethod<any>;

export const unary = <S extends z.ZodType>(
  params: S,
  run: UnaryMethod<S>["run"],
): UnaryMethod<S> => ({ kind: "unary", params, run });

export const stream = <S extends z.ZodType>(
  params: S,
  run: StreamMethod<S>["run"],
): StreamMethod<S> => ({ kind: "stream", params, run });

/**
 * A 0.3 form of a 1.0 method: params are read with `params` and converted to 1.0 on the way
 * in, and `out` shapes each result (or each event of a stream) on the way out, knowing the
 * params. The core never sees a 0.3 shape.
 */
export function servedBy<S extends z.ZodType>(
  target: Method,
  params: S,
  toV1: (params: z.output<S>) => unknown,
  out: (result: never, params: z.output<S>) => unknown,
): Method {
  if (target.kind === "unary") {
    return {
      kind: "unary",
      params,
      run: async (server, p, call) => out((await target.run(server, toV1(p), call)) as never, p),
    };
  }
  return {
    kind: "stream",
    params,
    run: async (server, p, call) =>
      mapStream(await target.run(server, toV1(p), call), (item) => ({
        id: item.id,
        event: out(item.event as never, p),
      })) as EventStream,
  };
}
