import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  contentHashOf,
  contentKey,
  FileNotFoundError,
  LocalFileStore,
  openFileStore,
  S3FileStore,
  type FileStore,
  type S3Settings,
} from "../../../server/platform/file-store.ts";
import { startS3Server, type S3TestServer } from "../../helpers/s3-server.ts";

let s3: S3TestServer;
const temporary: string[] = [];
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3.stop();
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-file-store-"));
  temporary.push(dir);
  return dir;
}

const sha = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
const chunks = (...parts: Buffer[]) => Readable.from(parts);
/** A stream that sends `bytes`, then fails as a dropped upload would. */
const failingAfter = (bytes: Buffer) =>
  Readable.from(
    (async function* () {
      yield bytes;
      throw new Error("connection lost");
    })(),
  );

async function read(stream: Readable) {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function keys(store: FileStore, folder: string) {
  const found: string[] = [];
  for await (const key of store.list(folder)) found.push(key);
  return found;
}

/** What every store promises; run against the data directory and a real S3-compatible server alike. */
describe.each([
  { kind: "local directory", open: async () => new LocalFileStore(tempDir()) as FileStore },
  { kind: "S3-compatible object storage", open: async () => new S3FileStore(await s3.bucket()) as FileStore },
])("file store: $kind", ({ open }) => {
  let store: FileStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(() => store.close());

  it("keeps a buffer and gives it back whole, as a buffer and as a stream with its size", async () => {
    const key = contentKey("attachments", sha("photo"));
    const content = Buffer.from("a re-encoded photo");
    await store.put(key, content);
    expect(await store.get(key)).toEqual(content);
    const { body, size } = await store.getStream(key);
    expect(size).toBe(content.length);
    expect(await read(body)).toEqual(content);
    expect(await store.exists(key)).toBe(true);
    expect(await store.size(key)).toBe(content.length);
  });

  it("keeps a stream of unknown length, large enough to go up in parts", async () => {
    const key = contentKey("screening", sha("a department's file"));
    const content = crypto.randomBytes(11 * 1024 * 1024 + 17);
    await store.put(key, chunks(content.subarray(0, 3), content.subarray(3, 7 * 1024 * 1024), content.subarray(7 * 1024 * 1024)));
    expect(await store.size(key)).toBe(content.length);
    expect((await read((await store.getStream(key)).body)).equals(content)).toBe(true);
    expect((await store.get(key)).equals(content)).toBe(true);
  });

  it("replaces what a key held", async () => {
    const key = "attachments/re/replaced";
    await store.put(key, Buffer.from("first"));
    await store.put(key, chunks(Buffer.from("sec"), Buffer.from("ond")));
    expect((await store.get(key)).toString()).toBe("second");
  });

  it("says plainly that a file is not there, and deleting it twice is no error", async () => {
    const key = contentKey("attachments", sha("gone"));
    await store.put(key, Buffer.from("soon gone"));
    await store.delete(key);
    await store.delete(key);
    expect(await store.exists(key)).toBe(false);
    expect(await store.size(key)).toBeNull();
    await expect(store.get(key)).rejects.toBeInstanceOf(FileNotFoundError);
    await expect(store.getStream(key)).rejects.toBeInstanceOf(FileNotFoundError);
  });

  it("leaves nothing under a key when the content fails half-way, and what the key held stays whole", async () => {
    const fresh = contentKey("attachments", sha("never stored"));
    await expect(store.put(fresh, failingAfter(Buffer.from("half a photo")))).rejects.toThrow(/connection lost/);
    expect(await store.exists(fresh)).toBe(false);
    // Past the first part: a multipart upload is begun, then aborted.
    const large = contentKey("screening", sha("never stored either"));
    await expect(store.put(large, failingAfter(crypto.randomBytes(6 * 1024 * 1024)))).rejects.toThrow(/connection lost/);
    expect(await store.exists(large)).toBe(false);

    const kept = "attachments/ke/kept";
    await store.put(kept, Buffer.from("the whole file"));
    await expect(store.put(kept, failingAfter(Buffer.from("a broken replacement")))).rejects.toThrow(/connection lost/);
    expect((await store.get(kept)).toString()).toBe("the whole file");
    expect(await keys(store, "attachments")).not.toContain(fresh);
  });

  it("lists a folder's keys in order, and only that folder's", async () => {
    const listed = [sha("b"), sha("a"), sha("c")].map((hash) => contentKey("screening", hash));
    const other = await open();
    try {
      for (const key of listed) await other.put(key, Buffer.from(key));
      await other.put("screening-old/xx/not-this-folder", Buffer.from("x"));
      expect(await keys(other, "screening")).toEqual([...listed].sort());
      expect(await keys(other, "attachments")).toEqual([]);
    } finally {
      other.close();
    }
  });

  it("refuses keys that could reach outside the store", async () => {
    for (const key of ["../secrets.json", "/etc/passwd", "attachments/../../x", "attachments//x", ".hidden/x", "attachments/x/", ""]) {
      await expect(store.put(key, Buffer.from("x")), key).rejects.toThrow(/not a file key/);
      await expect(store.get(key), key).rejects.toThrow(/not a file key/);
    }
  });
});

describe("content keys", () => {
  it("lay content out by its hash as the data directory always has, and read the hash back", () => {
    const hash = sha("x");
    expect(contentKey("attachments", hash)).toBe(`attachments/${hash.slice(0, 2)}/${hash}`);
    expect(contentHashOf(contentKey("screening", hash))).toBe(hash);
    for (const key of [
      `attachments/${hash}`,
      `attachments/zz/${hash}`,
      `other/${hash.slice(0, 2)}/${hash}`,
      `attachments/${hash.slice(0, 2)}/${hash}/x`,
    ])
      expect(contentHashOf(key), key).toBeNull();
    expect(() => contentKey("attachments", "../../etc")).toThrow(/not a SHA-256/);
  });
});

describe("file store: local directory on disk", () => {
  afterEach(() => vi.restoreAllMocks());

  it("keeps the data directory's layout, so existing files and backups still work", async () => {
    const dir = tempDir();
    const hash = sha("an old photo");
    fs.mkdirSync(path.join(dir, "attachments", hash.slice(0, 2)), { recursive: true });
    fs.writeFileSync(path.join(dir, "attachments", hash.slice(0, 2), hash), "an old photo");
    const store = new LocalFileStore(dir);
    expect((await store.get(contentKey("attachments", hash))).toString()).toBe("an old photo");
    await store.put(contentKey("screening", sha("new")), Buffer.from("new"));
    expect(fs.readFileSync(path.join(dir, "screening", sha("new").slice(0, 2), sha("new")), "utf8")).toBe("new");
  });

  it("syncs a file to disk before renaming it into place, then syncs the rename, and leaves no file being written behind", async () => {
    const dir = tempDir();
    const store = new LocalFileStore(dir);
    const steps: string[] = [];
    const probe = await fsp.open(path.join(dir, "probe"), "w");
    const handlePrototype = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
    await probe.close();
    // The prototype's own method, called below on each handle it is meant for.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const sync = handlePrototype.sync;
    vi.spyOn(handlePrototype, "sync").mockImplementation(function (this: unknown) {
      steps.push("sync");
      return sync.call(this);
    });
    const rename = fsp.rename;
    vi.spyOn(fsp, "rename").mockImplementation((from, to) => {
      steps.push(`rename ${path.basename(String(from)).startsWith(".") ? "aside" : "?"} → ${path.relative(dir, String(to))}`);
      return rename(from, to);
    });
    const key = contentKey("attachments", sha("durable"));
    await store.put(key, chunks(Buffer.from("dura"), Buffer.from("ble")));
    expect(steps).toEqual(["sync", `rename aside → ${key}`, "sync"]);
    expect(fs.readdirSync(path.dirname(path.join(dir, key)))).toEqual([path.basename(key)]);

    steps.length = 0;
    await expect(store.put(key, failingAfter(Buffer.from("half")))).rejects.toThrow(/connection lost/);
    expect(steps.filter((step) => step.startsWith("rename"))).toEqual([]);
    expect(fs.readdirSync(path.dirname(path.join(dir, key)))).toEqual([path.basename(key)]);
    expect(fs.readFileSync(path.join(dir, key), "utf8")).toBe("durable");
  });
});

describe("file store: S3-compatible object storage", () => {
  let settings: S3Settings;
  let raw: S3Client;
  beforeAll(async () => {
    settings = await s3.bucket();
    raw = new S3Client({ endpoint: settings.endpoint, region: settings.region, forcePathStyle: true, credentials: settings });
  });
  afterAll(() => raw.destroy());

  it("puts every key under the configured prefix, so installations sharing a bucket never meet", async () => {
    const a = new S3FileStore({ ...settings, prefix: "county-a" });
    const b = new S3FileStore({ ...settings, prefix: "county-b/" });
    try {
      const key = contentKey("attachments", sha("same photo"));
      await a.put(key, Buffer.from("county a's"));
      expect(await b.exists(key)).toBe(false);
      expect(await keys(a, "attachments")).toEqual([key]);
      const listed = await raw.send(new ListObjectsV2Command({ Bucket: settings.bucket }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual([`county-a/${key}`]);
      expect(a.location).toBe(`s3://${settings.bucket}/county-a/`);
    } finally {
      a.close();
      b.close();
    }
  });

  it("aborts a multipart upload that fails, leaving no parts in the bucket", async () => {
    const store = new S3FileStore(settings);
    try {
      await expect(store.put("screening/ab/aborted", failingAfter(crypto.randomBytes(6 * 1024 * 1024)))).rejects.toThrow(/connection lost/);
      expect((await raw.send(new ListMultipartUploadsCommand({ Bucket: settings.bucket }))).Uploads ?? []).toEqual([]);
    } finally {
      store.close();
    }
  });

  it("is chosen when S3_BUCKET is set and checked at once; an unreachable bucket stops the start with the setting to look at", async () => {
    const chosen = await openFileStore({ dataDir: tempDir(), ...s3.config(settings) });
    expect(chosen.kind).toBe("s3");
    chosen.close();
    expect((await openFileStore({ dataDir: "/srv/fanpin" })).location).toBe("/srv/fanpin");
    await expect(openFileStore({ dataDir: tempDir(), ...s3.config({ ...settings, bucket: "no-such-bucket" }) })).rejects.toThrow(
      /bucket no-such-bucket at http:\/\/127\.0\.0\.1:\d+ cannot be used \(NotFound 404\): check S3_BUCKET/,
    );
  });
});
