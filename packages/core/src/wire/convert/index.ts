/**
 * Pure converters between the A2A 1.0 wire shapes (`../v1`) and the 0.3 ones (`../v03`),
 * so the core can work in 1.0 only and serve 0.3 at the wire edge. `xToV03` writes what a
 * 0.3 client reads; `xFromV03` reads what a 0.3 client wrote. Inputs are assumed to have
 * passed their schemas.
 */
export * from "./agent-card.js";
export * from "./events.js";
export * from "./message.js";
export * from "./part.js";
export { type PartExtras, V1_PART_METADATA_KEY } from "./part-extras.js";
export * from "./push.js";
export * from "./push-requests.js";
export * from "./requests.js";
export * from "./responses.js";
export * from "./security.js";
export * from "./task.js";
export * from "./task-state.js";
export * from "./timestamp.js";
