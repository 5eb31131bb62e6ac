import type { Clock } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type { PushConfigStore } from "../../ports/push-config-store.js";
import type { TaskStore } from "../../ports/task-store.js";
import type { WebhookSender } from "../../ports/webhook-sender.js";
import type { PushSigner } from "../../security/push-signer.js";
import type { DeliveryPolicy } from "./delivery-policy.js";

/** A delivery that failed, as `onDeliveryFailure` is told of it. */
export interface PushDeliveryFailure {
  taskId: string;
  configId: string;
  url: string;
  /** The id of the delivery (task id and event sequence). */
  deliveryId: string;
  /** The receiver's status, or `undefined` when no response came. */
  status: number | undefined;
  error: string | undefined;
  /** Attempts failed in a row, this one included. */
  failures: number;
  /** What happens next. */
  outcome: "retrying" | "event-given-up" | "config-disabled";
}

export interface PushDeliveryDeps {
  tasks: TaskStore;
  configs: PushConfigStore;
  /** This process's name on its claims (stores shared by several processes). */
  holder: string;
  /** How long a claim lasts unless renewed, in ms. */
  claimTtlMs: number;
  /** How often configs left with undelivered events are looked for, in ms. */
  pendingPollMs: number;
  sender: WebhookSender;
  /** Signs each attempt, when deliveries are signed. */
  signer: PushSigner | undefined;
  policy: DeliveryPolicy;
  clock: Clock;
  logger: Logger;
  onFailure: ((failure: PushDeliveryFailure) => void) | undefined;
}
