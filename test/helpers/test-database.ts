import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDatabase, type Database } from "../../server/platform/database/database.ts";

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
    const db = await openDatabase({ url: "", embeddedSnapshot: await emptyClusterSnapshot() });
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

/**
 * A dump of an empty embedded cluster, made once per PGlite version and kept in
 * the temp directory, so each test file's database starts in about a second
 * instead of running initdb. Written aside and renamed: test workers race for it.
 */
async function emptyClusterSnapshot(): Promise<Blob> {
  const version = (
    JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../node_modules/@electric-sql/pglite/package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  const file = path.join(os.tmpdir(), `fanpin-pglite-empty-${version}.tar`);
  if (!fs.existsSync(file)) {
    const pglite = new PGlite();
    await pglite.waitReady;
    const dump = await pglite.dumpDataDir("none");
    await pglite.close();
    const temporary = `${file}.${process.pid}.${crypto.randomUUID()}`;
    fs.writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(temporary, file);
  }
  return new Blob([fs.readFileSync(file)]);
}
