// npm run db:restore -- <backup.tar> [--secrets <secrets.json>] [--replace]: restores a backup of the embedded database
// into DATA_DIR, with no server running on it. An existing database is moved aside with --replace, never overwritten.
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { BackupError, restoreDataDir } from "../platform/database/backup.ts";
import { DataDirLockedError } from "../platform/database/data-dir-lock.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { secrets: { type: "string" }, replace: { type: "boolean", default: false } },
});
const archive = positionals[0];
if (!archive) {
  console.error("usage: npm run db:restore -- <backup.tar> [--secrets <secrets.json>] [--replace]");
  process.exit(1);
}
const config = loadConfig();
try {
  const result = await restoreDataDir(config, archive, { secretsFile: values.secrets, replace: values.replace });
  console.log(
    `Restored the backup of ${result.manifest.createdAt} into ${config.dataDir}: ${result.cases} cases, ${result.events} events, ${result.attachments} attachments, ${result.files} files.`,
  );
  if (result.replacedInto) console.log(`The database and files it replaced are in ${result.replacedInto}.`);
  const from = result.manifest.objectStorage
    ? `in ${result.manifest.objectStorage} (restore them from the bucket's earlier versions)`
    : "in the backup";
  if (result.missingFiles > 0) console.warn(`Warning: ${result.missingFiles} attachment file(s) named by the database are not ${from}.`);
} catch (error) {
  if (!(error instanceof BackupError || error instanceof DataDirLockedError)) throw error;
  console.error(`Not restored: ${error.message}`);
  process.exit(1);
}
