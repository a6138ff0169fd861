import type { Readable } from "node:stream";
import { backupFileName, createBackup } from "../../platform/database/backup.ts";
import type { KeyMaterial } from "../../platform/keys/key-fingerprints.ts";
import type { Database } from "../../platform/database/database.ts";
import { ConflictError } from "../../core/errors.ts";
import type { FileStore } from "../../platform/file-store.ts";

/** Backups of the running embedded database for the administrator (server/platform/database/backup.ts holds the format). */
export class BackupService {
  constructor(
    private readonly db: Database,
    private readonly files: FileStore,
    private readonly keys: KeyMaterial,
    private readonly now: () => Date,
  ) {}

  /** The database and DATA_DIR's files as one tar, streamed while the server keeps serving; files in object storage are left there. */
  download(): { stream: Readable; fileName: string } {
    // A PostgreSQL server is backed up with its own tools, which also see what other instances write.
    if (this.db.kind !== "embedded") throw new ConflictError("BACKUP_USE_PG_DUMP");
    const at = this.now();
    return { stream: createBackup(this.db, this.files, this.keys, at), fileName: backupFileName(at) };
  }
}
