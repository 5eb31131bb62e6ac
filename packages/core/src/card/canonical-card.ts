import canonicalize from "canonicalize";

/**
 * Which fields of a 1.0 card message keep a default value (REQUIRED or `optional` in the
 * proto), and which message fields to descend into. Fields not listed are plain proto3
 * fields: at their default ("", false, 0, [] or an empty map) they are left out (spec §8.4.1).
 */
interface Shape {
  keep?: readonly string[];
  /** Message fields (or repeated/map of messages) and their shapes. */
  children?: Readonly<Record<string, Shape>>;
}

const MAP_FIELDS = new Set(["securitySchemes", "schemes", "scopes"]);

const REQUIREMENT: Shape = { children: { schemes: {} } };
const flow = (...keep: string[]): Shape => ({ keep: [...keep, "scopes"] });
const SCHEME: Shape = {
  children: {
    apiKeySecurityScheme: { keep: ["location", "name"] },
    httpAuthSecurityScheme: { keep: ["scheme"] },
    oauth2SecurityScheme: {
      keep: ["flows"],
      children: {
        flows: {
          children: {
            authorizationCode: flow("authorizationUrl", "tokenUrl"),
            clientCredentials: flow("tokenUrl"),
            deviceCode: flow("deviceAuthorizationUrl", "tokenUrl"),
            implicit: {},
            password: {},
          },
        },
      },
    },
    openIdConnectSecurityScheme: { keep: ["openIdConnectUrl"] },
    mtlsSecurityScheme: {},
  },
};

const CARD: Shape = {
  keep: [
    "name",
    "description",
    "supportedInterfaces",
    "version",
    "capabilities",
    "defaultInputModes",
    "defaultOutputModes",
    "skills",
    "documentationUrl",
    "iconUrl",
  ],
  children: {
    supportedInterfaces: { keep: ["url", "protocolBinding", "protocolVersion"] },
    provider: { keep: ["url", "organization"] },
    capabilities: {
      keep: ["streaming", "pushNotifications", "extendedAgentCard"],
      children: { extensions: {} },
    },
    securitySchemes: SCHEME,
    securityRequirements: REQUIREMENT,
    skills: {
      keep: ["id", "name", "description", "tags"],
      children: { securityRequirements: REQUIREMENT },
    },
    signatures: { keep: ["protected", "signature"] },
  },
};

function isDefault(key: string, value: unknown): boolean {
  if (value === undefined || value === "" || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  return (
    MAP_FIELDS.has(key) &&
    typeof value === "object" &&
    value !== null &&
    Object.keys(value).length === 0
  );
}

function strip(value: unknown, shape: Shape, map: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => strip(item, shape, false));
  if (typeof value !== "object" || value === null) return value;
  if (map) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, strip(item, shape, false)]),
    );
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const keep = shape.keep?.includes(key) ?? false;
    if (!keep && isDefault(key, item)) continue;
    const child = shape.children?.[key];
    out[key] = child ? strip(item, child, MAP_FIELDS.has(key)) : item;
  }
  return out;
}

/** A 1.0 card without fields at their proto default, as it is signed and served. */
export function withoutDefaults<T>(card: T): T {
  return strip(card, CARD, false) as T;
}

/**
 * The JWS payload of a card: its RFC 8785 (JCS) form without `signatures` (spec §8.4.1).
 * A 1.0 card is stripped of default values first; a 0.3 or hybrid card is taken as it is.
 */
export function canonicalCard(card: object, version: "1.0" | "0.3" | "hybrid"): string {
  const { signatures: _, ...unsigned } = card as { signatures?: unknown };
  const payload = canonicalize(version === "1.0" ? withoutDefaults(unsigned) : unsigned);
  if (payload === undefined) throw new TypeError("the card cannot be canonicalized");
  return payload;
}
