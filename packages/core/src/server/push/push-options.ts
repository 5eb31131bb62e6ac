import type { Clock } from "../../ports/clock.js";
import { InMemoryPushConfigStore } from "../../ports/in-memory-push-config-store.js";
import type { Logger } from "../../ports/logger.js";
import type { PushConfigStore } from "../../ports/push-config-store.js";
import type { TaskStore } from "../../ports/task-store.js";
import type { WebhookSender } from "../../ports/webhook-sender.js";
import type { PushSigner, PushSigningOptions } from "../../security/push-signer.js";
import { PushConfigs } from "./push-configs.js";
import { PushDelivery, type PushDeliveryFailure } from "./push-delivery.js";

/** The `push` option of `createA2A`: push notifications, delivered as the task's log grows. */
export interface PushOptions {
  /**
   * What sends the deliveries and guards against SSRF: `webhookSender({ allowHosts })` of
   * `@a2a-mount/core/node` on Node.
   */
  sender: WebhookSender;
  /**
   * Where configs and their delivery progress live. Default: the task store's, when it keeps
   * them (`@a2a-mount/postgres` does: deliveries then survive restarts and are shared by the
   * instances), else process memory.
   */
  configStore?: PushConfigStore;
  /** Configs one task may have. Default 10. */
  maxConfigsPerTask?: number;
  /** One delivery attempt's deadline in ms. Default 15 000 (spec §13.2: 10-30 s). */
  timeoutMs?: number;
  /**
   * Attempts that may fail in a row before the config is disabled (its deliveries stop; the
   * config stays). Default 8.
   */
  maxConsecutiveFailures?: number;
  /** The first retry's delay in ms, doubled for each next one (with jitter). Default 1 000. */
  retryBaseMs?: number;
  /** The longest wait between attempts in ms, `Retry-After` included. Default 300 000. */
  retryMaxMs?: number;
  /** Told of every failed attempt (the logger is too). */
  onDeliveryFailure?: (failure: PushDeliveryFailure) => void;
  /**
   * Signs every delivery: a JWT in the `A2A-Notification-Signature` header (`iss` the agent,
   * `aud` the webhook URL, `iat`, `exp`, `jti` the delivery id, `taskId`, `body_sha256`), its
   * JWS header naming the key (`kid`) and the JWKS the agent serves at
   * `<publicUrl>/.well-known/jwks.json` (`jku`). Needs `publicUrl`. Receivers check it with
   * `verifyPushNotification`.
   */
  signing?: PushSigningOptions;
}

/** The configs service over its delivery, from the options. */
export function createPushConfigs(
  options: PushOptions,
  deps: {
    tasks: TaskStore;
    clock: Clock;
    logger: Logger;
    newId: () => string;
    /** How long a claim on a config's deliveries lasts unless renewed (the run lease's). */
    claimTtlMs: number;
    signer: PushSigner | undefined;
  },
): PushConfigs {
  const configs =
    options.configStore ??
    deps.tasks.pushConfigs ??
    new InMemoryPushConfigStore({
      taskExists: async (key) => (await deps.tasks.get(key)) !== undefined,
    });
  const delivery = new PushDelivery({
    tasks: deps.tasks,
    configs,
    holder: deps.newId(),
    claimTtlMs: deps.claimTtlMs,
    pendingPollMs: Math.max(100, deps.claimTtlMs / 3),
    sender: options.sender,
    signer: deps.signer,
    policy: {
      timeoutMs: options.timeoutMs ?? 15_000,
      maxConsecutiveFailures: options.maxConsecutiveFailures ?? 8,
      retryBaseMs: options.retryBaseMs ?? 1_000,
      retryMaxMs: options.retryMaxMs ?? 300_000,
      random: Math.random,
    },
    clock: deps.clock,
    logger: deps.logger,
    onFailure: options.onDeliveryFailure,
  });
  return new PushConfigs({
    tasks: deps.tasks,
    configs,
    sender: options.sender,
    delivery,
    maxConfigsPerTask: options.maxConfigsPerTask ?? 10,
    newId: deps.newId,
  });
}
