import type { LookupAddress } from "node:dns";
import { promises as dns } from "node:dns";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import {
  type WebhookRequest,
  type WebhookResponse,
  type WebhookSender,
  WebhookUrlRefused,
} from "../ports/webhook-sender.js";
import { type AddressPolicy, createAddressPolicy } from "./address-policy.js";

/** Options of {@link webhookSender}. */
export interface WebhookSenderOptions {
  /**
   * Hosts that may be delivered to although they are, or resolve to, internal addresses, and
   * may use `http:`: host names (exact, any case: every address they resolve to is then
   * allowed), IP addresses and CIDRs (`10.0.0.0/8`, `fd00::/8`). Default: none.
   */
  allowHosts?: readonly string[];
  /** Response body bytes read (and discarded) before the connection is dropped. Default 64 KiB. */
  maxResponseBytes?: number;
  /**
   * Resolves a host name to all its addresses. For tests and custom DNS. Default:
   * `dns.promises.lookup(hostname, { all: true, verbatim: true })`.
   */
  lookup?: (hostname: string) => Promise<readonly LookupAddress[]>;
}

const systemLookup = (hostname: string) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * The {@link WebhookSender} of Node: `https:` only (`http:` for allow-listed hosts), and an
 * SSRF guard on by default. A host's addresses are checked when the URL is checked and again
 * on every connection, on the very addresses the socket is given, so a name that resolves to
 * a public address at registration and to an internal one later (DNS rebinding) is refused.
 * Redirects are never followed; connections are not pooled.
 *
 * @example
 * ```ts
 * import { webhookSender } from "@a2a-mount/core/node";
 * const sender = webhookSender({ allowHosts: ["hooks.internal", "10.1.0.0/16"] });
 * ```
 */
export function webhookSender(options: WebhookSenderOptions = {}): WebhookSender {
  const policy = createAddressPolicy(options.allowHosts ?? []);
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 0) {
    throw new RangeError("maxResponseBytes must be a non-negative integer");
  }
  const lookup = options.lookup ?? systemLookup;

  /**
   * The host's addresses, all checked: throws WebhookUrlRefused when one is refused. A host
   * that does not resolve is refused by `check`, but is only a failed attempt for `post`
   * (DNS may be down for a while; a refusal would give the config up).
   */
  const resolveChecked = async (
    host: string,
    where: string,
    unresolved: (message: string) => Error,
  ): Promise<readonly LookupAddress[]> => {
    let addresses: readonly LookupAddress[];
    try {
      addresses = await lookup(host);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw unresolved(`${where}: host does not resolve${code ? ` (${code})` : ""}`);
    }
    if (addresses.length === 0) throw unresolved(`${where}: host does not resolve`);
    if (policy.listed(host)) return addresses;
    const bad = addresses.find(({ address }) => !policy.allowsAddress(address));
    if (bad) {
      throw new WebhookUrlRefused(
        `${where}: host resolves to ${bad.address}, an internal or reserved address that is not allow-listed`,
      );
    }
    return addresses;
  };

  return {
    async check(url) {
      const { host, where } = checkUrl(url, policy);
      if (!isIP(host)) await resolveChecked(host, where, (m) => new WebhookUrlRefused(m));
    },
    post(request) {
      let target: ReturnType<typeof checkUrl>;
      try {
        target = checkUrl(request.url, policy);
      } catch (error) {
        return Promise.reject(error);
      }
      // IP literals are never looked up: checkUrl judged them. Names are resolved and judged
      // here, at connect time, on the addresses the socket then uses.
      const connectLookup: LookupFunction = (hostname, lookupOptions, callback) => {
        resolveChecked(hostname, target.where, (m) => new Error(m)).then(
          (addresses) => {
            const family = lookupOptions.family;
            const usable =
              family === 4 || family === 6
                ? addresses.filter((a) => a.family === family)
                : addresses;
            const first = usable[0];
            if (!first) {
              callback(new Error(`${target.where}: no IPv${family} address`), "", 0);
            } else if (lookupOptions.all) {
              callback(null, [...usable]);
            } else {
              callback(null, first.address, first.family);
            }
          },
          (error: Error) => callback(error, "", 0),
        );
      };
      return send(target.url, request, connectLookup, maxResponseBytes);
    },
  };
}

/**
 * The URL's checks that need no DNS: it parses, is `https:` (or `http:` to an allow-listed
 * host), carries no credentials, and its host is not refused by name or as an IP literal.
 * `where` names the URL in messages without its user info, path or query, which may hold
 * secrets.
 */
function checkUrl(text: string, policy: AddressPolicy): { url: URL; host: string; where: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookUrlRefused("webhook URL is not a valid absolute URL");
  }
  const where = `webhook URL ${url.protocol}//${url.host}`;
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new WebhookUrlRefused(`${where}: scheme ${url.protocol} is not allowed (use https:)`);
  }
  if (url.username || url.password) {
    throw new WebhookUrlRefused(`${where}: credentials in the URL are not allowed`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (url.protocol === "http:" && !policy.listed(host)) {
    throw new WebhookUrlRefused(`${where}: http: is only allowed to allow-listed hosts`);
  }
  if (!policy.allowsHost(host)) {
    throw new WebhookUrlRefused(
      `${where}: ${host} is a local, internal or reserved host that is not allow-listed`,
    );
  }
  return { url, host, where };
}

/** One POST, settled by the response's head, a failure, the timeout or the signal. */
function send(
  url: URL,
  request: WebhookRequest,
  lookup: LookupFunction,
  maxResponseBytes: number,
): Promise<WebhookResponse> {
  return new Promise((resolve, reject) => {
    const { signal, timeoutMs, body } = request;
    if (signal?.aborted) {
      reject(new Error("webhook request aborted", { cause: signal.reason }));
      return;
    }
    let settled = false;
    const fail = (error: Error) => {
      if (!settled) reject(error);
      settled = true;
    };
    // `agent: false`: a fresh connection each time, so no pooled socket skips `lookup`.
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, {
      method: "POST",
      headers: { ...request.headers, "content-length": String(body.byteLength) },
      agent: false,
      lookup,
    });
    // The timeout and the signal also bound reading the body after the status is known.
    const onAbort = () =>
      req.destroy(new Error("webhook request aborted", { cause: signal?.reason }));
    const timer = setTimeout(
      () => req.destroy(new Error(`webhook request timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    // Stays attached: errors after the response (a dropped body) are expected and ignored.
    req.on("error", (error) => {
      finish();
      fail(error);
    });
    req.on("close", finish);
    req.on("response", (res) => {
      settled = true;
      resolve({
        status: res.statusCode ?? 0,
        retryAfterMs: retryAfterMs(res.headers["retry-after"]),
      });
      // Discard the body; a receiver that sends more than this is cut off, not buffered.
      let read = 0;
      res.on("data", (chunk: Buffer) => {
        read += chunk.byteLength;
        if (read > maxResponseBytes) req.destroy();
      });
      res.on("error", () => {});
    });
    req.end(body);
  });
}

/** `Retry-After` in ms from now: delta seconds or an HTTP date (all three forms start with a day name). */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) {
    const ms = Number(text) * 1000;
    return Number.isFinite(ms) ? ms : undefined;
  }
  if (!/^[a-z]{3}/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
