import type { PushOptions } from "@a2a-mount/core";
import { webhookSender } from "@a2a-mount/core/node";

/**
 * The `push` option of an agent whose webhooks are test receivers on 127.0.0.1 (which the
 * sender's SSRF guard refuses unless it is allow-listed, as here).
 */
export function testPush(options: Omit<PushOptions, "sender"> = {}): PushOptions {
  return { sender: webhookSender({ allowHosts: ["127.0.0.1"] }), ...options };
}

/** A real webhook receiver on 127.0.0.1: the core's tests' own. */
export { PushReceiver, type Received } from "../../packages/core/test/push-receiver.js";
