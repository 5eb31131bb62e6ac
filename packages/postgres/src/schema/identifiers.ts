/** The tables of one store, in the schema it was given, quoted for SQL. */
export interface TableNames {
  /** The schema's name as given. */
  schemaName: string;
  /** The schema's name, quoted. */
  schema: string;
  tasks: string;
  events: string;
  /** Push notification configs and their delivery progress. */
  pushConfigs: string;
  migrations: string;
  /** The LISTEN/NOTIFY channel of the store's event log (one per schema). */
  channel: string;
}

/** A PostgreSQL identifier, quoted: any name works, none can inject SQL. */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes("\u0000")) {
    throw new TypeError(`not a PostgreSQL identifier: ${JSON.stringify(name)}`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

export function tableNames(schema: string): TableNames {
  const quoted = quoteIdentifier(schema);
  return {
    schemaName: schema,
    schema: quoted,
    tasks: `${quoted}.a2a_tasks`,
    events: `${quoted}.a2a_task_events`,
    pushConfigs: `${quoted}.a2a_push_configs`,
    migrations: `${quoted}.a2a_migrations`,
    // Channel names are identifiers of at most 63 bytes; pg_notify takes it as text.
    channel: `a2a_mount:${schema}`.slice(0, 63),
  };
}
