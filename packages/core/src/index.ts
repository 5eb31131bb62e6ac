/**
 * `@a2a-mount/core`: a runtime-neutral A2A 1.0 server over the Fetch API.
 * @packageDocumentation
 */

export { canonicalCard } from "./card/canonical-card.js";
export type { AgentCardInput, AgentSkillInput } from "./card/card-input.js";
export type { CardContext, CardModifier } from "./card/card-service.js";
export {
  type CardSigningOptions,
  type CardVerificationKeys,
  type VerifiedCardSignature,
  verifyAgentCard,
} from "./card/card-signing.js";
export type { CardShape } from "./card/hybrid-card.js";
export { type A2AOptions, createA2A } from "./create-a2a.js";
export {
  A2AError,
  type A2AErrorKind,
  ERROR_DOMAIN,
  type FieldViolation,
} from "./errors/a2a-error.js";
export type { ClientCertificate, RequestOrigin } from "./http/exchange.js";
export type { Clock } from "./ports/clock.js";
export {
  InMemoryPushConfigStore,
  type InMemoryPushConfigStoreOptions,
} from "./ports/in-memory-push-config-store.js";
export {
  InMemoryTaskStore,
  type InMemoryTaskStoreOptions,
} from "./ports/in-memory-task-store.js";
export { consoleLogger, type Logger, silentLogger } from "./ports/logger.js";
export { decodePageToken, encodePageToken, statusTimeOf } from "./ports/page-token.js";
export {
  type PendingPushConfig,
  type PushClaims,
  PushConfigLimitError,
  type PushConfigPage,
  type PushConfigRecord,
  type PushConfigStore,
  type PushPayloadVersion,
  type PushProgress,
} from "./ports/push-config-store.js";
export {
  type AppendOptions,
  type AppendResult,
  InvalidPageTokenError,
  type LapsedRun,
  type RunLease,
  type RunLeases,
  type StoredTask,
  type TaskKey,
  type TaskListPage,
  type TaskListQuery,
  type TaskLogEntry,
  type TaskLogEvent,
  type TaskLogListener,
  type TaskScope,
  type TaskStore,
  TaskStoreFullError,
  type TaskStoreLimit,
  taskKeyString,
} from "./ports/task-store.js";
export {
  type WebhookRequest,
  type WebhookResponse,
  type WebhookSender,
  WebhookUrlRefused,
} from "./ports/webhook-sender.js";
export { type BasicCredentials, parseBasicCredentials } from "./security/credentials.js";
export {
  type JwtKeySource,
  type JwtVerifierOptions,
  jwtVerifier,
  scopesOf,
} from "./security/jwt/jwt-verifier.js";
export { type OidcVerifierOptions, oidcVerifier } from "./security/jwt/oidc-verifier.js";
export { PUSH_SIGNATURE_HEADER, type PushSigningOptions } from "./security/push-signer.js";
export {
  type Requirement,
  requireAll,
  type SecurityInput,
} from "./security/requirement.js";
export {
  InvalidCredentialError,
  type SchemeOptions,
  type ScopedScheme,
  type SecurityScheme,
  type Verifier,
  type VerifyContext,
} from "./security/scheme.js";
export {
  type ApiKeyLocation,
  type ApiKeySchemeOptions,
  apiKeyScheme,
} from "./security/schemes/api-key.js";
export {
  type BearerSchemeOptions,
  basicScheme,
  bearerScheme,
  type HttpAuthSchemeOptions,
  httpAuthScheme,
} from "./security/schemes/http-auth.js";
export { mtlsScheme, trustedCertificate } from "./security/schemes/mutual-tls.js";
export { type OAuth2SchemeOptions, oauth2Scheme } from "./security/schemes/oauth2.js";
export {
  type OpenIdConnectSchemeOptions,
  openIdConnectScheme,
} from "./security/schemes/open-id-connect.js";
export {
  PushReplayCache,
  PushVerificationError,
  type PushVerificationKeys,
  type VerifiedPushNotification,
  type VerifyPushNotificationOptions,
  verifyPushNotification,
} from "./security/verify-push-notification.js";
export { type CallContext, defaultTaskOwner, type TaskOwner } from "./server/call-context.js";
export type {
  AgentExecuteFn,
  AgentExecutor,
  AgentExecutorObject,
  AgentMessageInput,
  ArtifactInput,
  ArtifactOptions,
  RequestContext,
  TaskHelper,
} from "./server/execution/agent-executor.js";
export { applyEvent as applyTaskEvent } from "./server/execution/task-reducer.js";
export type { PushConfigView, PushDeliveryStatus } from "./server/push/push-configs.js";
export type { PushDeliveryFailure } from "./server/push/push-delivery.js";
export type { PushOptions } from "./server/push/push-options.js";
export type { A2A } from "./transport/agent.js";
export type { RequestExtras } from "./transport/fetch-exchange.js";
export { type Binding, WELL_KNOWN_CARD_PATH } from "./transport/fetch-handler.js";
export type { Principal } from "./types/principal.js";
export type { ProtocolVersion } from "./types/protocol-version.js";
export type {
  AgentCard,
  Artifact,
  Message,
  Part,
  Task,
  TaskArtifactUpdateEvent,
  TaskState,
  TaskStatus,
  TaskStatusUpdateEvent,
} from "./wire/v1/index.js";
export type {
  ListTasksResponse,
  SendMessageResponse,
  StreamResponse,
} from "./wire/v1/responses.js";
