import { A2AError } from "../errors/a2a-error.js";
import type { ProtocolVersion } from "../server/call-context.js";
import type { HttpInput } from "./exchange.js";

/** Versions this server answers, newest first. */
export const SUPPORTED_VERSIONS: readonly ProtocolVersion[] = ["1.0", "0.3"];

/** The requested version: the `A2A-Version` header, else the `A2A-Version` query parameter. */
export function requestedVersion(input: HttpInput): string | undefined {
  const raw = input.header("a2a-version") ?? queryVersion(input.search);
  const trimmed = raw?.trim();
  return trimmed ? trimmed : undefined;
}

/** The `A2A-Version` query parameter; most requests have no query, so skip parsing one. */
function queryVersion(search: string): string | null {
  return search === "" ? null : new URLSearchParams(search).get("A2A-Version");
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
 * The version of an HTTP+JSON call. 0.3 routes start with `/v1`; the others exist only in
 * 1.0. So a request without a version is 0.3 under `/v1` and 1.0 elsewhere, and a 1.0
 * request reads `/v1` as a tenant named "v1".
 */
export function negotiateRestVersion(
  requested: string | undefined,
  underV1: boolean,
): ProtocolVersion {
  if (requested === undefined) return underV1 ? "0.3" : "1.0";
  return parseVersion(requested);
}

/**
 * Picks the protocol version of a JSON-RPC call (spec §3.6). Patch numbers are ignored.
 * Without a version the spec means 0.3, but a method name that only 1.0 has is
 * unambiguous and served as 1.0.
 */
export function negotiateJsonRpcVersion(
  requested: string | undefined,
  isV03Method: boolean,
): ProtocolVersion {
  if (requested !== undefined) return parseVersion(requested);
  return isV03Method ? "0.3" : "1.0";
}

/** The version a card request asks for; none means 0.3, the version that predates the header. */
export function negotiateCardVersion(requested: string | undefined): ProtocolVersion {
  return requested === undefined ? "0.3" : parseVersion(requested);
}
