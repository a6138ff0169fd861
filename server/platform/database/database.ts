import fs from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { acquireDataDirLock } from "./data-dir-lock.ts";
import { PrismaClient, type Prisma } from "./generated/client.ts";
import { applyMigrations, type MigrationResult, type SqlSession } from "./migrate.ts";
import { checkChannelName, listenOnServer, notifySql, type ListenHandlers } from "./notifications.ts";

export type { PrismaClient } from "./generated/client.ts";
export type DatabaseKind = "embedded" | "postgres";

export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /** Applies pending migrations from `migrationsDir` (default: prisma/migrations). */
  migrate(migrationsDir?: string): Promise<MigrationResult>;
  /**
   * Runs one SQL statement with parameters straight on the driver, outside Prisma: migrations and checks, and
   * the busiest requests, where Prisma's planning of every call costs several times the query (BENCHMARKS.md).
   * Times are UTC both ways, as Prisma keeps them in columns without a zone.
   */
  query: <T>(sql: string, params?: unknown[]) => Promise<T[]>;
  /** query() for a statement built with Prisma.sql (its parts and values composed safely). */
  sql: <T>(statement: Prisma.Sql) => Promise<T[]>;
  /** NOTIFY: sends each payload on the channel, in order, in one statement of its own (delivered when it commits). */
  notify(channel: string, payloads: readonly string[]): Promise<void>;
  /**
   * LISTEN: on a PostgreSQL server through a connection of its own that is opened again when it breaks; on the
   * embedded database through PGlite's own listen (one process, one connection: it cannot break). Resolves to a
   * function that stops listening.
   */
  listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>>;
  /**
   * pg-boss's driver contract (the job queue, server/platform/scheduler/scheduler.ts): text without values may hold several
   * statements (its schema, its locked maintenance), answered by the last one's rows.
   */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  /**
   * The embedded database only: a copy of its data directory as a gzipped tar, taken between two statements
   * (PGlite runs one at a time), so it is what a crash at that moment would leave: complete after WAL replay.
   */
  dumpDataDir?: () => Promise<Blob>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL server URL; empty means the embedded database. */
  url: string;
  /** Directory of the embedded database; undefined keeps it in memory. */
  embeddedDir?: string;
  /**
   * An in-memory embedded database can start from a dump of an empty cluster
   * (PGlite's dumpDataDir) instead of running initdb, which takes seconds:
   * the test suite starts dozens of them.
   */
  embeddedSnapshot?: Blob;
  migrationsDir?: string;
  /**
   * Errors of idle PostgreSQL connections: the server restarted, or an administrator ended them. The pool
   * drops such a connection and opens another when needed; without a listener Node would end the process.
   */
  onConnectionError?: (error: Error) => void;
}

export const defaultMigrationsDir = path.resolve(import.meta.dirname, "../../../prisma/migrations");

/**
 * A transaction may wait up to 10 s for a connection (Prisma's default is 2 s): in a burst of reports, waiting
 * in line beats an error. Past that the answer is 503 SERVICE_BUSY (error-handler.ts) and the client retries.
 */
const transactionOptions = { maxWait: 10_000 };
/**
 * Prisma's other error formats capture a stack trace (new Error()) on every call to point at the caller in
 * its messages: about 5 % of the server's CPU under load. Our errors are logged with their own stacks.
 */
const clientOptions = { transactionOptions, errorFormat: "minimal" } as const;

/** A timestamp column (no zone) holds UTC: read it as such whatever the process's zone (pg and PGlite assume local). */
const timestampOid = 1114;
const utcTimestamp = (text: string) => new Date(`${text.replace(" ", "T")}Z`);
/** A Date parameter as an instant in UTC: a column without a zone keeps its date and time, one with a zone the instant. */
const driverValues = (params: readonly unknown[] = []) => params.map((value) => (value instanceof Date ? value.toISOString() : value));

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir;
  return options.url
    ? openPostgres(options.url, migrationsDir, options.onConnectionError)
    : openEmbedded(options.embeddedDir, migrationsDir, options.embeddedSnapshot);
}

async function openEmbedded(dir: string | undefined, migrationsDir: string, snapshot: Blob | undefined): Promise<Database> {
  if (dir) fs.mkdirSync(dir, { recursive: true });
  // One process at a time on a data directory (data-dir-lock.ts); released when closed.
  const lock = dir ? acquireDataDirLock(dir) : null;
  // Loaded only here: PGlite's module is some 45 MB of memory that a server on PostgreSQL does not need.
  const [{ PGlite }, { PrismaPGlite }, { openDurablePGlite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("pglite-prisma-adapter"),
    import("./embedded-storage.ts"),
  ]);
  const pglite = dir ? openDurablePGlite(dir) : snapshot ? new PGlite({ loadDataDir: snapshot }) : new PGlite();
  try {
    await pglite.waitReady;
  } catch (error) {
    lock?.release();
    throw error;
  }
  // pglite-prisma-adapter 0.6 is typed against an older @prisma/driver-adapter-utils than Prisma 6.19; the runtime contract is the same.
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) as unknown as SqlDriverAdapterFactory, ...clientOptions });
  const session: SqlSession = {
    exec: async (sql) => void (await pglite.exec(sql)),
    query: async (sql, params) => (await pglite.query(sql, params)).rows as never[],
    transaction: (fn) =>
      pglite.transaction((tx) =>
        fn({
          exec: async (sql) => void (await tx.exec(sql)),
          query: async (sql, params) => (await tx.query(sql, params)).rows as never[],
          transaction: () => Promise.reject(new Error("nested transaction")),
        }),
      ),
  };
  const database: Database = {
    kind: "embedded",
    prisma,
    migrate: async (dir = migrationsDir) => {
      const result = await applyMigrations(session, dir);
      // PGlite learns array types (e.g. "RiskType"[]) once at start; types a migration created are unknown to it until refreshed.
      await pglite.refreshArrayTypes();
      return result;
    },
    query: async (sql, params) =>
      (await pglite.query(sql, driverValues(params), { parsers: { [timestampOid]: utcTimestamp } })).rows as never[],
    sql: (statement) => database.query(statement.text, statement.values),
    notify: async (channel, payloads) => void (await pglite.query(notifySql, [checkChannelName(channel), payloads])),
    listen: async (channel, handlers) => {
      const unlisten = await pglite.listen(checkChannelName(channel), (payload) => handlers.message(payload));
      // Closed with the database, whose close already dropped its listeners.
      return () => (pglite.closed ? Promise.resolve() : unlisten());
    },
    // Several statements run inside PGlite's own transaction: one that fails half-way is rolled back there, where a
    // bare exec would leave the one shared session in an aborted transaction block for every later query.
    executeSql: async (text, values) =>
      values && values.length > 0
        ? { rows: (await pglite.query(text, values)).rows }
        : { rows: await pglite.transaction(async (tx) => (await tx.exec(text)).at(-1)?.rows ?? []) },
    dumpDataDir: async () => {
      // A checkpoint first: the copy then needs little WAL replay when it is opened.
      await pglite.exec("CHECKPOINT");
      return pglite.dumpDataDir("gzip");
    },
    close: async () => {
      try {
        await prisma.$disconnect();
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
  return database;
}

const typeParser = ((oid: number, format?: "text" | "binary"): unknown =>
  oid === timestampOid ? utcTimestamp : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser;

async function openPostgres(
  url: string,
  migrationsDir: string,
  onConnectionError: (error: Error) => void = () => undefined,
): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", onConnectionError);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), ...clientOptions });
  const clientSession = (client: pg.PoolClient): SqlSession => ({
    exec: async (sql) => void (await client.query(sql)),
    query: async (sql, params) => (await client.query(sql, params as unknown[])).rows as never[],
    transaction: async (fn) => {
      await client.query("BEGIN");
      try {
        const result = await fn(clientSession(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    },
  });
  const database: Database = {
    kind: "postgres",
    prisma,
    migrate: async (dir = migrationsDir) => {
      const client = await pool.connect();
      // Several instances may start at once: one applies, the others wait and find nothing left to do.
      try {
        await client.query("SELECT pg_advisory_lock(727001)");
        return await applyMigrations(clientSession(client), dir);
      } finally {
        await client.query("SELECT pg_advisory_unlock(727001)").catch(() => undefined);
        client.release();
      }
    },
    query: async (sql, params) =>
      (await pool.query({ text: sql, values: driverValues(params), types: { getTypeParser: typeParser } })).rows as never[],
    sql: (statement) => database.query(statement.text, statement.values),
    notify: async (channel, payloads) => void (await pool.query(notifySql, [checkChannelName(channel), payloads])),
    listen: (channel, handlers) => listenOnServer(url, channel, handlers),
    executeSql: async (text, values) => {
      if (values && values.length > 0) return { rows: (await pool.query(text, values)).rows };
      // Several statements go as one simple query; one that fails after its own BEGIN leaves the connection in an
      // aborted transaction block, so that connection is closed rather than handed to the next caller.
      const client = await pool.connect();
      try {
        const result = (await client.query(text)) as pg.QueryResult | pg.QueryResult[];
        client.release();
        return { rows: (Array.isArray(result) ? result.at(-1)?.rows : result.rows) ?? [] };
      } catch (error) {
        client.release(true);
        throw error;
      }
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
  return database;
}
