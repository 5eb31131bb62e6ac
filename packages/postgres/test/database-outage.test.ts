import { silentLogger } from "@a2a-mount/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTaskStore, type PostgresTaskStore } from "../src/index.js";
import { databaseUrl } from "./support/databases.js";
import { startTestPostgres, type TestPostgres } from "./support/embedded-postgres.js";
import {
  Log,
  recorder,
  type Settled,
  settleWithin,
  sleep,
  statusEvent,
  waitUntil,
} from "./support/fixtures.js";

/**
 * The database goes away under an open store, and comes back: calls fail fast meanwhile
 * (no hang), and afterwards the same store serves again and its watchers hear of new events
 * without anyone reopening it.
 */
let server: TestPostgres;
let url: string;

beforeAll(async () => {
  server = await startTestPostgres();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query("CREATE DATABASE outage");
  await admin.end();
  const named = new URL(databaseUrl(server.url, "outage"));
  named.searchParams.set("application_name", "outage-store");
  url = named.toString();
});

/** Whether the store named "outage-store" has a LISTEN connection up. */
async function listening(): Promise<boolean> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      "SELECT pid FROM pg_stat_activity WHERE application_name LIKE '%|outage-store'",
    );
    return rows.length > 0;
  } finally {
    await admin.end();
  }
}

afterAll(async () => {
  await server?.remove();
});

/** How long a call may take to fail while the database is down. */
const FAIL_FAST_MS = 5000;

function expectRejected(settled: Settled<unknown>, what: string): void {
  expect(settled.status, `${what} settled within ${FAIL_FAST_MS} ms`).not.toBe("pending");
  expect(settled.status, `${what} rejected`).toBe("rejected");
}

describe("PostgresTaskStore through a database outage", () => {
  it("fails fast while the database is down, then serves and tells its watchers again", async () => {
    const store: PostgresTaskStore = await createPostgresTaskStore({
      connectionString: url,
      schema: "outage",
      logger: silentLogger,
    });
    // A second instance, opened after the restart, to append from elsewhere too.
    let other: PostgresTaskStore | undefined;
    try {
      const log = new Log({ tenant: "t", owner: "alice", taskId: "through-outage" });
      await log.create(store);
      await log.status(store, "TASK_STATE_WORKING", 1);
      const seen = recorder();
      const stop = store.watch(log.key, seen.listener);
      await sleep(100);
      expect(await listening()).toBe(true);

      await server.stop();
      const down = {
        get: settleWithin(store.get(log.key), FAIL_FAST_MS),
        append: settleWithin(
          store.append(log.key, 2, [
            { event: statusEvent(log.task, "TASK_STATE_COMPLETED", 2), task: log.task },
          ]),
          FAIL_FAST_MS,
        ),
        list: settleWithin(store.list(log.key, { pageSize: 10 }), FAIL_FAST_MS),
        readEvents: settleWithin(store.readEvents(log.key, 0), FAIL_FAST_MS),
      };
      const failed: string[] = [];
      for (const [what, settled] of Object.entries(down)) {
        const result = await settled;
        failed.push(`${what} ${result.status} after ${result.ms} ms`);
        expectRejected(result, what);
      }
      console.log(`with the database down: ${failed.join(", ")}`);
      // Let the listener try (and fail) to reconnect a few times while the server is down.
      await sleep(500);

      await server.start();
      // The same store serves again, within a bounded time.
      await waitUntil(
        async () => (await settleWithin(store.get(log.key), 2000)).status === "resolved",
        15_000,
        "the store to serve again",
      );
      expect(await store.get(log.key)).toEqual({ task: log.task, version: 2 });

      // Another instance appends: only NOTIFY (or the store's poll) can tell the watcher.
      other = await createPostgresTaskStore({
        connectionString: url,
        schema: "outage",
        logger: silentLogger,
      });
      await log.status(other, "TASK_STATE_WORKING", 3);
      await log.status(other, "TASK_STATE_COMPLETED", 4);
      // The listener backs off up to 5 s between attempts, and the poll runs every 2 s.
      await waitUntil(() => seen.events.length >= 2, 10_000, "the watcher to hear of events 3-4");
      await sleep(100);
      expect(seen.events.map(({ seq, event }) => ({ seq, event }))).toEqual(log.numbered(2));

      // And it listens again: the listener reconnected by itself, and the next events arrive
      // by NOTIFY, in well under the poll's 2 s.
      await waitUntil(listening, 10_000, "the store's LISTEN connection to be back");
      const moreLog = new Log({ tenant: "t", owner: "alice", taskId: "after-outage" });
      await moreLog.create(other);
      // (Its NOTIFY may reach the store just after create resolves: let it pass first.)
      await sleep(100);
      const more = recorder();
      const stopMore = store.watch(moreLog.key, more.listener);
      await sleep(100);
      const started = Date.now();
      await moreLog.status(other, "TASK_STATE_WORKING", 1);
      await waitUntil(() => more.events.length >= 1, 5000, "an event after the outage");
      expect(Date.now() - started).toBeLessThan(1000);
      expect(more.events.map((e) => e.seq)).toEqual([2]);
      stopMore();
      stop();
    } finally {
      await other?.close();
      await store.close();
    }
  }, 60_000);
});
