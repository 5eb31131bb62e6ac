import { A2AError } from "../errors/a2a-error.js";
import type { ProtocolVersion } from "../server/call-context.js";

/** Versions this server answers, newest first. 0.3 joins this list with its converters. */
export const SUPPORTED_VERSIONS: readonly ProtocolVersion[] = ["1.0"];

/** JSON-RPC method names of A2A 0.3, recognised so that they get the right error. */
export const V03_METHODS: ReadonlySet<string> = new Set([
  "message/send",
  "message/stream",
  "tasks/get",
  "tasks/cancel",
  "tasks/resubscribe",
  "tasks/pushNotificationConfig/set",
  "tasks/pushNotificationConfig/get",
  "tasks/pushNotificationConfig/list",
  "tasks/pushNotificationConfig/delete",
  "agent/getAuthenticatedExtendedCard",
]);

/** The requested version: the `A2A-Version` header, else the `A2A-Version` query parameter. */
export function requestedVersion(request: Request, url: URL): string | undefined {
  const raw = request.headers.get("a2a-version") ?? url.searchParams.get("A2A-Version");
  const trimmed = raw?.trim();
  return trimmed ? trimmed : undefined;
}

function unsupported(requested: string): A2AError {
  return new A2AError(
    "VERSION_NOT_SUPPORTED",
    `A2A version ${requested} is not supported; supported versions: ${SUPPORTED_VERSIONS.join(", ")}`,
    { metadata: { requestedVersion: requested, supportedVersions: SUPPORTED_VERSIONS.join(",") } },
  );
}

function parseVersion(requested: string): ProtocolVersion {
  const match = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(requested);
  const majorMinor = match ? `${Number(match[1])}.${Number(match[2])}` : requested;
  const version = SUPPORTED_VERSIONS.find((v) => v === majorMinor);
  if (!version) throw unsupported(requested);
  return version;
}

/**
 * The version of an HTTP+JSON call to a 1.0 route: the routes without `/v1` exist only in
 * 1.0, so a request without a version is served as 1.0.
 */
export function negotiateRestVersion(requested: string | undefined): ProtocolVersion {
  return requested === undefined ? "1.0" : parseVersion(requested);
}

/**
 * Picks the protocol version of a JSON-RPC call (spec §3.6). Patch numbers are ignored.
 * Without a version, the spec means 0.3, but a method name that only 1.0 has is
 * unambiguous and served as 1.0.
 */
export function negotiateJsonRpcVersion(
  requested: string | undefined,
  method: string,
): ProtocolVersion {
  if (requested !== undefined) return parseVersion(requested);
  if (V03_METHODS.has(method)) throw unsupported("0.3");
  return "1.0";
}
