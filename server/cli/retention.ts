// npm run data:retention: applies the retention policy now (RETENTION_YEARS, RETENTION_TRANSIENT_DAYS,
// ACCESS_LOG_RETENTION_DAYS); a running server applies it on its own every RETENTION_SCAN_HOURS.
import path from "node:path";
import { loadConfig } from "../config.ts";
import { openFileStore } from "../platform/file-store.ts";
import { PersonalDataCipher } from "../core/personal-data.ts";
import { resolveSecrets } from "../platform/keys/secrets.ts";
import { RetentionService, retentionPolicy } from "../features/personal-data/retention.ts";
import { openDatabase } from "../platform/database/database.ts";

const config = loadConfig();
const files = await openFileStore(config);
const db = await openDatabase({
  url: config.databaseUrl,
  embeddedDir: config.databaseUrl ? undefined : path.join(config.dataDir, "pglite"),
});
try {
  await db.migrate();
  const deps = { prisma: db.prisma, cipher: new PersonalDataCipher(resolveSecrets(config, true)), now: () => new Date() };
  const report = await new RetentionService(deps, files).run(retentionPolicy(config));
  console.log(JSON.stringify(report));
} finally {
  await db.close();
  files.close();
}
