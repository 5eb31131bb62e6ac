import type { ServerResponse } from "node:http";
import type { HttpInput, HttpReply } from "../http/exchange.js";
import type { Principal } from "../types/principal.js";
import { type BodyOutcome, nodeInput } from "./node-input.js";
import type { NodeRequest, NodeRequestOptions } from "./node-types.js";
import { requestTarget, socketOrigin, splitTarget } from "./to-request.js";
import { writeReply } from "./write-reply.js";

/**
 * The fast path: the agent reads `req` directly and its reply is written to `res` as it is.
 * Always resolves `true`: the agent itself refuses a request it cannot serve.
 */
export async function serveAgent(
  handle: (input: HttpInput) => Promise<HttpReply>,
  req: NodeRequest,
  res: ServerResponse,
  options: NodeRequestOptions,
  principal: Principal | undefined,
  maxBytes: number,
): Promise<boolean> {
  const outcome: BodyOutcome = { overflow: false, broken: false };
  const input = nodeInput(
    req,
    {
      target: splitTarget(requestTarget(req, options)),
      origin: options.origin ?? socketOrigin(req),
      basePath: options.basePath,
      principal,
      parsedBody: options.parsedBody,
      maxBytes,
    },
    outcome,
  );
  const reply = await handle(input);
  if (outcome.broken) {
    res.destroy(); // the client left mid-upload: no one to answer
    return true;
  }
  // The rest of an oversized upload is not worth reading: close after answering.
  if (outcome.overflow) res.shouldKeepAlive = false;
  await writeReply(reply, res);
  return true;
}
