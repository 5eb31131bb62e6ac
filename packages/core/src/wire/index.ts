/**
 * `@a2a-mount/core/wire`: the zod schemas of the A2A 1.0 wire shapes, for apps that validate
 * A2A JSON themselves (the 0.3 JSON-RPC shapes are at `@a2a-mount/core/wire/v03`). The main
 * entry exports their types only.
 * @packageDocumentation
 */
export * from "./v1/index.js";
