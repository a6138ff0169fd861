import crypto from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "../../server/db/database.ts";

/**
 * The database suite runs on the embedded PostgreSQL (PGlite, in memory) by
 * default and on a PostgreSQL server when TEST_DATABASE_URL is set: each test
 * file then gets a database of its own, dropped at the end.
 */
export const testDatabaseKind = process.env.TEST_DATABASE_URL ? "postgres" : "embedded";

export interface TestDatabase {
  db: Database;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const db = await openDatabase({ url: "" });
    return { db, url: "", drop: () => db.close() };
  }
  const name = `test_${crypto.randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
