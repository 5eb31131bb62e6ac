/**
 * What an example prints once it listens: the card URL and a curl command to paste.
 * `origin` is e.g. `http://localhost:3000`, `agentPath` where the agent is mounted (`/a2a`),
 * `storage` where its tasks live.
 */
export function readyMessage(origin: string, agentPath: string, storage = "memory"): string {
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "SendStreamingMessage",
    params: { message: { messageId: "m1", role: "ROLE_USER", parts: [{ text: "hello world" }] } },
  });
  return [
    "A2A demo agent ready.",
    `Agent card: ${origin}/.well-known/agent-card.json`,
    `Endpoint:   ${origin}${agentPath}`,
    `Tasks:      ${storage === "memory" ? "in memory (set DATABASE_URL to keep them in PostgreSQL)" : storage}`,
    "Try:",
    `curl -N -H 'content-type: application/json' -H 'a2a-version: 1.0' -d '${body}' ${origin}${agentPath}`,
  ].join("\n");
}
