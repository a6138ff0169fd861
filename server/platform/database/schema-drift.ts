import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { defaultMigrationsDir, openDatabase, type Database } from "./database.ts";

const execFileAsync = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");
const prismaBin = path.join(root, "node_modules", ".bin", "prisma");
export const schemaFile = path.join(root, "prisma", "schema.prisma");
/** prisma/schema.prisma as the committed migrations leave it; db:new-migration diffs from it and updates it. */
export const migratedSchemaFile = path.join(defaultMigrationsDir, "migrated-schema.prisma");

/** The SQL that takes datamodel `from` (or an empty database) to datamodel `to`, from the Prisma CLI (no database needed). */
export async function diffDatamodels(from: string | null, to: string): Promise<string> {
  const fromArgs = from ? ["--from-schema-datamodel", from] : ["--from-empty"];
  const pending = execFileAsync(prismaBin, ["migrate", "diff", ...fromArgs, "--to-schema-datamodel", to, "--script"], {
    cwd: root,
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    maxBuffer: 32 * 1024 * 1024,
  });
  pending.child.stdin?.end();
  const { stdout } = await pending;
  return /^(CREATE|ALTER|DROP)/m.test(stdout) ? stdout.trim() : "";
}

/** Tables, columns, indexes, constraints and enums, as text to compare two databases by. */
export async function describeSchema(db: Database): Promise<string[]> {
  const parts = await Promise.all([
    db.query<{
      line: string;
    }>(`SELECT table_name || '.' || column_name || ' ' || udt_name || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS line
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_app_migrations'`),
    db.query<{ line: string }>(`SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_app_migrations'`),
    db.query<{ line: string }>(`SELECT c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) AS line
      FROM pg_constraint c WHERE c.connamespace = 'public'::regnamespace AND c.conrelid::regclass::text <> '_app_migrations'`),
    db.query<{ line: string }>(`SELECT t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS line
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`),
  ]);
  return parts.flatMap((rows) => rows.map((r) => r.line)).sort();
}

/**
 * Differences between a database built by the committed migrations and one
 * built straight from prisma/schema.prisma; empty when a migration is not
 * missing. Hand-written extras (sequences, triggers) are not compared.
 */
export async function findSchemaDrift(
  migrationsDir = defaultMigrationsDir,
): Promise<{ onlyInMigrations: string[]; onlyInSchema: string[] }> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "schema-drift-"));
  const fromMigrations = await openDatabase({ url: "", migrationsDir });
  const fromSchema = await openDatabase({ url: "", migrationsDir: scratch });
  try {
    await fromMigrations.migrate();
    fs.mkdirSync(path.join(scratch, "0_schema"));
    fs.writeFileSync(path.join(scratch, "0_schema", "migration.sql"), await diffDatamodels(null, schemaFile));
    await fromSchema.migrate();
    const a = await describeSchema(fromMigrations);
    const b = new Set(await describeSchema(fromSchema));
    const aSet = new Set(a);
    return { onlyInMigrations: a.filter((line) => !b.has(line)), onlyInSchema: [...b].filter((line) => !aSet.has(line)) };
  } finally {
    await fromMigrations.close();
    await fromSchema.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
