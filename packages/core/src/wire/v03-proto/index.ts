/**
 * A2A 0.3 HTTP+JSON bodies: the ProtoJSON of the 0.3 gRPC messages (package `a2a.v1` of the
 * 0.3 `a2a.proto`), which is what the official SDKs send and expect on the `/v1/...` routes,
 * rather than the JSON-RPC shapes of the 0.3 JSON schema. These modules translate between the
 * two 0.3 forms, so the 0.3 <-> 1.0 converters of `../convert` serve both bindings unchanged:
 * requests `schemas` -> `from-proto` -> `../v03` shapes, responses `../v03` shapes -> `to-proto`.
 */

export * from "./card-to-proto.js";
export * from "./from-proto.js";
export * from "./proto-types.js";
export * from "./schemas.js";
export * from "./to-proto.js";
