import { A2AError, errors } from "../errors/a2a-error.js";
import type { HttpInput, HttpReply } from "../http/exchange.js";
import type { Logger } from "../ports/logger.js";
import type { Authenticated, SecurityPolicy } from "../security/security-policy.js";
import type { A2AServer } from "../server/a2a-server.js";
import type { CallContext } from "../server/call-context.js";
import type { StreamEvent } from "../server/task-feed.js";
import type { ProtocolVersion } from "../types/protocol-version.js";
import { describe } from "../util/describe-error.js";
import { jsonTextNestsDeeper, valueNestsDeeper } from "../util/json-measure.js";
import { withoutStack } from "../util/without-stack.js";
import { resultJson } from "../wire/task-json.js";
import type { AgentExtension } from "../wire/v1/index.js";
import { isJsonMediaType } from "./read-body.js";
import { eventFrames, SSE_HEADERS } from "./sse.js";

/** What every binding needs from the agent's configuration. */
export interface BindingDeps {
  server: A2AServer;
  logger: Logger;
  maxBodyBytes: number;
  /** Deepest nesting of arrays and objects a request body may have. */
  maxJsonDepth: number;
  keepAliveMs: number;
  /** Extensions the card marks `required`: requests must ask for each. */
  requiredExtensions: readonly AgentExtension[];
  /** Who may call; checked before a request's body is read. */
  security: SecurityPolicy;
  /** Protocol versions served: 1.0, and 0.3 unless the agent serves 1.0 only. */
  versions: readonly ProtocolVersion[];
}

/** Any failure as an A2AError; anything unexpected is logged and becomes InternalError. */
export function toA2AError(error: unknown, logger: Logger): A2AError {
  if (error instanceof A2AError) return error;
  logger.error("unexpected error while handling a request", { error: describe(error) });
  return errors.internal();
}

function tooDeep(maxDepth: number): A2AError {
  return new A2AError("JSON_PARSE", `Invalid JSON payload: nested deeper than ${maxDepth} levels`, {
    metadata: { maxDepth: String(maxDepth) },
  });
}

/**
 * The request body as JSON: the host's pre-parsed body if any, else read within the limit.
 * Refuses non-JSON content types (415) and bodies nested deeper than the limit (before
 * anything recursive sees them). With `optional`, an empty body is `undefined`. Refusals
 * before the body is read are thrown; a body read and parsed continues the read's promise
 * (no async frame of its own on every request).
 */
export function readJsonBody(
  input: HttpInput,
  limits: Pick<BindingDeps, "maxBodyBytes" | "maxJsonDepth">,
  options: { optional?: boolean } = {},
): unknown | Promise<unknown> {
  const contentType = input.header("content-type");
  if (contentType !== null && !isJsonMediaType(contentType)) {
    throw new A2AError(
      "CONTENT_TYPE_NOT_SUPPORTED",
      `Content-Type ${contentType} is not supported; send application/json`,
      { transportStatus: 415, metadata: { contentType } },
    );
  }
  const { maxJsonDepth } = limits;
  if (input.parsedBody !== undefined) {
    if (valueNestsDeeper(input.parsedBody, maxJsonDepth)) throw tooDeep(maxJsonDepth);
    return input.parsedBody;
  }
  return input
    .text(limits.maxBodyBytes)
    .then((text) => parseJsonBody(text, maxJsonDepth, options.optional === true));
}

function parseJsonBody(text: string, maxJsonDepth: number, optional: boolean): unknown {
  if (optional && text.trim() === "") return undefined;
  if (jsonTextNestsDeeper(text, maxJsonDepth)) throw tooDeep(maxJsonDepth);
  try {
    return withoutStack(() => JSON.parse(text));
  } catch {
    throw new A2AError("JSON_PARSE", "Invalid JSON payload");
  }
}

function parseExtensions(header: string | null): string[] {
  if (!header) return [];
  return header
    .split(",")
    .map((uri) => uri.trim())
    .filter((uri) => uri !== "");
}

/** The call context of a request, after checking that required extensions were asked for. */
export function buildCallContext(
  input: HttpInput,
  deps: Pick<BindingDeps, "requiredExtensions">,
  request: { version: ProtocolVersion; tenant: string; agentUrl: string; auth: Authenticated },
): CallContext {
  const { version, tenant, agentUrl, auth } = request;
  const requestedExtensions = parseExtensions(input.header("a2a-extensions"));
  for (const extension of deps.requiredExtensions) {
    if (!requestedExtensions.includes(extension.uri!)) {
      throw new A2AError(
        "EXTENSION_SUPPORT_REQUIRED",
        `This agent requires the extension ${extension.uri}; declare it in A2A-Extensions`,
        { metadata: { extension: extension.uri! } },
      );
    }
  }
  return new RequestCallContext(input, version, tenant, agentUrl, auth, requestedExtensions);
}

/** A call context read off a request; a class, so its getters live on the prototype. */
class RequestCallContext implements CallContext {
  readonly principal: CallContext["principal"];
  readonly authorize: CallContext["authorize"];
  readonly #input: HttpInput;

  constructor(
    input: HttpInput,
    readonly version: ProtocolVersion,
    readonly tenant: string,
    readonly agentUrl: string,
    auth: Authenticated,
    readonly requestedExtensions: readonly string[],
  ) {
    this.#input = input;
    this.principal = auth.principal;
    this.authorize = auth.authorize;
  }

  /** Most agents never read headers: they are built only for those that do. */
  get headers(): Headers {
    return this.#input.headers();
  }

  get lastEventId(): string | undefined {
    return this.#input.header("last-event-id") ?? undefined;
  }
}

/** A complete SSE reply of one `data:` frame, for an error a stream client reads as one. */
export function sseReply(data: string): HttpReply {
  return { status: 200, headers: { ...SSE_HEADERS }, body: `data: ${data}\n\n` };
}

/**
 * How long a stream waits for its first event before it opens without it. Until then a
 * failure is a plain error reply; after it, the client has its headers and keep-alives (an
 * agent that is slow to start, or never publishes, never leaves a client without a reply).
 */
export const FIRST_EVENT_WAIT_MS = 100;

const WAITED = Symbol("waited");

/**
 * An SSE reply for `events`, each frame with the event's id. The first event is awaited
 * briefly before the reply is committed, so a failure before it throws here and becomes a
 * plain error reply instead of a stream; past {@link FIRST_EVENT_WAIT_MS} the stream opens
 * and the event follows.
 */
export async function openEventStream<T>(
  deps: Pick<BindingDeps, "keepAliveMs">,
  events: AsyncIterator<StreamEvent<T>>,
  /** The `data:` text of an event, given the event as JSON. */
  encode: (json: string) => string,
  encodeError: (error: unknown) => string,
  errorEvent?: string,
): Promise<HttpReply> {
  const read = events.next();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<typeof WAITED>((resolve) => {
    timer = setTimeout(resolve, FIRST_EVENT_WAIT_MS, WAITED);
  });
  let first: IteratorResult<StreamEvent<T>> | typeof WAITED;
  try {
    first = await Promise.race([read, waited]);
  } catch (error) {
    await events.return?.();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  // A stream over before it began (a resumed one with nothing left): open and close it.
  if (first !== WAITED && first.done) {
    return { status: 200, headers: { ...SSE_HEADERS }, body: ": stream open\n\n" };
  }
  const body = eventFrames({
    first: first === WAITED ? { pending: read } : { event: first.value },
    rest: events,
    encode: (item) => encode(item.json ?? resultJson(item.event)),
    idOf: (item) => item.id,
    encodeError,
    errorEvent,
    keepAliveMs: deps.keepAliveMs,
  });
  return { status: 200, headers: { ...SSE_HEADERS }, body };
}
