import { a2aNext } from "@a2a-mount/next";
import { AGENT_PATH, a2a } from "@/lib/agent";

export const dynamic = "force-dynamic";

export const { GET } = a2aNext(a2a, { basePath: AGENT_PATH });
