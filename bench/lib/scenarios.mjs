/** A JSON-RPC 1.0 request body. */
const rpc = (method, params) => JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });
const message = (text) => ({
  message: { messageId: "bench", role: "ROLE_USER", parts: [{ text }] },
});

/**
 * The load scenarios. `body(taskId)` is the request; `needsTask` asks for a task created
 * beforehand (its id goes into the body).
 */
export const SCENARIOS = [
  {
    id: "message",
    label: "SendMessage -> Message",
    body: () => rpc("SendMessage", message("/message hi")),
  },
  {
    id: "task",
    label: "SendMessage -> completed Task (4 events)",
    body: () => rpc("SendMessage", message("hello world")),
  },
  { id: "get", label: "GetTask", needsTask: true, body: (id) => rpc("GetTask", { id }) },
  {
    id: "stream",
    label: "SendStreamingMessage, 4 events (complete streams/s)",
    body: () => rpc("SendStreamingMessage", message("hello world")),
  },
  { id: "malformed", label: "Malformed JSON", body: () => "{not json" },
];

/** The memory scenario: this many task requests in a row. */
export const MEMORY_SCENARIO = {
  id: "memory",
  requests: 200_000,
  body: () => rpc("SendMessage", message("hello world")),
};
