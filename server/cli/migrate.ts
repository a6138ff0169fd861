// npm run db:migrate: applies pending migrations to the configured database (DATABASE_URL, or the embedded one in DATA_DIR).
import path from "node:path";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../platform/database/database.ts";

const config = loadConfig();
const db = await openDatabase({
  url: config.databaseUrl,
  embeddedDir: config.databaseUrl ? undefined : path.join(config.dataDir, "pglite"),
});
try {
  const result = await db.migrate();
  console.log(
    `${db.kind} database: applied ${result.applied.length} migration(s)${result.applied.length ? `: ${result.applied.join(", ")}` : ""}; ${result.alreadyApplied.length} already applied.`,
  );
} finally {
  await db.close();
}
