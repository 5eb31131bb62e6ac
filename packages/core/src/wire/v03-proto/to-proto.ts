import type * as v03 from "../v03/index.js";
import type {
  AuthenticationInfo,
  DataPart,
  FilePart,
  Message,
  Part,
  PushNotificationConfig,
  Role,
  TaskPushNotificationConfig,
} from "./schemas.js";

/**
 * The 0.3 JSON-RPC shapes the server produces, as the ProtoJSON of the 0.3 gRPC messages that
 * 0.3 HTTP+JSON clients parse. Like a proto serializer (and the SDKs' `toJSON`), fields at
 * their proto3 default (`""`, `false`, `[]`, `0`, an empty map) are left out, and no `kind`
 * discriminator is written: in the proto the oneof field name says what a value is.
 */

// ---------------------------------------------------------------------------------------------
// Output shapes
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Default-omitting helpers
// ---------------------------------------------------------------------------------------------

/** Copies the fields that are not at their proto3 default, in order. */
function omitDefaults<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || field === "" || field === false) continue;
    if (Array.isArray(field) && field.length === 0) continue;
    out[key] = field;
  }
  return out as T;
}

/** A proto3 map left out when empty. */
function nonEmptyMap<V>(map: Record<string, V> | undefined): Record<string, V> | undefined {
  return map === undefined || Object.keys(map).length === 0 ? undefined : map;
}

/** A proto3 `bool`: `true` or left out. */
const flag = (value: boolean | undefined): true | undefined => (value ? true : undefined);

// ---------------------------------------------------------------------------------------------
// Tasks and messages
// ---------------------------------------------------------------------------------------------

const TASK_STATE_TO_PROTO = {
  submitted: "TASK_STATE_SUBMITTED",
  working: "TASK_STATE_WORKING",
  "input-required": "TASK_STATE_INPUT_REQUIRED",
  completed: "TASK_STATE_COMPLETED",
  canceled: "TASK_STATE_CANCELLED",
  failed: "TASK_STATE_FAILED",
  rejected: "TASK_STATE_REJECTED",
  "auth-required": "TASK_STATE_AUTH_REQUIRED",
  unknown: "TASK_STATE_UNSPECIFIED",
} as const satisfies Record<v03.TaskState, TaskState>;

const ROLE_TO_PROTO = {
  user: "ROLE_USER",
  agent: "ROLE_AGENT",
} as const satisfies Record<v03.Role, Role>;

/** The 0.3 proto name of a 0.3 task state (`canceled` -> `TASK_STATE_CANCELLED`). */
export function taskStateToProto(state: v03.TaskState): TaskState {
  return TASK_STATE_TO_PROTO[state];
}

/**
 * A 0.3 part as a proto `Part`. The 0.3 proto `Part` has no `metadata` and its `FilePart` no
 * `name`, so both are dropped (an empty `text` is kept: a oneof member is always written).
 */
export function partToProto(part: v03.Part): Part {
  switch (part.kind) {
    case "text":
      return { text: part.text };
    case "file": {
      const { file } = part;
      const mimeType = file.mimeType || undefined;
      const out: FilePart =
        "uri" in file
          ? omitDefaults({ fileWithUri: file.uri, mimeType })
          : omitDefaults({ fileWithBytes: file.bytes, mimeType });
      return { file: out };
    }
    case "data":
      return { data: { data: part.data } satisfies DataPart };
  }
}

/** A 0.3 message as a proto `Message`: `parts` -> `content`, role -> `ROLE_*`, no `kind`. */
export function messageToProto(message: v03.Message): Message {
  return omitDefaults({
    messageId: message.messageId,
    contextId: message.contextId,
    taskId: message.taskId,
    role: ROLE_TO_PROTO[message.role],
    content: message.parts.map(partToProto),
    metadata: message.metadata,
    extensions: message.extensions,
  });
}

/** A 0.3 status; `message` keeps its json name (the proto field is `update`). */
export function taskStatusToProto(status: v03.TaskStatus): TaskStatus {
  const state = taskStateToProto(status.state);
  return omitDefaults({
    state: state === "TASK_STATE_UNSPECIFIED" ? undefined : state,
    message: status.message && messageToProto(status.message),
    timestamp: status.timestamp,
  });
}

/** A 0.3 artifact; its parts stay under `parts`. */
export function artifactToProto(artifact: v03.Artifact): Artifact {
  return omitDefaults({
    artifactId: artifact.artifactId,
    name: artifact.name,
    description: artifact.description,
    parts: artifact.parts.map(partToProto),
    metadata: artifact.metadata,
    extensions: artifact.extensions,
  });
}

/** A 0.3 task as a proto `Task` (no `kind`). */
export function taskToProto(task: v03.Task): Task {
  return omitDefaults({
    id: task.id,
    contextId: task.contextId,
    status: taskStatusToProto(task.status),
    artifacts: task.artifacts?.map(artifactToProto),
    history: task.history?.map(messageToProto),
    metadata: task.metadata,
  });
}

/** A 0.3 `status-update` event; `final` only when `true`. */
export function statusUpdateToProto(event: v03.TaskStatusUpdateEvent): TaskStatusUpdateEvent {
  return omitDefaults({
    taskId: event.taskId,
    contextId: event.contextId,
    status: taskStatusToProto(event.status),
    final: flag(event.final),
    metadata: event.metadata,
  });
}

/** A 0.3 `artifact-update` event; `append` and `lastChunk` only when `true`. */
export function artifactUpdateToProto(event: v03.TaskArtifactUpdateEvent): TaskArtifactUpdateEvent {
  return omitDefaults({
    taskId: event.taskId,
    contextId: event.contextId,
    artifact: artifactToProto(event.artifact),
    append: flag(event.append),
    lastChunk: flag(event.lastChunk),
    metadata: event.metadata,
  });
}

/** The result of `message:send` as the proto `SendMessageResponse` envelope. */
export function sendMessageResultToProto(result: v03.SendMessageResult): SendMessageResponse {
  return result.kind === "task"
    ? { task: taskToProto(result) }
    : { message: messageToProto(result) };
}

/** One streamed 0.3 event as a proto `StreamResponse`, its oneof member chosen by `kind`. */
export function streamResultToProto(event: v03.StreamResult): StreamResponse {
  switch (event.kind) {
    case "task":
      return { task: taskToProto(event) };
    case "message":
      return { message: messageToProto(event) };
    case "status-update":
      return { statusUpdate: statusUpdateToProto(event) };
    case "artifact-update":
      return { artifactUpdate: artifactUpdateToProto(event) };
  }
}

// ---------------------------------------------------------------------------------------------
// Push notification configs
// ---------------------------------------------------------------------------------------------

/** A 0.3 push config as the proto one. */
export function pushConfigToProto(config: v03.PushNotificationConfig): PushNotificationConfig {
  const { authentication } = config;
  return omitDefaults({
    id: config.id,
    url: config.url,
    token: config.token,
    authentication:
      authentication &&
      omitDefaults<AuthenticationInfo>({
        schemes: authentication.schemes,
        credentials: authentication.credentials,
      }),
  });
}

/**
 * A 0.3 `TaskPushNotificationConfig` as the proto one, named
 * `tasks/{taskId}/pushNotificationConfigs/{configId}`. A config without an id gets an empty last
 * segment, as the SDKs write it; their parsers take the task id from the name's first segments.
 */
export function taskPushConfigToProto(
  config: v03.TaskPushNotificationConfig,
): NamedTaskPushNotificationConfig {
  return {
    name: `tasks/${config.taskId}/pushNotificationConfigs/${config.pushNotificationConfig.id ?? ""}`,
    pushNotificationConfig: pushConfigToProto(config.pushNotificationConfig),
  };
}

/** The push configs of a task as `ListTaskPushNotificationConfigResponse` (no paging in 0.3). */
export function listPushConfigsToProto(
  configs: readonly v03.TaskPushNotificationConfig[],
): ListTaskPushNotificationConfigResponse {
  return omitDefaults({ configs: configs.map(taskPushConfigToProto) });
}

// ---------------------------------------------------------------------------------------------
// Agent card
// ---------------------------------------------------------------------------------------------

/** A security requirement as the proto `Security`: scopes wrapped in `StringList`s. */
export function securityToProto(requirement: v03.SecurityRequirement): Security {
  const schemes = Object.fromEntries(
    Object.entries(requirement).map(([name, scopes]) => [
      name,
      omitDefaults<StringList>({ list: scopes }),
    ]),
  );
  return omitDefaults({ schemes: nonEmptyMap(schemes) });
}

/**
 * 0.3 JSON `OAuthFlows` may declare several flows; the proto's is a oneof. One is kept, the
 * first of authorization code, client credentials, implicit, password: the non-deprecated
 * flows first, and the one a card listing several most likely expects.
 */
export function oauthFlowsToProto(flows: v03.OAuthFlows): OAuthFlows {
  const scopes = (value: Record<string, string>) => nonEmptyMap(value);
  if (flows.authorizationCode) {
    const flow = flows.authorizationCode;
    return {
      authorizationCode: omitDefaults({
        authorizationUrl: flow.authorizationUrl,
        tokenUrl: flow.tokenUrl,
        refreshUrl: flow.refreshUrl,
        scopes: scopes(flow.scopes),
      }),
    };
  }
  if (flows.clientCredentials) {
    const flow = flows.clientCredentials;
    return {
      clientCredentials: omitDefaults({
        tokenUrl: flow.tokenUrl,
        refreshUrl: flow.refreshUrl,
        scopes: scopes(flow.scopes),
      }),
    };
  }
  if (flows.implicit) {
    const flow = flows.implicit;
    return {
      implicit: omitDefaults({
        authorizationUrl: flow.authorizationUrl,
        refreshUrl: flow.refreshUrl,
        scopes: scopes(flow.scopes),
      }),
    };
  }
  if (flows.password) {
    const flow = flows.password;
    return {
      password: omitDefaults({
        tokenUrl: flow.tokenUrl,
        refreshUrl: flow.refreshUrl,
        scopes: scopes(flow.scopes),
      }),
    };
  }
  return {};
}

/** A 0.3 (OpenAPI-style, `type`-tagged) security scheme as the proto oneof. */
export function securitySchemeToProto(scheme: v03.SecurityScheme): SecurityScheme {
  switch (scheme.type) {
    case "apiKey":
      return {
        apiKeySecurityScheme: omitDefaults({
          description: scheme.description,
          location: scheme.in,
          name: scheme.name,
        }),
      };
    case "http":
      return {
        httpAuthSecurityScheme: omitDefaults({
          description: scheme.description,
          scheme: scheme.scheme,
          bearerFormat: scheme.bearerFormat,
        }),
      };
    case "oauth2":
      return {
        oauth2SecurityScheme: omitDefaults({
          description: scheme.description,
          flows: oauthFlowsToProto(scheme.flows),
          oauth2MetadataUrl: scheme.oauth2MetadataUrl,
        }),
      };
    case "openIdConnect":
      return {
        openIdConnectSecurityScheme: omitDefaults({
          description: scheme.description,
          openIdConnectUrl: scheme.openIdConnectUrl,
        }),
      };
    case "mutualTLS":
      return { mtlsSecurityScheme: omitDefaults({ description: scheme.description }) };
  }
}

function skillToProto(skill: v03.AgentSkill): AgentSkill {
  return omitDefaults({
    id: skill.id,
    name: skill.name,
    description: skill.description,
    tags: skill.tags,
    examples: skill.examples,
    inputModes: skill.inputModes,
    outputModes: skill.outputModes,
    security: skill.security?.map(securityToProto),
  });
}

/**
 * A 0.3 agent card as the proto `AgentCard` (`GET /v1/card`). Same field names as the 0.3 JSON
 * card, but security schemes and requirements take their proto shapes, and fields the 0.3
 * proto lacks (`iconUrl`, `capabilities.stateTransitionHistory`) are dropped.
 */
export function agentCardToProto(card: v03.AgentCard): AgentCard {
  const { capabilities } = card;
  const securitySchemes =
    card.securitySchemes &&
    Object.fromEntries(
      Object.entries(card.securitySchemes).map(([name, scheme]) => [
        name,
        securitySchemeToProto(scheme),
      ]),
    );
  return omitDefaults({
    protocolVersion: card.protocolVersion,
    name: card.name,
    description: card.description,
    url: card.url,
    preferredTransport: card.preferredTransport,
    additionalInterfaces: card.additionalInterfaces?.map((i) =>
      omitDefaults({ url: i.url, transport: i.transport }),
    ),
    provider:
      card.provider &&
      omitDefaults({ url: card.provider.url, organization: card.provider.organization }),
    version: card.version,
    documentationUrl: card.documentationUrl,
    capabilities: omitDefaults({
      streaming: flag(capabilities.streaming),
      pushNotifications: flag(capabilities.pushNotifications),
      extensions: capabilities.extensions?.map((extension) =>
        omitDefaults({
          uri: extension.uri,
          description: extension.description,
          required: flag(extension.required),
          params: extension.params,
        }),
      ),
    }),
    securitySchemes: nonEmptyMap(securitySchemes),
    security: card.security?.map(securityToProto),
    defaultInputModes: card.defaultInputModes,
    defaultOutputModes: card.defaultOutputModes,
    skills: card.skills.map(skillToProto),
    supportsAuthenticatedExtendedCard: flag(card.supportsAuthenticatedExtendedCard),
    signatures: card.signatures?.map((signature) =>
      omitDefaults({
        protected: signature.protected,
        signature: signature.signature,
        header: signature.header,
      }),
    ),
  });
}
