import type { CryptoKey, JWK } from "jose";
import { z } from "zod";
import { DEFAULT_MODES } from "./card/build-card.js";
import { AgentCardInput, SecurityInputSchema } from "./card/card-input.js";
import { type CardModifier, CardService } from "./card/card-service.js";
import { type CardSigningOptions, cardSigner } from "./card/card-signing.js";
import { A2AError } from "./errors/a2a-error.js";
import { type Clock, systemClock } from "./ports/clock.js";
import { InMemoryTaskStore } from "./ports/in-memory-task-store.js";
import { consoleLogger, type Logger } from "./ports/logger.js";
import type { PushConfigStore } from "./ports/push-config-store.js";
import type { TaskStore } from "./ports/task-store.js";
import { pushSigner } from "./security/push-signer.js";
import {
  collectSchemes,
  normalizeSecurity,
  type Requirement,
  type SecurityInput,
  wireSchemes,
} from "./security/requirement.js";
import { SecurityPolicy } from "./security/security-policy.js";
import { A2AServer } from "./server/a2a-server.js";
import { type CallContext, defaultTaskOwner, type TaskOwner } from "./server/call-context.js";
import type { AgentExecutor, AgentExecutorObject } from "./server/execution/agent-executor.js";
import { createPushConfigs, type PushOptions } from "./server/push/push-options.js";
import { type A2A, AGENT_INTERNALS } from "./transport/agent.js";
import { type Binding, createFetchHandler } from "./transport/fetch-handler.js";
import { SUPPORTED_VERSIONS } from "./transport/version.js";
import type { ProtocolVersion } from "./types/protocol-version.js";
import type { Message } from "./wire/v1/index.js";

/** Default of `leaseMs`: a run's server is taken for gone after this long without a word. */
const DEFAULT_LEASE_MS = 30_000;

/** Default of `maxJsonDepth`: deeper than any real message, shallow enough for every parser. */
const DEFAULT_MAX_JSON_DEPTH = 64;

/** Options of {@link createA2A}. Only `card` and `executor` are required. */
export interface A2AOptions {
  /** What the agent is; interfaces and capabilities are derived. */
  card: AgentCardInput;
  /** The agent: a function or an object with `execute` (and optionally `cancel`). */
  executor: AgentExecutor;
  /** Where tasks live. Default: a bounded {@link InMemoryTaskStore}. */
  taskStore?: TaskStore;
  /** Path the agent is mounted at, e.g. `/a2a`. Default `/`. Adapters pass it per request. */
  basePath?: string;
  /**
   * The agent's public URL, as the card publishes it. Without it the card names the origin
   * each request was addressed to (its `Host`, or a trusted proxy's `X-Forwarded-*`).
   */
  publicUrl?: string;
  /**
   * Requests come through a proxy you trust: its `X-Forwarded-Host` and `X-Forwarded-Proto`
   * name the origin clients used. Default `false`. (Express's `trust proxy` and Koa's
   * `app.proxy` settings are honoured by those adapters without it.)
   */
  trustProxy?: boolean;
  /**
   * Host names requests may address (port ignored; `.example.com` also allows subdomains).
   * Others get 400. Default: any valid host.
   */
  allowedHosts?: string[];
  /**
   * The bindings to serve, in the order the card lists them (the first is preferred).
   * Default `["JSONRPC", "HTTP+JSON"]`.
   */
  bindings?: Binding[];
  /**
   * The A2A versions served. Default `["1.0", "0.3"]`. `["1.0"]` serves 1.0 only: no 0.3
   * JSON-RPC methods or `/v1` routes (a 1.0 `/v1/...` path is then a tenant named `v1`),
   * `A2A-Version: 0.3` gets VersionNotSupported, and a card request without a version gets
   * the pure 1.0 card rather than the hybrid one.
   */
  protocolVersions?: ProtocolVersion[];
  /** Largest accepted request body in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * A deadline for each run of the agent, in ms. Off by default: a blocking `SendMessage`
   * waits for the task to finish or pause, however long that takes (spec §3.1.1). When set,
   * a run still going after it fails its task with a status message saying so, and the
   * agent's signal fires (a `TimeoutError`) and its `cancel` hook runs.
   */
  runTimeoutMs?: number;
  /** Deepest nesting of arrays and objects in a request body. Default 64. */
  maxJsonDepth?: number;
  /**
   * With a task store shared by several servers (one that keeps run leases, such as
   * `@a2a-mount/postgres`): how long, in ms, a run's server may go without renewing its
   * lease before it is taken for gone and another server fails the run's task. Renewed three
   * times per period. Default 30 000. Ignored by stores of one process.
   */
  leaseMs?: number;
  /**
   * Bytes of tasks one `ListTasks` page may hold: a page that would hold more ends early,
   * with a `nextPageToken`. Default 1 MiB. A single larger task still fills a page alone.
   */
  maxListBytes?: number;
  /** Interval of SSE keep-alive comments in ms; 0 disables. Default 15 000. */
  keepAliveMs?: number;
  /**
   * Bytes of events that may wait for one SSE reader. A reader that falls further behind
   * gets a final RESOURCE_EXHAUSTED error event and its stream ends (the task goes on; it
   * can subscribe again). Default 8 MiB.
   */
  maxStreamBufferBytes?: number;
  /** `Cache-Control: max-age` of the agent card in seconds. Default 300. */
  cardMaxAgeSeconds?: number;
  /** Where errors the client is not told about go. Default: console (warn and error). */
  logger?: Logger;
  /**
   * Who owns the tasks a caller creates (and so who may read, continue and cancel them).
   * Default {@link defaultTaskOwner}: the principal's id within the scheme that
   * authenticated it (or the host app's auth), so equal ids from different schemes never
   * share tasks. Return the same string for principals that are one identity on purpose.
   */
  taskOwner?: TaskOwner;
  /** Time source, for tests. */
  clock?: Clock;
  /** Id generator for tasks, contexts, messages and artifacts. Default `crypto.randomUUID`. */
  generateId?: () => string;
  /**
   * Who may call the agent: alternatives (OR) of `requireAll(...)` (AND), checked before
   * every operation and declared on the card from this one definition. Skills add their
   * own with `security` in `card.skills`. The public card stays public.
   */
  security?: SecurityInput;
  /**
   * Which skill a message invokes, so that skill's `security` is checked before the agent
   * runs. Required when skills declare security, unless the agent has a single skill.
   */
  skillFor?: (message: Message, call: CallContext) => string | undefined;
  /** Changes the public card per request (a copy, in the 1.0 shape). */
  cardModifier?: CardModifier;
  /**
   * The extended card for authenticated callers (`GetExtendedAgentCard`): fields that
   * replace the public card's, e.g. more `skills`. Setting it (or `extendedCardModifier`)
   * declares `capabilities.extendedAgentCard`.
   */
  extendedCard?: Partial<AgentCardInput>;
  /** Changes the extended card per request, e.g. per principal. */
  extendedCardModifier?: CardModifier;
  /** Signs the cards served (JWS over their RFC 8785 form, spec §8.4). */
  cardSigning?: CardSigningOptions;
  /**
   * Push notifications (spec §3.1.7-3.1.10, §4.3.3): with it, the card declares
   * `capabilities.pushNotifications`, clients may register webhooks for their tasks, and every
   * event of those tasks is POSTed to them. Without it, every push method answers
   * PushNotificationNotSupported.
   */
  push?: PushOptions;
}

/** A signing key as the options take it. */
const PrivateKey = z.custom<CryptoKey | JWK>(
  (key) => typeof key === "object" && key !== null,
  "must be a CryptoKey or a private JWK",
);

const Options = z.object({
  card: AgentCardInput,
  executor: z.union([
    z.function(),
    z.object({ execute: z.function(), cancel: z.function().optional() }).passthrough(),
  ]),
  basePath: z.string().optional(),
  publicUrl: z.url().optional(),
  trustProxy: z.boolean().optional(),
  allowedHosts: z
    .array(z.string().regex(/^\.?[A-Za-z0-9_[][A-Za-z0-9_.:\]-]*$/, "must be a host name"))
    .min(1)
    .optional(),
  bindings: z
    .array(z.enum(["JSONRPC", "HTTP+JSON"]))
    .min(1)
    .refine((list) => new Set(list).size === list.length, "must not repeat a binding")
    .optional(),
  protocolVersions: z
    .array(z.enum(["1.0", "0.3"]))
    .refine((list) => list.includes("1.0"), "must include 1.0")
    .refine((list) => new Set(list).size === list.length, "must not repeat a version")
    .optional(),
  maxBodyBytes: z.number().int().positive().optional(),
  runTimeoutMs: z.number().int().positive().optional(),
  leaseMs: z.number().int().min(100).optional(),
  maxJsonDepth: z.number().int().min(8).max(1000).optional(),
  maxListBytes: z.number().int().positive().optional(),
  keepAliveMs: z.number().int().nonnegative().optional(),
  maxStreamBufferBytes: z.number().int().positive().optional(),
  cardMaxAgeSeconds: z.number().int().nonnegative().optional(),
  security: SecurityInputSchema.optional(),
  skillFor: z.function().optional(),
  cardModifier: z.function().optional(),
  extendedCard: AgentCardInput.partial().optional(),
  extendedCardModifier: z.function().optional(),
  taskOwner: z.function().optional(),
  cardSigning: z
    .object({
      privateKey: PrivateKey,
      alg: z.string().min(1),
      kid: z.string().min(1),
      jku: z.url().optional(),
    })
    .optional(),
  push: z
    .object({
      sender: z.custom<PushOptions["sender"]>(
        (sender) =>
          typeof sender === "object" &&
          sender !== null &&
          typeof (sender as PushOptions["sender"]).post === "function" &&
          typeof (sender as PushOptions["sender"]).check === "function",
        "must be a WebhookSender (webhookSender() of @a2a-mount/core/node)",
      ),
      configStore: z.custom<PushConfigStore>((store) => typeof store === "object").optional(),
      maxConfigsPerTask: z.number().int().positive().optional(),
      timeoutMs: z.number().int().positive().optional(),
      maxConsecutiveFailures: z.number().int().positive().optional(),
      retryBaseMs: z.number().int().positive().optional(),
      retryMaxMs: z.number().int().positive().optional(),
      onDeliveryFailure: z.function().optional(),
      signing: z
        .object({
          privateKey: PrivateKey,
          publicKey: z.custom<JWK>((key) => typeof key === "object" && key !== null).optional(),
          alg: z.string().min(1),
          kid: z.string().min(1),
          previousKeys: z
            .array(z.custom<JWK>((key) => typeof (key as JWK)?.kid === "string", "needs a kid"))
            .optional(),
          ttlSeconds: z.number().int().positive().optional(),
        })
        .optional(),
    })
    .optional(),
});

/** The agent's and its skills' requirements, and the check of a message's skill. */
function securityOf(
  options: A2AOptions,
  card: AgentCardInput,
  extendedCard: Partial<AgentCardInput> | undefined,
  logger: Logger,
) {
  const agent = normalizeSecurity(options.security);
  const skills = new Map<string, Requirement[]>();
  for (const skill of [...card.skills, ...(extendedCard?.skills ?? [])]) {
    skills.set(skill.id, normalizeSecurity(skill.security));
  }
  const skillLists = [...skills.values()].filter((list) => list.length > 0);
  const schemes = collectSchemes([agent, ...skillLists]);
  const policy = new SecurityPolicy(agent, skillLists.flat(), logger);
  if (skillLists.length === 0) return { agent, schemes, policy, authorizeMessage: undefined };
  const only = skills.size === 1 ? [...skills.keys()][0] : undefined;
  const skillFor = options.skillFor ?? (only !== undefined ? () => only : undefined);
  if (!skillFor) {
    throw new TypeError("skills declare security: pass skillFor so it is enforced");
  }
  const authorizeMessage = async (message: Message, call: CallContext): Promise<void> => {
    const id = skillFor(message, call);
    if (id === undefined) return;
    const requirements = skills.get(id);
    if (!requirements) {
      throw new A2AError("INVALID_PARAMS", `The message asks for an unknown skill: ${id}`, {
        fieldViolations: [{ field: "message", description: `names no skill of this agent` }],
      });
    }
    if (requirements.length) await call.authorize(requirements);
  };
  return { agent, schemes, policy, authorizeMessage };
}

/**
 * Creates an A2A 1.0 agent server whose entry point is a Fetch handler.
 *
 * @example
 * ```ts
 * const a2a = createA2A({
 *   card: { name: "Echo", description: "Echoes text", version: "1.0.0",
 *           skills: [{ id: "echo", name: "Echo", description: "Echoes", tags: ["echo"] }] },
 *   executor: async (ctx, task) => { await task.complete(`You said: ${ctx.text}`); },
 * });
 * const response = await a2a.fetch(request);
 * ```
 * @throws TypeError when the options are invalid, naming the offending field.
 */
export function createA2A(options: A2AOptions): A2A {
  const parsed = Options.safeParse(options);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((issue) => `${issue.path.join(".") || "options"}: ${issue.message}`)
      .join("; ");
    throw new TypeError(`createA2A: invalid options: ${details}`);
  }
  if (options.cardSigning && !options.publicUrl && !options.allowedHosts) {
    // A signed card naming whatever Host a client sent would be a valid forgery.
    throw new TypeError(
      "createA2A: invalid options: cardSigning: set publicUrl (or allowedHosts) so a signed card only names hosts you declared",
    );
  }
  const pushSigning = options.push?.signing && pushSigner(options.push.signing);
  const card = parsed.data.card;
  const logger = options.logger ?? consoleLogger;
  let security: ReturnType<typeof securityOf>;
  try {
    security = securityOf(options, card, parsed.data.extendedCard, logger);
  } catch (error) {
    throw new TypeError(`createA2A: invalid options: ${(error as Error).message}`);
  }
  const bindings = options.bindings ?? ["JSONRPC", "HTTP+JSON"];
  const cards = new CardService({
    card,
    extendedCard: parsed.data.extendedCard,
    bindings,
    security: { schemes: wireSchemes(security.schemes), requirements: security.agent },
    cardModifier: options.cardModifier,
    extendedCardModifier: options.extendedCardModifier,
    signer: options.cardSigning && cardSigner(options.cardSigning),
    pushNotifications: options.push !== undefined,
  });
  const executor: AgentExecutorObject =
    typeof options.executor === "function" ? { execute: options.executor } : options.executor;
  const store = options.taskStore ?? new InMemoryTaskStore({ clock: options.clock ?? systemClock });
  const newId = options.generateId ?? (() => crypto.randomUUID());
  const server = new A2AServer({
    executor,
    store,
    clock: options.clock ?? systemClock,
    logger,
    newId,
    streaming: card.capabilities?.streaming ?? true,
    extendedAgentCard: card.capabilities?.extendedAgentCard ?? false,
    extendedCard: cards.hasExtendedCard ? (call) => cards.extendedCard(call) : undefined,
    unauthenticated: () => security.policy.unauthenticated(),
    authorizeMessage: security.authorizeMessage,
    inputModes: card.defaultInputModes ?? DEFAULT_MODES,
    maxListBytes: options.maxListBytes ?? 1024 * 1024,
    taskOwner: options.taskOwner ?? defaultTaskOwner,
    maxStreamBufferBytes: options.maxStreamBufferBytes ?? 8 * 1024 * 1024,
    runTimeoutMs: options.runTimeoutMs,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    push:
      options.push &&
      createPushConfigs(options.push, {
        tasks: store,
        clock: options.clock ?? systemClock,
        logger,
        newId,
        claimTtlMs: options.leaseMs ?? DEFAULT_LEASE_MS,
        signer: pushSigning,
      }),
  });
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const handler = createFetchHandler({
    server,
    logger,
    cards,
    security: security.policy,
    basePath: options.basePath ?? "/",
    publicUrl: options.publicUrl,
    origin: {
      trustProxy: options.trustProxy ?? false,
      allowedHosts: options.allowedHosts?.map((host) => host.toLowerCase()),
    },
    bindings,
    // Newest first, whatever order they were given in.
    versions: SUPPORTED_VERSIONS.filter((v) => options.protocolVersions?.includes(v) ?? true),
    maxBodyBytes,
    maxJsonDepth: options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    cardMaxAgeSeconds: options.cardMaxAgeSeconds ?? 300,
    requiredExtensions: (card.capabilities?.extensions ?? []).filter((e) => e.required),
    pushKeys: pushSigning?.jwks,
  });
  return {
    fetch: handler.fetch,
    [AGENT_INTERNALS]: { handle: handler.handle, handles: handler.handles, maxBodyBytes },
    stats: () => ({
      activeExecutions: server.activeExecutions,
      subscribers: server.openStreams,
    }),
    close: (closeOptions) => server.close(closeOptions),
  };
}
