import fs from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { acquireDataDirLock } from "./data-dir-lock.ts";
import { PrismaClient } from "./generated/client.ts";
import { applyMigrations, type MigrationResult, type SqlSession } from "./migrate.ts";

export type { PrismaClient } from "./generated/client.ts";
export type DatabaseKind = "embedded" | "postgres";

export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /** Applies pending migrations from `migrationsDir` (default: prisma/migrations). */
  migrate(migrationsDir?: string): Promise<MigrationResult>;
  /** Runs one SQL statement with parameters, outside Prisma (migrations, checks). */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * The embedded database only: a copy of its data directory as a gzipped tar, taken between two statements
   * (PGlite runs one at a time), so it is what a crash at that moment would leave: complete after WAL replay.
   */
  dumpDataDir?(): Promise<Blob>;
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

export const defaultMigrationsDir = path.resolve(import.meta.dirname, "../../prisma/migrations");

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

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir;
  return options.url ? openPostgres(options.url, migrationsDir, options.onConnectionError) : openEmbedded(options.embeddedDir, migrationsDir, options.embeddedSnapshot);
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
  return {
    kind: "embedded",
    prisma,
    migrate: async (dir = migrationsDir) => {
      const result = await applyMigrations(session, dir);
      // PGlite learns array types (e.g. "RiskType"[]) once at start; types a migration created are unknown to it until refreshed.
      await pglite.refreshArrayTypes();
      return result;
    },
    query: (sql, params) => session.query(sql, params),
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
}

async function openPostgres(url: string, migrationsDir: string, onConnectionError: (error: Error) => void = () => undefined): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", onConnectionError);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), ...clientOptions });
  const clientSession = (client: pg.PoolClient): SqlSession => ({
    exec: async (sql) => void (await client.query(sql)),
    query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
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
  return {
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
    query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows,
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
