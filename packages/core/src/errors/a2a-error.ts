import { pauseStacks, resumeStacks } from "../util/without-stack.js";

/**
 * Every error the server answers with, in binding-neutral form. Transports map it to a
 * JSON-RPC error object or an HTTP status with a `google.rpc.Status` body.
 */

/** The kinds of error, named after the spec's error types without the `Error` suffix. */
export type A2AErrorKind =
  | "JSON_PARSE"
  | "INVALID_REQUEST"
  | "METHOD_NOT_FOUND"
  | "INVALID_PARAMS"
  | "INTERNAL"
  | "TASK_NOT_FOUND"
  | "TASK_NOT_CANCELABLE"
  | "PUSH_NOTIFICATION_NOT_SUPPORTED"
  | "UNSUPPORTED_OPERATION"
  | "CONTENT_TYPE_NOT_SUPPORTED"
  | "INVALID_AGENT_RESPONSE"
  | "EXTENDED_AGENT_CARD_NOT_CONFIGURED"
  | "EXTENSION_SUPPORT_REQUIRED"
  | "VERSION_NOT_SUPPORTED"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "RESOURCE_EXHAUSTED";

interface KindInfo {
  /** JSON-RPC `error.code`. */
  code: number;
  /** HTTP status of the spec's mapping table (§5.4). */
  httpStatus: number;
  /** gRPC canonical status name, used in `google.rpc.Status.status`. */
  grpcStatus: string;
}

export const ERROR_KINDS: Readonly<Record<A2AErrorKind, KindInfo>> = {
  JSON_PARSE: { code: -32700, httpStatus: 400, grpcStatus: "INVALID_ARGUMENT" },
  INVALID_REQUEST: { code: -32600, httpStatus: 400, grpcStatus: "INVALID_ARGUMENT" },
  METHOD_NOT_FOUND: { code: -32601, httpStatus: 404, grpcStatus: "UNIMPLEMENTED" },
  INVALID_PARAMS: { code: -32602, httpStatus: 400, grpcStatus: "INVALID_ARGUMENT" },
  INTERNAL: { code: -32603, httpStatus: 500, grpcStatus: "INTERNAL" },
  TASK_NOT_FOUND: { code: -32001, httpStatus: 404, grpcStatus: "NOT_FOUND" },
  TASK_NOT_CANCELABLE: { code: -32002, httpStatus: 400, grpcStatus: "FAILED_PRECONDITION" },
  PUSH_NOTIFICATION_NOT_SUPPORTED: {
    code: -32003,
    httpStatus: 400,
    grpcStatus: "FAILED_PRECONDITION",
  },
  UNSUPPORTED_OPERATION: { code: -32004, httpStatus: 400, grpcStatus: "FAILED_PRECONDITION" },
  CONTENT_TYPE_NOT_SUPPORTED: { code: -32005, httpStatus: 400, grpcStatus: "INVALID_ARGUMENT" },
  INVALID_AGENT_RESPONSE: { code: -32006, httpStatus: 500, grpcStatus: "INTERNAL" },
  EXTENDED_AGENT_CARD_NOT_CONFIGURED: {
    code: -32007,
    httpStatus: 400,
    grpcStatus: "FAILED_PRECONDITION",
  },
  EXTENSION_SUPPORT_REQUIRED: { code: -32008, httpStatus: 400, grpcStatus: "FAILED_PRECONDITION" },
  VERSION_NOT_SUPPORTED: { code: -32009, httpStatus: 400, grpcStatus: "FAILED_PRECONDITION" },
  // The spec leaves these to "JSON-RPC custom error" codes (§3.3.2); both travel with their
  // HTTP status on every binding, so a client can tell them apart without reading the body.
  UNAUTHENTICATED: { code: -32030, httpStatus: 401, grpcStatus: "UNAUTHENTICATED" },
  PERMISSION_DENIED: { code: -32031, httpStatus: 403, grpcStatus: "PERMISSION_DENIED" },
  // A budget of the server (stored tasks, a stream's buffer) is spent: a "system error" of
  // spec §3.3.2, sent as 429 on every binding so clients and proxies know to back off.
  RESOURCE_EXHAUSTED: { code: -32032, httpStatus: 429, grpcStatus: "RESOURCE_EXHAUSTED" },
};

/** `google.rpc.BadRequest.FieldViolation`. */
export interface FieldViolation {
  field: string;
  description: string;
}

export interface A2AErrorOptions {
  /** Extra `google.rpc.ErrorInfo.metadata` entries (values are strings per the proto). */
  metadata?: Record<string, string>;
  /** Validation failures, sent as a `google.rpc.BadRequest` detail. */
  fieldViolations?: FieldViolation[];
  /**
   * An HTTP-level failure (413 body too large, 415 wrong content type): every binding,
   * JSON-RPC included, answers with this status instead of its usual one.
   */
  transportStatus?: number;
  /** Response headers the error needs on every binding (e.g. `www-authenticate`), lowercase. */
  headers?: Record<string, string>;
}

/** The domain of `google.rpc.ErrorInfo` for errors defined by the A2A specification. */
export const ERROR_DOMAIN = "a2a-protocol.org";

/**
 * An error with a protocol meaning. Throw it from anywhere in the server (including an
 * agent executor) and the transport answers with the matching spec-shaped error.
 * Its `message` is sent to the client, so it must never contain secrets or stack traces.
 */
export class A2AError extends Error {
  readonly kind: A2AErrorKind;
  readonly metadata: Record<string, string>;
  readonly fieldViolations: FieldViolation[] | undefined;
  readonly transportStatus: number | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(kind: A2AErrorKind, message: string, options: A2AErrorOptions = {}) {
    // A protocol error is an answer, not a bug: its stack is never read.
    const limit = pauseStacks();
    super(message);
    resumeStacks(limit);
    this.name = "A2AError";
    this.kind = kind;
    this.metadata = options.metadata ?? {};
    this.fieldViolations = options.fieldViolations;
    this.transportStatus = options.transportStatus;
    this.headers = options.headers;
  }

  /** HTTP status for bindings that map errors to statuses (spec §5.4). */
  get httpStatus(): number {
    return this.transportStatus ?? ERROR_KINDS[this.kind].httpStatus;
  }

  /** JSON-RPC `error.code`. */
  get code(): number {
    return ERROR_KINDS[this.kind].code;
  }

  /** The `details` / `data` array: a `google.rpc.ErrorInfo`, then a `BadRequest` if any. */
  details(): Record<string, unknown>[] {
    const details: Record<string, unknown>[] = [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: this.kind,
        domain: ERROR_DOMAIN,
        metadata: { ...this.metadata, timestamp: new Date().toISOString() },
      },
    ];
    if (this.fieldViolations?.length) {
      details.push({
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        fieldViolations: this.fieldViolations,
      });
    }
    return details;
  }
}

/** Shorthands for the errors the server raises most. */
export const errors = {
  taskNotFound: (taskId: string) =>
    new A2AError("TASK_NOT_FOUND", `Task not found: ${taskId}`, { metadata: { taskId } }),
  taskNotCancelable: (taskId: string, state: string) =>
    new A2AError("TASK_NOT_CANCELABLE", `Task ${taskId} is ${state} and cannot be canceled`, {
      metadata: { taskId, state },
    }),
  unsupportedOperation: (message: string, metadata?: Record<string, string>) =>
    new A2AError("UNSUPPORTED_OPERATION", message, metadata ? { metadata } : {}),
  pushNotSupported: () =>
    new A2AError(
      "PUSH_NOTIFICATION_NOT_SUPPORTED",
      "Push notifications are not supported by this agent",
    ),
  invalidParams: (fieldViolations: FieldViolation[]) =>
    new A2AError(
      "INVALID_PARAMS",
      `Invalid parameters: ${fieldViolations
        .map((v) => (v.field ? `${v.field} ${v.description}` : v.description))
        .join("; ")}`,
      { fieldViolations },
    ),
  internal: () => new A2AError("INTERNAL", "Internal error"),
  resourceExhausted: (message: string, limit: string) =>
    new A2AError("RESOURCE_EXHAUSTED", message, { transportStatus: 429, metadata: { limit } }),
};
