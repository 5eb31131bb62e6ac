import pg from "pg";

/** The pool a store makes for itself from a connection string, and closes with itself. */
export function ownPool(options: {
  connectionString?: string | undefined;
  synchronousCommit?: boolean | undefined;
}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    ...(options.synchronousCommit === false && { options: "-c synchronous_commit=off" }),
  });
  // An idle client's error (the database restarting) must not crash the process.
  pool.on("error", () => undefined);
  return pool;
}
