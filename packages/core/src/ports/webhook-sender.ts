/**
 * How push notifications leave the process: the one place that touches the network for
 * them, so that the address a delivery connects to is the address that was checked. The Node
 * implementation (`webhookSender` of `@a2a-mount/core/node`) resolves the host, refuses
 * loopback, private, link-local and other internal addresses unless allow-listed, and checks
 * again on every connection (DNS rebinding).
 */
export interface WebhookSender {
  /**
   * Checks that `url` may receive deliveries: its scheme, its host, and every address the
   * host resolves to now. Throws {@link WebhookUrlRefused} saying why not.
   */
  check(url: string): Promise<void>;
  /**
   * POSTs `body` to `url` once: no redirect is followed (a 3xx is returned as it is). Resolves
   * with the response's status and `Retry-After` (in ms from now, when it names one); rejects
   * with {@link WebhookUrlRefused} when the address it would connect to is refused, or with
   * another error when the request fails (network error, timeout, abort; also a host that
   * does not resolve now: a DNS outage must not disable a config, so it is tried again).
   */
  post(request: WebhookRequest): Promise<WebhookResponse>;
}

export interface WebhookRequest {
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The exact bytes sent. */
  body: Uint8Array;
  /** The attempt fails after this many ms. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export interface WebhookResponse {
  status: number;
  /** `Retry-After`, in ms from now, when the response has a valid one. */
  retryAfterMs: number | undefined;
}

/** A webhook URL, or the address its host resolves to, may not be delivered to. */
export class WebhookUrlRefused extends Error {
  override readonly name = "WebhookUrlRefused";
}
