import type { Principal } from "../../types/principal.js";
import type {
  Artifact,
  Message,
  Part,
  SendMessageConfiguration,
  Task,
  TaskState,
} from "../../wire/v1/index.js";
import type { CallContext } from "../call-context.js";

/** What the agent sees of one incoming message. */
export interface RequestContext {
  /** The message the client sent, with `contextId` (and `taskId` when continuing) filled in. */
  readonly userMessage: Message;
  /** Text of the message's text parts, joined by newlines: the common case made short. */
  readonly text: string;
  /** The task's id, server-generated for a new task. */
  readonly taskId: string;
  /** The conversation's id: the client's, the continued task's, or server-generated. */
  readonly contextId: string;
  /** The task as it was before this message, when the message continues a task. */
  readonly task: Task | undefined;
  readonly configuration: SendMessageConfiguration | undefined;
  /** `SendMessageRequest.metadata`. */
  readonly metadata: Readonly<Record<string, unknown>> | undefined;
  readonly principal: Principal | undefined;
  readonly tenant: string;
  readonly call: CallContext;
  /** Fires when the task is canceled. Stop work and return when it does. */
  readonly signal: AbortSignal;
}

/** An agent message: a string becomes one text part. */
export type AgentMessageInput = string | { parts: Part[]; metadata?: Record<string, unknown> };

/** An artifact to publish: a string becomes one text part; the id is generated if absent. */
export type ArtifactInput =
  | string
  | (Omit<Artifact, "artifactId"> & { artifactId?: string | undefined });

export interface ArtifactOptions {
  /** Add the parts to the artifact with the same `artifactId` instead of replacing it. */
  append?: boolean;
  /** This chunk is the artifact's last. */
  lastChunk?: boolean;
}

/**
 * The agent's handle on its task. Each call becomes one event in the task's ordered log,
 * saved to the store and then delivered to every subscriber; awaiting the call waits for that.
 * Calls made without awaiting the one before are saved in order, those made while a save is
 * under way together (one round trip). An event that cannot be serialised is refused to its
 * caller (the promise rejects) before anything is saved.
 * Calls after the task reached a terminal state (for example after a cancel) are ignored.
 */
export interface TaskHelper {
  readonly id: string;
  readonly contextId: string;
  /** The task as of the last event, or `undefined` before the first one creates it. */
  readonly current: Task | undefined;
  working(message?: AgentMessageInput): Promise<void>;
  /** Publishes an artifact (or a chunk of one) and resolves with its id. */
  artifact(artifact: ArtifactInput, options?: ArtifactOptions): Promise<string>;
  complete(message?: AgentMessageInput): Promise<void>;
  fail(message?: AgentMessageInput): Promise<void>;
  reject(message?: AgentMessageInput): Promise<void>;
  inputRequired(message?: AgentMessageInput): Promise<void>;
  authRequired(message?: AgentMessageInput): Promise<void>;
  /** Any state change, for states the shorthands above do not cover. */
  status(
    state: TaskState,
    message?: AgentMessageInput,
    metadata?: Record<string, unknown>,
  ): Promise<void>;
}

/**
 * The agent. Publish task events through `task`, or return a `Message` to answer without a
 * task. The returned promise is the task's work: when it settles, a task that is not in a
 * terminal or interrupted (input/auth required) state is failed, so no request ever hangs.
 * A thrown error fails the task; its text is logged, never sent to the client.
 */
export type AgentExecuteFn = (
  context: RequestContext,
  task: TaskHelper,
) => Promise<AgentResult> | AgentResult;

/** What an executor returns: a Message answers without a task; nothing means "see the task". */
// biome-ignore lint/suspicious/noConfusingVoidType: an async executor that returns nothing is Promise<void>
export type AgentResult = Message | undefined | void;

export interface AgentExecutorObject {
  execute: AgentExecuteFn;
  /** Called when the task is canceled, after `context.signal` fired. */
  cancel?(context: RequestContext): Promise<void> | void;
}

export type AgentExecutor = AgentExecuteFn | AgentExecutorObject;
