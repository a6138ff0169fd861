// npm run db:backup -- <file>: a backup of the embedded database in DATA_DIR and its files, taken while no server runs on it.
// A running server is backed up through it instead (GET /api/admin/backup); PostgreSQL with pg_dump (README, Backup and restore).
import { loadConfig } from "../config.ts";
import { BackupError, backupDataDir } from "../platform/database/backup.ts";

const target = process.argv[2];
if (!target) {
  console.error("usage: npm run db:backup -- <file>");
  process.exit(1);
}
try {
  const { bytes, objectStorage } = await backupDataDir(loadConfig(), target);
  console.log(`Backup written to ${target} (${(bytes / 1e6).toFixed(1)} MB).`);
  if (objectStorage)
    console.log(`It holds the database only: the files stay in ${objectStorage}, kept by the bucket's own versioning or replication.`);
  console.log("It holds no keys: keep DATA_DIR/secrets.json (or your DATA_KEYS and LOOKUP_KEY) safe, apart from it; a restore needs them.");
} catch (error) {
  if (!(error instanceof BackupError)) throw error;
  console.error(`No backup made: ${error.message}`);
  process.exit(1);
}
