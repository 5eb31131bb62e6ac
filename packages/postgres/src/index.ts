/**
 * `@a2a-mount/postgres`: durable A2A tasks on PostgreSQL, shared by every instance of the
 * agent.
 * @packageDocumentation
 */

export type { TableNames } from "./schema/identifiers.js";
export { type MigrationReport, migrate } from "./schema/migrate.js";
export { MIGRATIONS, type Migration } from "./schema/migrations.js";
export { PostgresPushConfigStore } from "./store/postgres-push-config-store.js";
export {
  createPostgresTaskStore,
  PostgresTaskStore,
  type PostgresTaskStoreOptions,
} from "./store/postgres-task-store.js";
