import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { z } from "zod";
import { keyFingerprints, type KeyMaterial } from "../keys/key-fingerprints.ts";
import {
  contentFolders,
  contentHashOf,
  FileNotFoundError,
  LocalFileStore,
  openFileStore,
  type FileStore,
  type FileStoreConfig,
} from "../file-store.ts";
import { acquireDataDirLock, dataDirLockHolder } from "./data-dir-lock.ts";
import { openDatabase, type Database } from "./database.ts";

/**
 * Backups of the embedded database: one tar file holding
 *   manifest.json     what it is, the migrations, fingerprints of the keys it needs
 *   database.tar.gz   PGlite's copy of its data directory (Database.dumpDataDir)
 *   files/<dir>/<ab>/<sha256>   the files kept in DATA_DIR beside the database
 *   complete.json     written last: a backup cut short is refused
 * The keys are never in it (see decisions.md): a restore checks that the keys
 * it will run with are the ones the personal data was encrypted with.
 * With the files in object storage the backup holds the database only: the
 * bucket keeps its objects by its own means (versioning, replication).
 */

const manifestSchema = z.object({
  format: z.literal("fanpin-backup"),
  version: z.literal(1),
  createdAt: z.string(),
  /** PostgreSQL's version string: a copy of a data directory opens only on the same major version. */
  database: z.object({ kind: z.literal("embedded"), postgres: z.string(), migrations: z.array(z.string()) }),
  /** Fingerprints (not the keys): data key id → fingerprint, and the lookup keys'. */
  keys: z.object({ dataKeys: z.record(z.string(), z.string()), lookupKeys: z.array(z.string()) }),
  /** Set when the files were left in object storage (s3://bucket/prefix): the backup holds none. */
  objectStorage: z.string().optional(),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

export class BackupError extends Error {}

/**
 * The keys a server on this configuration would run with: the environment's
 * (DATA_KEYS, LOOKUP_KEY), else those in `secretsFile` (DATA_DIR/secrets.json,
 * where the server keeps the keys it generated); null when either is missing.
 */
export function keysFrom(config: { dataKeys: string; lookupKey: string }, secretsFile: string): KeyMaterial | null {
  const stored = fs.existsSync(secretsFile)
    ? (JSON.parse(fs.readFileSync(secretsFile, "utf8")) as { dataKeys?: string; lookupKey?: string })
    : {};
  const dataKeys = config.dataKeys || stored.dataKeys || "";
  const lookupKey = config.lookupKey || stored.lookupKey || "";
  if (!dataKeys || !lookupKey) return null;
  return {
    dataKeys: Object.fromEntries(
      dataKeys.split(",").map((part) => {
        const at = part.indexOf(":");
        return [part.slice(0, at).trim(), part.slice(at + 1).trim()];
      }),
    ),
    lookupKeys: lookupKey.split(",").map((key) => key.trim()),
  };
}

export function backupFileName(at: Date): string {
  return `fanpin-backup-${at.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-")}.tar`;
}

/**
 * Streams a backup of a running (or stopped) embedded database and the files
 * of its DATA_DIR. The database is copied first, between two statements; the
 * files are read after it, so every file a copied row names is there (files
 * are written before their rows, and a file deleted meanwhile had its rows
 * deleted before it). Files in object storage are not copied (the manifest
 * says where they are).
 */
export function createBackup(db: Database, files: FileStore, keys: KeyMaterial, now = new Date()): Readable {
  const dump = db.dumpDataDir;
  if (!dump)
    throw new BackupError("only the embedded database is backed up this way; on PostgreSQL use pg_dump (README, Backup and restore)");
  const pack = tar.pack();
  void (async () => {
    const migrations = (await db.query<{ name: string }>("SELECT name FROM _app_migrations ORDER BY name")).map((row) => row.name);
    const [{ version }] = (await db.query<{ version: string }>("SELECT version()")) as [{ version: string }];
    const database = Buffer.from(await (await dump()).arrayBuffer());
    const manifest: BackupManifest = {
      format: "fanpin-backup",
      version: 1,
      createdAt: now.toISOString(),
      database: { kind: "embedded", postgres: version, migrations },
      keys: keyFingerprints(keys),
      ...(files.kind === "local" ? {} : { objectStorage: files.location }),
    };
    await addBuffer(pack, "manifest.json", Buffer.from(JSON.stringify(manifest, null, 2)));
    await addBuffer(pack, "database.tar.gz", database);
    let count = 0;
    if (files.kind === "local") {
      for (const folder of contentFolders) {
        for await (const key of files.list(folder)) {
          if (contentHashOf(key) && (await addStored(pack, `files/${key}`, files, key))) count++;
        }
      }
    }
    await addBuffer(pack, "complete.json", Buffer.from(JSON.stringify({ files: count })));
    pack.finalize();
  })().catch((error: unknown) => pack.destroy(error as Error));
  return pack as unknown as Readable;
}

export interface RestoreOptions {
  dataDir: string;
  /** Where the restored server keeps its files: the bucket gets the backup's files; absent or local, DATA_DIR does. */
  files?: FileStore;
  /** The keys the server will run with on the restored data (keysFrom), after `secretsFile` is put in place. */
  keys: KeyMaterial | null;
  /** A secrets.json kept apart from the backup, put into DATA_DIR with it. */
  secretsFile?: string;
  /** Move an existing database and files aside (to DATA_DIR/replaced-<time>/) instead of refusing. */
  replace?: boolean;
  now?: Date;
}

export interface RestoreResult {
  manifest: BackupManifest;
  cases: number;
  events: number;
  attachments: number;
  files: number;
  /** Attachment rows whose file the backup lacked (none unless files were lost before the backup). */
  missingFiles: number;
  /** Where the replaced database and files were moved. */
  replacedInto: string | null;
}

/**
 * Restores a backup into DATA_DIR. Refuses while a server uses the
 * directory, and refuses to replace an existing database unless told to
 * (and then moves it aside, never deletes it). Everything is unpacked and
 * checked in a staging directory first (every file against its hash, the
 * database opened and its migrations compared); only then is it moved into
 * place, so a broken or cut-short backup changes nothing. With object
 * storage the backup's files (if it has any) are put into the bucket before
 * the database is moved into place; a backup made on object storage is
 * restored only onto object storage, its files counted there.
 */
export async function restoreBackup(archive: Readable, options: RestoreOptions): Promise<RestoreResult> {
  const { dataDir } = options;
  const bucket = options.files && options.files.kind !== "local" ? options.files : null;
  // Content-addressed objects never clash: in a bucket only the database can be in the way.
  const fileDirs = bucket ? [] : contentFolders;
  const databaseDir = path.join(dataDir, "pglite");
  const holder = dataDirLockHolder(databaseDir);
  if (holder) throw new BackupError(`a server (process ${holder.pid} on ${holder.host}) is using ${dataDir}: stop it before restoring`);
  fs.mkdirSync(dataDir, { recursive: true });
  // Held until the end: no server starts on a half-restored directory.
  const lock = acquireDataDirLock(databaseDir);
  const staging = path.join(dataDir, `.restore-${process.pid}-${Date.now()}`);
  try {
    const present = [databaseDir, ...fileDirs.map((dir) => path.join(dataDir, dir))].filter(
      (place) => fs.existsSync(place) && fs.readdirSync(place).length > 0,
    );
    const targetSecrets = path.join(dataDir, "secrets.json");
    const secretsClash =
      !!options.secretsFile &&
      fs.existsSync(targetSecrets) &&
      fs.readFileSync(targetSecrets, "utf8") !== fs.readFileSync(options.secretsFile, "utf8");
    if ((present.length > 0 || secretsClash) && !options.replace) {
      throw new BackupError(
        `${dataDir} already holds ${[...present.map((place) => path.basename(place)), ...(secretsClash ? ["other secrets.json"] : [])].join(", ")}: restore into an empty DATA_DIR, or pass --replace to move them aside first`,
      );
    }

    fs.mkdirSync(staging);
    const { manifest, files } = await unpack(archive, staging, options.keys, bucket)
      .catch((error: unknown) => {
        if (error instanceof BackupError) throw error;
        // A tar cut short or garbled, as the tar reader found it.
        throw new BackupError(`the backup is damaged or incomplete (${(error as Error).message})`);
      })
      // Refused halfway: the rest of the file is not read.
      .finally(() => archive.destroy());
    const staged = new LocalFileStore(staging);
    const available = manifest.objectStorage ? bucket! : staged;
    const checked = await checkDatabase(path.join(staging, "database.tar.gz"), path.join(staging, "pglite"), manifest, available);
    if (bucket) {
      for (const folder of contentFolders) {
        for await (const key of staged.list(folder)) await bucket.put(key, (await staged.getStream(key)).body);
      }
    }

    let replacedInto: string | null = null;
    if (present.length > 0 || secretsClash) {
      replacedInto = path.join(dataDir, `replaced-${(options.now ?? new Date()).toISOString().replace(/[:.]/g, "-")}`);
      fs.mkdirSync(replacedInto);
      for (const place of present) fs.renameSync(place, path.join(replacedInto, path.basename(place)));
      if (secretsClash) fs.renameSync(targetSecrets, path.join(replacedInto, "secrets.json"));
    }
    for (const place of ["pglite", ...fileDirs]) {
      if (!fs.existsSync(path.join(staging, place))) continue;
      fs.rmSync(path.join(dataDir, place), { recursive: true, force: true });
      fs.renameSync(path.join(staging, place), path.join(dataDir, place));
    }
    if (options.secretsFile) {
      fs.copyFileSync(options.secretsFile, targetSecrets);
      fs.chmodSync(targetSecrets, 0o600);
    }
    return { manifest, files, replacedInto, ...checked };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}

async function unpack(
  archive: Readable,
  staging: string,
  keys: KeyMaterial | null,
  bucket: FileStore | null,
): Promise<{ manifest: BackupManifest; files: number }> {
  const extract = tar.extract();
  archive.on("error", (error) => extract.destroy(error));
  archive.pipe(extract);
  let manifest: BackupManifest | null = null;
  let files = 0;
  let complete = false;
  for await (const entry of extract) {
    const name = entry.header.name;
    if (!manifest) {
      if (name !== "manifest.json") throw new BackupError("not a backup of this application (no manifest.json first)");
      const parsed = manifestSchema.safeParse(JSON.parse((await readAll(entry)).toString("utf8")));
      if (!parsed.success) throw new BackupError("not a backup this version can read (manifest.json)");
      manifest = parsed.data;
      checkKeys(manifest, keys);
      if (manifest.objectStorage && !bucket) {
        throw new BackupError(
          `the backup holds the database only: its files are in object storage (${manifest.objectStorage}); restore it with S3_BUCKET and the other S3_ settings of that store`,
        );
      }
      continue;
    }
    if (complete) throw new BackupError(`unexpected ${name} after the end of the backup`);
    if (name === "database.tar.gz") {
      await pipeline(entry, fs.createWriteStream(path.join(staging, "database.tar.gz"), { flags: "wx" }));
    } else if (name === "complete.json") {
      const { files: expected } = JSON.parse((await readAll(entry)).toString("utf8")) as { files: number };
      if (expected !== files) throw new BackupError(`the backup lists ${expected} files but holds ${files}`);
      complete = true;
    } else {
      const key = name.startsWith("files/") ? name.slice("files/".length) : "";
      const file = contentHashOf(key);
      if (!file) throw new BackupError(`unexpected entry in the backup: ${name}`);
      const target = path.join(staging, ...key.split("/"));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const hash = crypto.createHash("sha256");
      await pipeline(
        entry,
        async function* (chunks: AsyncIterable<unknown>) {
          for await (const chunk of chunks) {
            hash.update(chunk as Buffer);
            yield chunk;
          }
        },
        fs.createWriteStream(target, { flags: "wx" }),
      );
      if (hash.digest("hex") !== file) throw new BackupError(`${name} is damaged (its content does not match its name)`);
      files++;
    }
  }
  if (!manifest) throw new BackupError("the file is empty");
  if (!complete) throw new BackupError("the backup is incomplete (cut short while it was written or copied)");
  if (!fs.existsSync(path.join(staging, "database.tar.gz"))) throw new BackupError("the backup holds no database");
  return { manifest, files };
}

/** Without the keys the personal data was encrypted with, a restored database shows no name, phone or ID number. */
function checkKeys(manifest: BackupManifest, keys: KeyMaterial | null) {
  const advice = "set DATA_KEYS and LOOKUP_KEY as when the backup was made, or pass the secrets.json kept with it (--secrets)";
  if (!keys) throw new BackupError(`no keys to read the backup's personal data with: ${advice}`);
  const available = keyFingerprints(keys);
  const missingData = Object.entries(manifest.keys.dataKeys).filter(([id, print]) => available.dataKeys[id] !== print);
  const missingLookup = manifest.keys.lookupKeys.filter((print) => !available.lookupKeys.includes(print));
  if (missingData.length > 0 || missingLookup.length > 0) {
    const names = [...missingData.map(([id]) => `data key ${id}`), ...(missingLookup.length > 0 ? ["lookup key"] : [])];
    throw new BackupError(`the keys given are not the ones the backup's personal data needs (${names.join(", ")}): ${advice}`);
  }
}

/** Opens the staged database and counts what it holds, and the attachments whose file `files` lacks. */
async function checkDatabase(dump: string, dir: string, manifest: BackupManifest, files: FileStore) {
  // Loaded only here, as in database.ts: a server on PostgreSQL never needs PGlite.
  const { openDurablePGlite } = await import("./embedded-storage.ts");
  const pglite = openDurablePGlite(dir, new Blob([await fsp.readFile(dump)]));
  try {
    await pglite.waitReady;
    const migrations = (await pglite.query<{ name: string }>("SELECT name FROM _app_migrations ORDER BY name")).rows.map((row) => row.name);
    if (JSON.stringify(migrations) !== JSON.stringify(manifest.database.migrations))
      throw new BackupError("the database in the backup does not match its manifest");
    const [counts] = (
      await pglite.query<{ cases: number; events: number; attachments: number }>(
        `SELECT (SELECT count(*)::int FROM "Case") AS cases, (SELECT count(*)::int FROM "CaseEvent") AS events, (SELECT count(*)::int FROM "Attachment") AS attachments`,
      )
    ).rows;
    const shas = (await pglite.query<{ sha256: string }>(`SELECT DISTINCT sha256 FROM "Attachment"`)).rows.map((row) => row.sha256);
    // One listing rather than a request per file: a bucket may hold a county's years of photos.
    const present = new Set<string>();
    for await (const key of files.list("attachments")) present.add(contentHashOf(key) ?? "");
    const missingFiles = shas.filter((sha) => !present.has(sha)).length;
    return { ...counts!, missingFiles };
  } finally {
    await pglite.close();
  }
}

function addBuffer(pack: tar.Pack, name: string, content: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    pack.entry({ name, size: content.length, mode: 0o600 }, content, (error) => (error ? reject(error) : resolve())),
  );
}

/** Adds a stored file; false when it was deleted before it could be opened (erased under the retention policy meanwhile). */
async function addStored(pack: tar.Pack, name: string, files: FileStore, key: string): Promise<boolean> {
  let opened: Awaited<ReturnType<FileStore["getStream"]>>;
  try {
    opened = await files.getStream(key);
  } catch (error) {
    if (error instanceof FileNotFoundError) return false;
    throw error;
  }
  const { body, size } = opened;
  await new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ name, size, mode: 0o600 }, (error) => (error ? reject(error) : resolve()));
    body.on("error", reject);
    body.pipe(entry);
  });
  return true;
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Where a configuration keeps things: DATA_DIR, its embedded database, its files, and the keys it runs with. */
interface Placement extends FileStoreConfig {
  databaseUrl: string;
  dataKeys: string;
  lookupKey: string;
}

/**
 * npm run db:backup: a backup of the embedded database in DATA_DIR, written
 * to `target`, while no server runs on it (a running one is backed up through
 * GET /api/admin/backup, which this points to).
 */
export async function backupDataDir(config: Placement, target: string): Promise<{ bytes: number; objectStorage: string | null }> {
  if (config.databaseUrl)
    throw new BackupError("DATABASE_URL is set: back a PostgreSQL server up with pg_dump (README, Backup and restore)");
  const databaseDir = path.join(config.dataDir, "pglite");
  if (!fs.existsSync(databaseDir)) throw new BackupError(`no embedded database in ${config.dataDir} (DATA_DIR)`);
  const holder = dataDirLockHolder(databaseDir);
  if (holder) {
    throw new BackupError(
      `a server (process ${holder.pid}) is running on ${config.dataDir}; download a backup from it instead, as the administrator:\n` +
        `  curl --fail -H "authorization: Bearer $ADMIN_TOKEN" -o backup.tar http://<host>:<port>/api/admin/backup`,
    );
  }
  if (fs.existsSync(target)) throw new BackupError(`${target} exists already; choose another name`);
  const keys = keysFrom(config, path.join(config.dataDir, "secrets.json"));
  if (!keys) throw new BackupError("no keys: neither DATA_KEYS and LOOKUP_KEY nor DATA_DIR/secrets.json has them");
  const files = await openStore(config);
  const objectStorage = files.kind === "local" ? null : files.location;
  const db = await openDatabase({ url: "", embeddedDir: databaseDir });
  const partial = `${target}.part`;
  try {
    await pipeline(createBackup(db, files, keys), fs.createWriteStream(partial, { flags: "wx" }));
    fs.renameSync(partial, target);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    await db.close();
    files.close();
  }
  return { bytes: fs.statSync(target).size, objectStorage };
}

/** npm run db:restore: restores `archive` into DATA_DIR, with the keys of the configuration or of `secretsFile`. */
export async function restoreDataDir(
  config: Placement,
  archive: string,
  options: { secretsFile?: string; replace?: boolean } = {},
): Promise<RestoreResult> {
  if (config.databaseUrl)
    throw new BackupError("DATABASE_URL is set: restore a PostgreSQL server with pg_restore (README, Backup and restore)");
  for (const file of [archive, options.secretsFile]) if (file && !fs.existsSync(file)) throw new BackupError(`${file}: no such file`);
  const files = await openStore(config);
  try {
    return await restoreBackup(fs.createReadStream(archive), {
      dataDir: config.dataDir,
      files,
      keys: keysFrom(config, options.secretsFile ?? path.join(config.dataDir, "secrets.json")),
      secretsFile: options.secretsFile,
      replace: options.replace,
    });
  } finally {
    files.close();
  }
}

/** The configured file store; a bucket that cannot be reached is the command's plain refusal. */
function openStore(config: FileStoreConfig): Promise<FileStore> {
  return openFileStore(config).catch((error: unknown) => {
    throw new BackupError((error as Error).message);
  });
}
