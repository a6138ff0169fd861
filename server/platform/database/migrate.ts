import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** The little a migration needs from a connection; implemented for PGlite and node-postgres. */
export interface SqlSession {
  /** Runs a script of several statements. */
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationChecksumError extends Error {
  constructor(readonly migration: string) {
    super(`Migration ${migration} was changed after it was applied; add a new migration instead.`);
  }
}

export function listMigrations(migrationsDir: string): { name: string; sql: string; checksum: string }[] {
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each in its own
 * transaction together with its row in _app_migrations, so a failing migration
 * leaves no trace and the next start retries it.
 */
export async function applyMigrations(session: SqlSession, migrationsDir: string): Promise<MigrationResult> {
  await session.exec(`CREATE TABLE IF NOT EXISTS _app_migrations (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const done = new Map(
    (await session.query<{ name: string; checksum: string }>("SELECT name, checksum FROM _app_migrations")).map((row) => [
      row.name,
      row.checksum,
    ]),
  );
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const migration of listMigrations(migrationsDir)) {
    const checksum = done.get(migration.name);
    if (checksum !== undefined) {
      if (checksum !== migration.checksum) throw new MigrationChecksumError(migration.name);
      result.alreadyApplied.push(migration.name);
      continue;
    }
    await session.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO _app_migrations (name, checksum) VALUES ($1, $2)", [migration.name, migration.checksum]);
    });
    result.applied.push(migration.name);
  }
  return result;
}
