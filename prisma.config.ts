// The Prisma CLI must not download native engines (no network here): it runs
// the WebAssembly schema engine through the PGlite driver adapter. Migrations
// themselves are applied by server/platform/database/migrate.ts, for PGlite and PostgreSQL
// alike; PRISMA_CLI_PGLITE_DIR lets server/cli/new-migration.ts diff the
// schema against a database that the committed migrations were applied to.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

// The schema names env("DATABASE_URL"); the CLI never connects through it.
process.env.DATABASE_URL ??= "postgresql://unused@localhost/unused";

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  experimental: { adapter: true },
  engine: "js",
  // The adapter is typed against an older driver-adapter-utils; see openEmbedded in server/platform/database/database.ts.
  adapter: async () => new PrismaPGlite(new PGlite(process.env.PRISMA_CLI_PGLITE_DIR)) as unknown as SqlMigrationAwareDriverAdapterFactory,
});
