import type { TestProject } from "vitest/node";
import { startTestPostgres, type TestPostgres } from "./embedded-postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A server's maintenance database; each test file makes databases of its own in it. */
    postgresUrl: string;
  }
}

let server: TestPostgres | undefined;

/** One PostgreSQL for the whole run: `DATABASE_URL` when set, else one started here. */
export async function setup(project: TestProject): Promise<void> {
  const given = process.env.DATABASE_URL;
  if (given) {
    project.provide("postgresUrl", given);
    return;
  }
  server = await startTestPostgres();
  project.provide("postgresUrl", server.url);
}

export async function teardown(): Promise<void> {
  await server?.remove();
}
