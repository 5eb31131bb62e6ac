import { errors, type FieldViolation } from "../../errors/a2a-error.js";
import { type WebhookSender, WebhookUrlRefused } from "../../ports/webhook-sender.js";
import type { TaskPushNotificationConfig } from "../../wire/v1/index.js";

/** An HTTP authentication scheme name: an RFC 9110 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Control characters: in a header value they would end it (CR, LF) or be refused on the wire. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** In unicode mode a surrogate pair is one code point: this matches lone surrogates only. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Checks a config before it is stored: its URL may be delivered to (the sender's SSRF
 * guard), and what goes into headers cannot break out of them. Throws INVALID_PARAMS naming
 * each field under `prefix` (e.g. `configuration.taskPushNotificationConfig.`).
 */
export async function validatePushConfig(
  config: TaskPushNotificationConfig,
  sender: WebhookSender,
  prefix = "",
): Promise<void> {
  const violations: FieldViolation[] = [];
  if (config.id !== undefined && (CONTROL.test(config.id) || LONE_SURROGATE.test(config.id))) {
    violations.push({
      field: `${prefix}id`,
      description: "must not contain control characters or unpaired surrogates",
    });
  }
  const auth = config.authentication;
  if (auth && !TOKEN.test(auth.scheme)) {
    violations.push({
      field: `${prefix}authentication.scheme`,
      description: "must be an HTTP authentication scheme name (RFC 9110 token)",
    });
  }
  if (auth?.credentials !== undefined && CONTROL.test(auth.credentials)) {
    violations.push({
      field: `${prefix}authentication.credentials`,
      description: "must not contain control characters (CR, LF, ...)",
    });
  }
  if (config.token !== undefined && CONTROL.test(config.token)) {
    violations.push({
      field: `${prefix}token`,
      description: "must not contain control characters (CR, LF, ...)",
    });
  }
  if (violations.length === 0) {
    try {
      await sender.check(config.url);
    } catch (error) {
      if (!(error instanceof WebhookUrlRefused)) throw error;
      violations.push({ field: `${prefix}url`, description: `is refused: ${error.message}` });
    }
  }
  if (violations.length > 0) throw errors.invalidParams(violations);
}
