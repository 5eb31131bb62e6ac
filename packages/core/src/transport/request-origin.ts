import { A2AError } from "../errors/a2a-error.js";
import type { HttpInput, RequestOrigin } from "../http/exchange.js";

/**
 * `host[:port]` (RFC 9110 §7.2): a DNS name or IPv4 address, or an IPv6 literal in brackets,
 * and an optional port. Nothing else: no path, query, user info, spaces or commas.
 */
const HOST = /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/** Whether `host` is a valid `host[:port]`. */
export function isValidHost(host: string): boolean {
  if (host.length > 255) return false;
  const match = HOST.exec(host);
  return match !== null && (match[1] === undefined || Number(match[1]) <= 65535);
}

/** `example.com:8080` -> `example.com`, `[::1]:80` -> `[::1]`, lowercased. */
export function hostnameOf(host: string): string {
  const end = host.startsWith("[") ? host.indexOf("]") + 1 : host.lastIndexOf(":");
  return (end > 0 ? host.slice(0, end) : host).toLowerCase();
}

/** How the agent decides which origin a request was addressed to. */
export interface OriginPolicy {
  /** Read `X-Forwarded-Host` and `X-Forwarded-Proto` (the operator trusts the proxy in front). */
  trustProxy: boolean;
  /**
   * Host names requests may name (port ignored); `.example.com` also allows its subdomains.
   * `undefined` allows any valid host.
   */
  allowedHosts: readonly string[] | undefined;
}

const FORWARDED_VIA = ["x-forwarded-host", "x-forwarded-proto"] as const;

const firstValue = (header: string | null): string | undefined => {
  const first = header?.split(",", 1)[0]?.trim();
  return first ? first : undefined;
};

/**
 * `origin` as a trusted proxy in front forwarded it: the first values of `X-Forwarded-Host`
 * and `X-Forwarded-Proto` over its own, unchecked, with those headers named for `Vary`.
 */
export function forwarded(
  origin: RequestOrigin,
  header: (name: string) => string | null,
): RequestOrigin {
  return {
    protocol: firstValue(header("x-forwarded-proto"))?.toLowerCase() ?? origin.protocol,
    host: firstValue(header("x-forwarded-host")) ?? origin.host,
    via: [...new Set([...(origin.via ?? []), ...FORWARDED_VIA])],
  };
}

function badOrigin(message: string): A2AError {
  return new A2AError("INVALID_REQUEST", message, { transportStatus: 400 });
}

function isAllowed(hostname: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) =>
    entry.startsWith(".")
      ? hostname === entry.slice(1) || hostname.endsWith(entry)
      : hostname === entry,
  );
}

/**
 * The origin of a request, checked: the adapter's reading, with a trusted proxy's
 * `X-Forwarded-*` on top when the policy says so.
 * @throws A2AError 400 when the host is not a valid `host[:port]` or not an allowed one.
 */
export function checkedOrigin(input: HttpInput, policy: OriginPolicy): RequestOrigin {
  const origin = policy.trustProxy ? forwarded(input.origin, input.header) : input.origin;
  const { protocol, host } = origin;
  if (protocol !== "http" && protocol !== "https") {
    throw badOrigin("The forwarded protocol is not http or https");
  }
  if (host !== null && !isValidHost(host)) {
    throw badOrigin("The Host header is not a valid host[:port]");
  }
  if (policy.allowedHosts && !isAllowed(hostnameOf(host ?? "localhost"), policy.allowedHosts)) {
    throw badOrigin("The Host header names a host this agent does not serve");
  }
  return origin;
}
