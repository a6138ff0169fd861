import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { AppConfig } from "../config.ts";

/**
 * Where the server keeps files (photos, voice notes, PDFs, department screening
 * files): the data directory by default, an S3-compatible bucket when
 * S3_BUCKET is set, so that several instances share them. Keys are relative
 * paths ("attachments/ab/<sha256>"), the same under DATA_DIR and in the
 * bucket. A put is all or nothing: a reader sees the whole content under its
 * key or no file at all, whatever happens to the process meanwhile.
 */
export interface FileStore {
  readonly kind: "local" | "s3";
  /** For messages and the backup's manifest: the directory, or s3://bucket/prefix. */
  readonly location: string;
  /** Writes `content` under `key`, replacing what was there. */
  put(key: string, content: Buffer | Readable): Promise<void>;
  /** The whole content; FileNotFoundError when there is none. */
  get(key: string): Promise<Buffer>;
  /** The content as a stream, with its length; FileNotFoundError when there is none. */
  getStream(key: string): Promise<{ body: Readable; size: number }>;
  exists(key: string): Promise<boolean>;
  /** The length in bytes, or null when there is no such file. */
  size(key: string): Promise<number | null>;
  /** Removes the file; nothing happens when there is none. */
  delete(key: string): Promise<void>;
  /** The keys under a folder ("attachments"), in order. */
  list(folder: string): AsyncIterable<string>;
  /** Lets go of connections (the S3 client's); the store is not used after. */
  close(): void;
}

export class FileNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no stored file ${key}`);
  }
}

/** The content-addressed folders: attachments (photos, voice notes, PDFs), department screening files, national-system exports until imported. */
export const contentFolders = ["attachments", "screening", "household-imports"] as const;
export type ContentFolder = (typeof contentFolders)[number];

const sha256Pattern = /^[0-9a-f]{64}$/;

/** Where content with this hash is kept: <folder>/<first two hex digits>/<sha256>, as the data directory has always laid it out. */
export function contentKey(folder: ContentFolder, sha256: string): string {
  if (!sha256Pattern.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return `${folder}/${sha256.slice(0, 2)}/${sha256}`;
}

/** The hash a content key names, or null for any other key. */
export function contentHashOf(key: string): string | null {
  const [folder, prefix, sha256, ...rest] = key.split("/");
  const ok =
    contentFolders.includes(folder as ContentFolder) &&
    !!sha256 &&
    sha256Pattern.test(sha256) &&
    prefix === sha256.slice(0, 2) &&
    rest.length === 0;
  return ok ? sha256 : null;
}

// Segments never start with a dot: no "..", and the local store's files being written (".name….part") are never keys.
const keyPattern = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

function checkKey(key: string): string {
  if (!keyPattern.test(key)) throw new Error(`not a file key: ${JSON.stringify(key)}`);
  return key;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "ENOENT";
}

/** The data directory: keys are paths under `root`. */
export class LocalFileStore implements FileStore {
  readonly kind = "local";

  constructor(private readonly root: string) {}

  get location() {
    return this.root;
  }

  private pathOf(key: string) {
    return path.join(this.root, ...checkKey(key).split("/"));
  }

  /**
   * Written aside, synced to disk, then renamed into place and the rename
   * synced: a crash leaves either no file under the key or the whole one,
   * never an empty file a committed row points at.
   */
  async put(key: string, content: Buffer | Readable): Promise<void> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    await fs.mkdir(dir, { recursive: true });
    const temporary = path.join(dir, `.${path.basename(target)}.${process.pid}.${crypto.randomUUID()}.part`);
    const handle = await fs.open(temporary, "wx");
    try {
      try {
        if (Buffer.isBuffer(content)) await handle.writeFile(content);
        else for await (const chunk of content) await handle.write(chunk as Buffer);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temporary, target);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
    const directory = await fs.open(dir, "r");
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (error) {
      throw isMissing(error) ? new FileNotFoundError(key) : error;
    }
  }

  async getStream(key: string) {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.pathOf(key), "r");
    } catch (error) {
      throw isMissing(error) ? new FileNotFoundError(key) : error;
    }
    // The size of the file opened: a file replaced meanwhile is read whole, as it was.
    const { size } = await handle.stat().catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
    return { body: handle.createReadStream(), size };
  }

  async exists(key: string) {
    return (await this.size(key)) !== null;
  }

  async size(key: string) {
    try {
      return (await fs.stat(this.pathOf(key))).size;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string) {
    await fs.rm(this.pathOf(key), { force: true });
  }

  async *list(folder: string): AsyncIterable<string> {
    yield* walk(this.pathOf(folder), checkKey(folder));
  }

  close() {}
}

async function* walk(dir: string, key: string): AsyncGenerator<string> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    if (isMissing(error)) return [];
    throw error;
  });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith(".")) continue;
    if (entry.isDirectory()) yield* walk(path.join(dir, entry.name), `${key}/${entry.name}`);
    else if (entry.isFile()) yield `${key}/${entry.name}`;
  }
}

export interface S3Settings {
  bucket: string;
  /** Empty: AWS's own endpoint for the region. */
  endpoint: string;
  region: string;
  /** Empty: the SDK's own chain (AWS_ACCESS_KEY_ID…, an instance role). */
  accessKeyId: string;
  secretAccessKey: string;
  /** bucket in the path (MinIO, Ceph and most self-hosted stores) rather than in the host name. */
  forcePathStyle: boolean;
  /** Put before every key ("county-a/"), so that one bucket can serve several installations. */
  prefix: string;
}

/** An S3-compatible bucket: an object appears under its key only once the whole upload has succeeded. */
export class S3FileStore implements FileStore {
  readonly kind = "s3";
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly settings: S3Settings) {
    this.prefix = settings.prefix && !settings.prefix.endsWith("/") ? `${settings.prefix}/` : settings.prefix;
    if (this.prefix) checkKey(this.prefix.slice(0, -1));
    this.client = new S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      forcePathStyle: settings.forcePathStyle,
      ...(settings.accessKeyId ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } } : {}),
      // The SDK's default checksums stream bodies "aws-chunked", which several S3-compatible stores refuse or store as sent (docs/decisions.md).
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  get location() {
    return `s3://${this.settings.bucket}/${this.prefix}`;
  }

  private keyOf(key: string) {
    return this.prefix + checkKey(key);
  }

  /** Fails with the store's own answer when the bucket cannot be reached with these settings. */
  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
  }

  async put(key: string, content: Buffer | Readable): Promise<void> {
    const target = { Bucket: this.settings.bucket, Key: this.keyOf(key) };
    if (Buffer.isBuffer(content)) {
      await this.client.send(new PutObjectCommand({ ...target, Body: content }));
      return;
    }
    // A stream of unknown length goes up in parts; a failed upload is aborted and leaves no object.
    await new Upload({ client: this.client, params: { ...target, Body: content } }).done();
  }

  private async object(key: string) {
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(key) }));
    } catch (error) {
      throw isNotFound(error) ? new FileNotFoundError(key) : error;
    }
  }

  async get(key: string): Promise<Buffer> {
    const bytes = await (await this.object(key)).Body!.transformToByteArray();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async getStream(key: string) {
    const object = await this.object(key);
    return { body: object.Body as Readable, size: object.ContentLength ?? 0 };
  }

  async exists(key: string) {
    return (await this.size(key)) !== null;
  }

  async size(key: string) {
    try {
      return (await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(key) }))).ContentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string) {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(key) }));
  }

  async *list(folder: string): AsyncIterable<string> {
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.settings.bucket, Prefix: `${this.keyOf(folder)}/` });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) yield object.Key!.slice(this.prefix.length);
    }
  }

  close() {
    this.client.destroy();
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
}

/** The settings a store is chosen by (AppConfig has them all; without S3_BUCKET only DATA_DIR counts). */
export type FileStoreConfig = Pick<AppConfig, "dataDir"> &
  Partial<
    Pick<AppConfig, "s3Bucket" | "s3Endpoint" | "s3Region" | "s3AccessKeyId" | "s3SecretAccessKey" | "s3ForcePathStyle" | "s3Prefix">
  >;

/** The configured store: the bucket when S3_BUCKET is set (checked reachable first), else DATA_DIR. */
export async function openFileStore(config: FileStoreConfig): Promise<FileStore> {
  if (!config.s3Bucket) return new LocalFileStore(config.dataDir);
  const store = new S3FileStore({
    bucket: config.s3Bucket,
    endpoint: config.s3Endpoint ?? "",
    region: config.s3Region || "us-east-1",
    accessKeyId: config.s3AccessKeyId ?? "",
    secretAccessKey: config.s3SecretAccessKey ?? "",
    forcePathStyle: config.s3ForcePathStyle ?? false,
    prefix: config.s3Prefix ?? "",
  });
  try {
    await store.check();
  } catch (error) {
    store.close();
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    throw new Error(
      `object storage: bucket ${config.s3Bucket} at ${config.s3Endpoint || "AWS"} cannot be used (${(error as Error).name}${status ? ` ${status}` : ""}): check S3_BUCKET, S3_ENDPOINT, S3_REGION and the keys`,
      { cause: error },
    );
  }
  return store;
}
