import { compact, nonEmpty } from "../../util/compact.js";
import type * as v1 from "../v1/index.js";
import type * as v03 from "../v03/index.js";

/** A 1.0 `AuthenticationInfo` (one scheme) as 0.3 auth info (a list of schemes). */
export function pushAuthToV03(auth: v1.AuthenticationInfo): v03.PushNotificationAuthenticationInfo {
  return compact({ schemes: [auth.scheme], credentials: auth.credentials });
}

/**
 * 0.3 push auth info as a 1.0 `AuthenticationInfo`. 1.0 holds one scheme: the first is kept
 * and the rest dropped (the client listed them in preference order). Without any scheme
 * there is nothing 1.0 can say, so the result is `undefined` and credentials go with it.
 */
export function pushAuthFromV03(
  auth: v03.PushNotificationAuthenticationInfo,
): v1.AuthenticationInfo | undefined {
  const [scheme] = auth.schemes;
  if (scheme === undefined) return undefined;
  return compact({ scheme, credentials: auth.credentials });
}

/**
 * The webhook part of a 1.0 `TaskPushNotificationConfig` as a 0.3 `PushNotificationConfig`
 * (as in `MessageSendConfiguration`). `taskId` and `tenant` have no place there.
 */
export function pushConfigToV03(config: v1.TaskPushNotificationConfig): v03.PushNotificationConfig {
  return compact({
    id: config.id,
    url: config.url,
    token: config.token,
    authentication: config.authentication && pushAuthToV03(config.authentication),
  });
}

/** A 0.3 `PushNotificationConfig` as a 1.0 `TaskPushNotificationConfig` without `taskId`. */
export function pushConfigFromV03(
  config: v03.PushNotificationConfig,
): v1.TaskPushNotificationConfig {
  return compact({
    id: config.id,
    url: config.url,
    token: config.token,
    authentication: config.authentication && pushAuthFromV03(config.authentication),
  });
}

/**
 * A 1.0 `TaskPushNotificationConfig` (flat) as the 0.3 one (`taskId` + nested config).
 * `tenant` has no 0.3 place and is dropped; a missing `taskId` becomes `""` (proto default).
 */
export function taskPushConfigToV03(
  config: v1.TaskPushNotificationConfig,
): v03.TaskPushNotificationConfig {
  return { taskId: config.taskId ?? "", pushNotificationConfig: pushConfigToV03(config) };
}

/** A 0.3 `TaskPushNotificationConfig` as the flat 1.0 one; the inverse of taskPushConfigToV03. */
export function taskPushConfigFromV03(
  config: v03.TaskPushNotificationConfig,
): v1.TaskPushNotificationConfig {
  return compact({
    ...pushConfigFromV03(config.pushNotificationConfig),
    taskId: nonEmpty(config.taskId),
  });
}
