import type { CardShape } from "../card/hybrid-card.js";
import { A2AError } from "../errors/a2a-error.js";
import type { HttpInput } from "../http/exchange.js";
import type { ProtocolVersion } from "../types/protocol-version.js";

/** Versions a2a-mount can answer, newest first; an agent may serve 1.0 only. */
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

function unsupported(requested: string, served: readonly ProtocolVersion[]): A2AError {
  return new A2AError(
    "VERSION_NOT_SUPPORTED",
    `A2A version ${requested} is not supported; supported versions: ${served.join(", ")}`,
    { metadata: { requestedVersion: requested, supportedVersions: served.join(",") } },
  );
}

function parseVersion(requested: string, served: readonly ProtocolVersion[]): ProtocolVersion {
  const match = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(requested);
  const majorMinor = match ? `${Number(match[1])}.${Number(match[2])}` : requested;
  const version = served.find((v) => v === majorMinor);
  if (!version) throw unsupported(requested, served);
  return version;
}

const servesV03 = (served: readonly ProtocolVersion[]) => served.includes("0.3");

/**
 * The version of an HTTP+JSON call. 0.3 routes start with `/v1`; the others exist only in
 * 1.0. So a request without a version is 0.3 under `/v1` (when 0.3 is served) and 1.0
 * elsewhere, and a 1.0 request reads `/v1` as a tenant named "v1".
 */
export function negotiateRestVersion(
  requested: string | undefined,
  underV1: boolean,
  served: readonly ProtocolVersion[] = SUPPORTED_VERSIONS,
): ProtocolVersion {
  if (requested === undefined) return underV1 && servesV03(served) ? "0.3" : "1.0";
  return parseVersion(requested, served);
}

/**
 * Picks the protocol version of a JSON-RPC call (spec §3.6). Patch numbers are ignored.
 * Without a version the spec means 0.3, but a method name that only 1.0 has is
 * unambiguous and served as 1.0 (as is every method when 0.3 is not served).
 */
export function negotiateJsonRpcVersion(
  requested: string | undefined,
  isV03Method: boolean,
  served: readonly ProtocolVersion[] = SUPPORTED_VERSIONS,
): ProtocolVersion {
  if (requested !== undefined) return parseVersion(requested, served);
  return isV03Method && servesV03(served) ? "0.3" : "1.0";
}

/**
 * The card shape a request asks for. Without a version the spec means 0.3, but 1.0 clients
 * that send no header must find their interfaces too: so such a request gets the hybrid card
 * where 0.3 is served, and the 1.0 card where only 1.0 is.
 */
export function negotiateCardShape(
  requested: string | undefined,
  served: readonly ProtocolVersion[] = SUPPORTED_VERSIONS,
): CardShape {
  if (requested === undefined) return servesV03(served) ? "hybrid" : "1.0";
  return parseVersion(requested, served);
}
