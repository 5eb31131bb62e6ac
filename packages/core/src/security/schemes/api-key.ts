import { compact } from "../../util/compact.js";
import { cookieValue } from "../credentials.js";
import { defineScheme, quoted, REALM, type SchemeOptions, type SecurityScheme } from "../scheme.js";

/** Where an API key travels. */
export type ApiKeyLocation = "header" | "query" | "cookie";

/** Options of {@link apiKeyScheme}. */
export interface ApiKeySchemeOptions extends SchemeOptions<string> {
  /** The header, query parameter or cookie that carries the key, e.g. `"X-API-Key"`. */
  keyName: string;
  location: ApiKeyLocation;
}

/**
 * An API key in a header, a query parameter or a cookie. `verify` looks the key up (and
 * should compare in constant time) and returns the caller it belongs to.
 *
 * @example
 * ```ts
 * const apiKey = apiKeyScheme({
 *   name: "apiKey", keyName: "X-API-Key", location: "header",
 *   verify: (key) => keys.get(key), // Principal | undefined
 * });
 * ```
 */
export function apiKeyScheme(options: ApiKeySchemeOptions): SecurityScheme {
  const { keyName, location } = options;
  const headerName = keyName.toLowerCase();
  return defineScheme({
    name: options.name,
    declaration: {
      apiKeySecurityScheme: compact({
        location,
        name: keyName,
        description: options.description,
      }),
    },
    extract(input) {
      const value =
        location === "header"
          ? input.header(headerName)
          : location === "query"
            ? new URLSearchParams(input.search).get(keyName)
            : cookieValue(input, keyName);
      return value === null || value === undefined || value.trim() === ""
        ? undefined
        : value.trim();
    },
    secrets: (key) => [key],
    verify: options.verify,
    acceptHostPrincipal: options.acceptHostPrincipal,
    // HTTP defines no API key challenge; this one names where the key goes.
    challenge: () =>
      `APIKey realm=${quoted(REALM)}, in=${quoted(location)}, name=${quoted(keyName)}`,
  });
}
