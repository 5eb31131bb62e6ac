import type { ServerResponse } from "node:http";
import type { AgentInternals } from "../transport/agent.js";
import type { Principal } from "../types/principal.js";
import { type BodyOutcome, nodeInput } from "./node-input.js";
import type { NodeRequest, NodeRequestOptions } from "./node-types.js";
import { requestTarget, socketOrigin, splitTarget } from "./request-target.js";
import { writeReply } from "./write-reply.js";

/** The agent reads `req` directly and its reply is written to `res` as it is. */
export async function serveAgent(
  agent: AgentInternals,
  req: NodeRequest,
  res: ServerResponse,
  options: NodeRequestOptions,
  principal: Principal | undefined,
): Promise<void> {
  const outcome: BodyOutcome = { overflow: false, broken: false };
  const input = nodeInput(
    req,
    {
      target: splitTarget(requestTarget(req, options)),
      origin: options.origin ?? socketOrigin(req),
      basePath: options.basePath,
      principal,
      parsedBody: options.parsedBody,
      maxBytes: agent.maxBodyBytes,
    },
    outcome,
  );
  const reply = await agent.handle(input);
  if (outcome.broken) {
    res.destroy(); // the client left mid-upload: no one to answer
    return;
  }
  // The rest of an oversized upload is not worth reading: close after answering.
  if (outcome.overflow) res.shouldKeepAlive = false;
  await writeReply(reply, res);
}
