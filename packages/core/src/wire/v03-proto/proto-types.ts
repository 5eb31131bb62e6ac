import type { Message, Part, TaskPushNotificationConfig } from "./schemas.js";

/**
 * The ProtoJSON output shapes of the 0.3 gRPC messages, as 0.3 HTTP+JSON clients parse them
 * (request shapes are the schemas' types).
 */

/** 0.3 proto `TaskState` names; `CANCELLED` keeps the 0.3 proto's double L. */
export type TaskState =
  | "TASK_STATE_UNSPECIFIED"
  | "TASK_STATE_SUBMITTED"
  | "TASK_STATE_WORKING"
  | "TASK_STATE_COMPLETED"
  | "TASK_STATE_FAILED"
  | "TASK_STATE_CANCELLED"
  | "TASK_STATE_INPUT_REQUIRED"
  | "TASK_STATE_REJECTED"
  | "TASK_STATE_AUTH_REQUIRED";

/** `TaskStatus`; `state` is left out when `TASK_STATE_UNSPECIFIED` (0.3 `unknown`). */
export interface TaskStatus {
  state?: Exclude<TaskState, "TASK_STATE_UNSPECIFIED">;
  /** Proto field `update`, json_name `message`. */
  message?: Message;
  timestamp?: string;
}

/** `Artifact`: unlike `Message`, its parts stay under `parts` in the 0.3 proto. */
export interface Artifact {
  artifactId: string;
  name?: string;
  description?: string;
  parts?: Part[];
  metadata?: Record<string, unknown>;
  extensions?: string[];
}

export interface Task {
  id: string;
  contextId?: string;
  status: TaskStatus;
  artifacts?: Artifact[];
  history?: Message[];
  metadata?: Record<string, unknown>;
}

export interface TaskStatusUpdateEvent {
  taskId: string;
  contextId: string;
  status: TaskStatus;
  final?: true;
  metadata?: Record<string, unknown>;
}

export interface TaskArtifactUpdateEvent {
  taskId: string;
  contextId: string;
  artifact: Artifact;
  append?: true;
  lastChunk?: true;
  metadata?: Record<string, unknown>;
}

/** `SendMessageResponse`: the oneof `payload`; the `msg` field's json_name is `message`. */
export type SendMessageResponse = { task: Task } | { message: Message };

/** `StreamResponse`: one SSE event of `message:stream` / `tasks/{id}:subscribe`. */
export type StreamResponse =
  | { task: Task }
  | { message: Message }
  | { statusUpdate: TaskStatusUpdateEvent }
  | { artifactUpdate: TaskArtifactUpdateEvent };

/** `TaskPushNotificationConfig` as the server returns it: always named. */
export type NamedTaskPushNotificationConfig = TaskPushNotificationConfig & { name: string };

/** `ListTaskPushNotificationConfigResponse`; an empty list leaves `configs` out. */
export interface ListTaskPushNotificationConfigResponse {
  configs?: NamedTaskPushNotificationConfig[];
}

export interface AgentInterface {
  url?: string;
  transport?: string;
}

export interface AgentProvider {
  url?: string;
  organization?: string;
}

export interface AgentExtension {
  uri?: string;
  description?: string;
  required?: true;
  params?: Record<string, unknown>;
}

/** 0.3 proto `AgentCapabilities` (it has no `stateTransitionHistory`). */
export interface AgentCapabilities {
  streaming?: true;
  pushNotifications?: true;
  extensions?: AgentExtension[];
}

/** `StringList`: the scopes of one scheme in a `Security` requirement. */
export interface StringList {
  list?: string[];
}

/** `Security`: one requirement, scheme name -> scopes (the 0.3 JSON record, wrapped). */
export interface Security {
  schemes?: Record<string, StringList>;
}

export interface AgentSkill {
  id?: string;
  name?: string;
  description?: string;
  tags?: string[];
  examples?: string[];
  inputModes?: string[];
  outputModes?: string[];
  security?: Security[];
}

export interface AgentCardSignature {
  protected?: string;
  signature?: string;
  header?: Record<string, unknown>;
}

export interface APIKeySecurityScheme {
  description?: string;
  /** The 0.3 JSON `in`. */
  location?: string;
  name?: string;
}

export interface HTTPAuthSecurityScheme {
  description?: string;
  scheme?: string;
  bearerFormat?: string;
}

export interface AuthorizationCodeOAuthFlow {
  authorizationUrl?: string;
  tokenUrl?: string;
  refreshUrl?: string;
  scopes?: Record<string, string>;
}

export interface ClientCredentialsOAuthFlow {
  tokenUrl?: string;
  refreshUrl?: string;
  scopes?: Record<string, string>;
}

export interface ImplicitOAuthFlow {
  authorizationUrl?: string;
  refreshUrl?: string;
  scopes?: Record<string, string>;
}

export interface PasswordOAuthFlow {
  tokenUrl?: string;
  refreshUrl?: string;
  scopes?: Record<string, string>;
}

/** `OAuthFlows`: a oneof in the proto, so one flow only (see {@link oauthFlowsToProto}). */
export type OAuthFlows =
  | { authorizationCode: AuthorizationCodeOAuthFlow }
  | { clientCredentials: ClientCredentialsOAuthFlow }
  | { implicit: ImplicitOAuthFlow }
  | { password: PasswordOAuthFlow }
  | Record<string, never>;

export interface OAuth2SecurityScheme {
  description?: string;
  flows: OAuthFlows;
  oauth2MetadataUrl?: string;
}

export interface OpenIdConnectSecurityScheme {
  description?: string;
  openIdConnectUrl?: string;
}

export interface MutualTlsSecurityScheme {
  description?: string;
}

/** `SecurityScheme`: the oneof `scheme`, where 0.3 JSON has a `type` discriminator. */
export type SecurityScheme =
  | { apiKeySecurityScheme: APIKeySecurityScheme }
  | { httpAuthSecurityScheme: HTTPAuthSecurityScheme }
  | { oauth2SecurityScheme: OAuth2SecurityScheme }
  | { openIdConnectSecurityScheme: OpenIdConnectSecurityScheme }
  | { mtlsSecurityScheme: MutualTlsSecurityScheme };

/**
 * 0.3 proto `AgentCard`. It has no `iconUrl` and its capabilities no
 * `stateTransitionHistory`: strict ProtoJSON parsers refuse unknown fields, so those are dropped.
 */
export interface AgentCard {
  protocolVersion?: string;
  name?: string;
  description?: string;
  url?: string;
  preferredTransport?: string;
  additionalInterfaces?: AgentInterface[];
  provider?: AgentProvider;
  version?: string;
  documentationUrl?: string;
  capabilities: AgentCapabilities;
  securitySchemes?: Record<string, SecurityScheme>;
  security?: Security[];
  defaultInputModes?: string[];
  defaultOutputModes?: string[];
  skills?: AgentSkill[];
  supportsAuthenticatedExtendedCard?: true;
  signatures?: AgentCardSignature[];
}
