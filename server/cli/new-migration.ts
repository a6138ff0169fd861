// npm run db:new-migration -- <name>: writes prisma/migrations/<timestamp>_<name>/migration.sql with the
// SQL from the schema the migrations already produce (migrated-schema.prisma) to prisma/schema.prisma.
import fs from "node:fs";
import path from "node:path";
import { defaultMigrationsDir } from "../platform/database/database.ts";
import { diffDatamodels, migratedSchemaFile, schemaFile } from "../platform/database/schema-drift.ts";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <snake_case_name>");
  process.exit(2);
}
const sql = await diffDatamodels(migratedSchemaFile, schemaFile);
if (!sql) {
  console.log("prisma/schema.prisma already matches the migrations: nothing to write.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(defaultMigrationsDir, `${stamp}_${name}`);
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, "migration.sql"), `${sql}\n`);
fs.copyFileSync(schemaFile, migratedSchemaFile);
console.log(
  `wrote ${path.relative(process.cwd(), dir)}/migration.sql — review it (add hand-written SQL if needed), then commit it with the schema change.`,
);
