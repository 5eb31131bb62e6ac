import { a2aNext } from "@a2a-mount/next";
import { a2a } from "@/lib/agent";

// The agent keeps tasks in memory and streams with SSE: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const { GET, POST, DELETE } = a2aNext(a2a);
