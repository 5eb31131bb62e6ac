import { createHash } from "node:crypto";
import type pg from "pg";

/**
 * A store's SQL, sent as named prepared statements (parsed and planned once per connection)
 * unless told not to. Each is named by a digest of its text, so stores of other schemas or
 * versions on one pool never clash.
 */
export class PreparedStatements<K extends string> {
  readonly #sql: Readonly<Record<K, string>>;
  readonly #names: Partial<Record<K, string>> = {};

  constructor(sql: Readonly<Record<K, string>>, options: { prefix: string; prepare: boolean }) {
    this.#sql = sql;
    if (!options.prepare) return;
    for (const [statement, text] of Object.entries(sql) as Array<[K, string]>) {
      const digest = createHash("sha256").update(text).digest("hex").slice(0, 16);
      this.#names[statement] = `${options.prefix}${statement}_${digest}`;
    }
  }

  /** `statement` with `values`, as the query `pg` sends. */
  config(statement: K, values: unknown[]): pg.QueryConfig {
    const name = this.#names[statement];
    const text = this.#sql[statement];
    return name ? { name, text, values } : { text, values };
  }
}
