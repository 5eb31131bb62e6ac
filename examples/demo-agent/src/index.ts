/**
 * The a2a-mount demo agent, shared by the examples and the benchmarks.
 * @packageDocumentation
 */
export { createDemoAgent, demoCard } from "./create-demo-agent.js";
export { type DemoDeployment, demoAgentFromEnv, storageOf } from "./demo-agent-from-env.js";
export { DEMO_COMMANDS, demoExecutor } from "./demo-executor.js";
export { readyMessage } from "./ready-message.js";
