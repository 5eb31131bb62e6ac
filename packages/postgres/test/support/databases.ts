import { randomUUID } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

/** A database of one test's own, on the run's server; `drop` removes it. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** The URL of `database` on the server `serverUrl` points at. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates an empty database on the run's PostgreSQL. */
export async function createTestDatabase(serverUrl = inject("postgresUrl")): Promise<TestDatabase> {
  const name = `a2a_test_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(serverUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
