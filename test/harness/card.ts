import type { AgentCardInput } from "@a2a-mount/core";

/** A card with one skill, for test agents that only need to exist. */
export function oneSkillCard(name: string, description: string): AgentCardInput {
  return {
    name,
    description,
    version: "1.0.0",
    skills: [{ id: "main", name, description, tags: ["test"] }],
  };
}
