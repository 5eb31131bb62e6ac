/**
 * A2A 0.3 wire schemas (JSON-RPC shapes of the 0.3 `a2a.json`). The core works in 1.0
 * shapes only; these are read and written at the wire edge, see `../convert`.
 */
export * from "./agent-card.js";
export * from "./message.js";
export * from "./part.js";
export * from "./primitives.js";
export * from "./push.js";
export * from "./requests.js";
export * from "./responses.js";
export * from "./security.js";
export * from "./task.js";
