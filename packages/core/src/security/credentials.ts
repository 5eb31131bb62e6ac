import type { HttpInput } from "../http/exchange.js";

/**
 * The credentials of `Authorization: <scheme> <credentials>` when `scheme` matches
 * (case-insensitive, RFC 9110 §11.1), else `undefined`. An empty credential counts as none.
 */
export function authorizationCredential(input: HttpInput, scheme: string): string | undefined {
  const header = input.header("authorization");
  if (header === null) return undefined;
  const trimmed = header.trim();
  const space = trimmed.indexOf(" ");
  if (space === -1 || trimmed.slice(0, space).toLowerCase() !== scheme.toLowerCase()) {
    return undefined;
  }
  const credential = trimmed.slice(space + 1).trim();
  return credential === "" ? undefined : credential;
}

/** A cookie's value from the `Cookie` header (RFC 6265 §5.4), or `undefined`. */
export function cookieValue(input: HttpInput, name: string): string | undefined {
  const header = input.header("cookie");
  if (header === null) return undefined;
  for (const pair of header.split(/;\s*/)) {
    const eq = pair.indexOf("=");
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1);
    }
    try {
      value = decodeURIComponent(value);
    } catch {
      // not percent-encoded: the raw value is the credential
    }
    return value === "" ? undefined : value;
  }
  return undefined;
}

/** Username and password of an HTTP Basic credential (RFC 7617). */
export interface BasicCredentials {
  username: string;
  password: string;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Decodes a Basic credential; `undefined` when it is not base64 of UTF-8 `user:password`. */
export function parseBasicCredentials(token: string): BasicCredentials | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return undefined;
  let text: string;
  try {
    text = decoder.decode(Uint8Array.from(atob(token), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const colon = text.indexOf(":");
  if (colon === -1) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}
