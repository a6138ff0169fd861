import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import sharp from "sharp";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackup, keysFrom, restoreBackup } from "../../../server/platform/database/backup.ts";
import { contentKey, LocalFileStore, openFileStore, S3FileStore, type FileStore } from "../../../server/platform/file-store.ts";
import { PersonalDataCipher } from "../../../server/core/personal-data.ts";
import { resolveSecrets } from "../../../server/platform/keys/secrets.ts";
import { demoIdNumber } from "../../../server/demo/demo-county.ts";
import { RetentionService } from "../../../server/features/personal-data/retention.ts";
import { startS3Server, type S3TestServer } from "../../helpers/s3-server.ts";
import { createTestApp, defaultTestTime, type TestApp } from "../../helpers/test-app.ts";
import { testDatabaseKind } from "../../helpers/test-database.ts";

const year = 365 * 86_400_000;

/** A phone photo that carries the home's GPS position and the camera. */
function cameraPhoto(): Promise<Buffer> {
  const exif = {
    IFD0: { Make: "HomeCam" },
    IFD3: { GPSLatitudeRef: "N", GPSLatitude: "25/1 3/1 36/1", GPSLongitudeRef: "E", GPSLongitude: "102/1 42/1 12/1" },
  };
  return sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 30, g: 120, b: 60 } } })
    .jpeg()
    .withExif(exif)
    .toBuffer();
}

function multipart(content: Buffer, name = "photo.jpg") {
  const boundary = "----object-storage-test";
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  };
}

/** The entries of a tar, by name. */
async function entries(archive: Buffer): Promise<Map<string, Buffer>> {
  const extract = tar.extract();
  Readable.from([archive]).pipe(extract);
  const found = new Map<string, Buffer>();
  for await (const entry of extract) {
    const parts: Buffer[] = [];
    for await (const part of entry) parts.push(part as Buffer);
    found.set(entry.header.name, Buffer.concat(parts));
  }
  return found;
}

describe(`files in S3-compatible object storage (${testDatabaseKind})`, () => {
  let s3: S3TestServer;
  let t: TestApp;
  /** The bucket as the test sees it, apart from the app. */
  let bucket: FileStore;
  let resident: string;
  const temporary: string[] = [];
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const upload = (token: string, content: Buffer) =>
    t.app.inject({
      method: "POST",
      url: "/api/attachments",
      headers: { ...multipart(content).headers, ...auth(token) },
      payload: multipart(content).payload,
    });
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-object-storage-"));
    temporary.push(dir);
    return dir;
  };
  /** A report with one photo, filed at the test clock's time; answers the case and the photo's hash. */
  const reportWithPhoto = async () => {
    const uploaded = await upload(resident, await cameraPhoto());
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const filed = (
      await t.submit(resident, { description: "房子被洪水冲了", regionCode: "990101001001", attachmentIds: [uploaded.json().id] })
    ).json();
    const row = await t.database.db.prisma.attachment.findUniqueOrThrow({ where: { id: uploaded.json().id } });
    return { caseId: filed.caseId as string, attachmentId: row.id, sha256: row.sha256 };
  };

  beforeAll(async () => {
    s3 = await startS3Server();
    const settings = await s3.bucket();
    bucket = new S3FileStore(settings);
    t = await createTestApp(s3.config(settings));
    resident = await t.residentToken("object-storage");
  });
  afterAll(async () => {
    await t.close();
    bucket.close();
    await s3.stop();
    for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps an uploaded photo in the bucket, re-encoded without EXIF; staff read it back; retention deletes it; nothing is written under DATA_DIR", async () => {
    // Filed six years ago and rejected: due for erasure under a five-year policy.
    t.clock.now = new Date(defaultTestTime.getTime() - 6 * year);
    const photo = await reportWithPhoto();
    t.clock.now = new Date(defaultTestTime);
    await t.database.db.prisma.case.update({ where: { id: photo.caseId }, data: { status: "REJECTED" } });

    const key = contentKey("attachments", photo.sha256);
    const stored = await bucket.get(key);
    expect(crypto.createHash("sha256").update(stored).digest("hex")).toBe(photo.sha256);
    const kept = await sharp(stored).metadata();
    expect(kept.format).toBe("jpeg");
    expect(kept.exif).toBeUndefined();
    expect(stored.includes("HomeCam")).toBe(false);

    const county = await t.staffToken("county");
    const read = await t.app.inject({ method: "GET", url: `/api/staff/attachments/${photo.attachmentId}`, headers: auth(county) });
    expect(read.statusCode).toBe(200);
    expect(read.headers["content-type"]).toBe("image/jpeg");
    expect(read.rawPayload.equals(stored)).toBe(true);

    // The retention run as the server and `npm run data:retention` make it: with the store the configuration names.
    const files = await openFileStore(t.config);
    try {
      const cipher = new PersonalDataCipher(resolveSecrets(t.config, false));
      const retention = new RetentionService({ prisma: t.database.db.prisma, cipher, now: () => new Date(t.clock.now) }, files);
      const report = await retention.run({ personalDataYears: 5, transientDays: 30, accessLogDays: 100_000, screeningFileDays: 0 });
      expect(report).toMatchObject({ casesErased: 1, attachmentFilesDeleted: 1 });
    } finally {
      files.close();
    }
    expect(await bucket.exists(key)).toBe(false);
    expect(
      (await t.app.inject({ method: "GET", url: `/api/staff/attachments/${photo.attachmentId}`, headers: auth(county) })).statusCode,
    ).toBe(404);
    expect(fs.readdirSync(t.config.dataDir)).not.toContain("attachments");
  });

  it("keeps a department's screening file in the bucket and runs the import from it", async () => {
    const county = await t.staffToken("county");
    const csv = Buffer.from(
      ["序号,姓名,身份证号,医疗总费用(元),个人自付金额(元)", `1,陌生人,${demoIdNumber("1980-01-01", 99)},100,20`].join("\r\n"),
    );
    const form = multipart(csv, "医保.csv");
    const uploaded = await t.app.inject({
      method: "POST",
      url: "/api/staff/screening/imports?department=HEALTH_INSURANCE&period=2026Q4",
      headers: { ...form.headers, ...auth(county) },
      payload: form.payload,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const importId = uploaded.json().importId as string;
    const key = contentKey("screening", crypto.createHash("sha256").update(csv).digest("hex"));
    expect((await bucket.get(key)).equals(csv)).toBe(true);

    const mapping = { name: "姓名", idNumber: "身份证号", totalMedical: "医疗总费用(元)", outOfPocketMedical: "个人自付金额(元)" };
    const run = () =>
      t.app.inject({ method: "POST", url: `/api/staff/screening/imports/${importId}/run`, headers: auth(county), payload: { mapping } });
    const ran = await run();
    expect(ran.statusCode, ran.body).toBe(200);
    expect(ran.json().import.counts).toMatchObject({ rows: 1, NO_MATCH: 1 });
    // Received aside in DATA_DIR/tmp while it was hashed, and gone from there; never kept under DATA_DIR/screening.
    expect(fs.readdirSync(t.config.dataDir)).not.toContain("screening");
    expect(fs.readdirSync(path.join(t.config.dataDir, "tmp"))).toEqual([]);

    // The run reads the bucket's copy: without it there is nothing to run.
    await bucket.delete(key);
    const missing = await run();
    expect(missing.statusCode).toBe(409);
    expect(missing.json().code).toBe("SCREENING_FILE_MISSING");
  });

  if (testDatabaseKind === "embedded") {
    it("backs up the embedded database alone, restores it only onto object storage, and counts the attachments the bucket lacks", async () => {
      const photo = await reportWithPhoto();
      const admin = await t.staffToken("admin");
      const download = await t.app.inject({ method: "GET", url: "/api/admin/backup", headers: auth(admin) });
      expect(download.statusCode).toBe(200);
      const archive = await entries(download.rawPayload);
      expect([...archive.keys()]).toEqual(["manifest.json", "database.tar.gz", "complete.json"]);
      expect(JSON.parse(archive.get("manifest.json")!.toString()).objectStorage).toBe(bucket.location);
      expect(JSON.parse(archive.get("complete.json")!.toString())).toEqual({ files: 0 });

      const keys = keysFrom(t.config, "");
      const local = tempDir();
      await expect(
        restoreBackup(Readable.from([download.rawPayload]), { dataDir: local, keys, files: new LocalFileStore(local) }),
      ).rejects.toThrow(
        /holds the database only: its files are in object storage \(s3:\/\/fanpin-[0-9a-f]+\/\); restore it with S3_BUCKET/,
      );
      expect(fs.readdirSync(local)).toEqual([]);

      // The photo the database names is in the bucket; one gone from it (the bucket's own versions would have it) is counted.
      const restored = await restoreBackup(Readable.from([download.rawPayload]), { dataDir: tempDir(), keys, files: bucket });
      expect(restored).toMatchObject({ files: 0, missingFiles: 0 });
      expect(restored.attachments).toBeGreaterThan(0);
      await bucket.delete(contentKey("attachments", photo.sha256));
      expect(await restoreBackup(Readable.from([download.rawPayload]), { dataDir: tempDir(), keys, files: bucket })).toMatchObject({
        missingFiles: 1,
      });
    }, 60_000);

    it("puts the files of a data-directory backup into the bucket when restored onto object storage", async () => {
      const photo = await reportWithPhoto();
      // The same database backed up as on the data directory, its photo there.
      const dataDir = tempDir();
      const local = new LocalFileStore(dataDir);
      const key = contentKey("attachments", photo.sha256);
      const bytes = await bucket.get(key);
      await local.put(key, bytes);
      const parts: Buffer[] = [];
      for await (const part of createBackup(t.database.db, local, keysFrom(t.config, "")!)) parts.push(part as Buffer);
      expect((await entries(Buffer.concat(parts))).has(`files/${key}`)).toBe(true);

      await bucket.delete(key);
      const restored = await restoreBackup(Readable.from([Buffer.concat(parts)]), {
        dataDir: tempDir(),
        keys: keysFrom(t.config, ""),
        files: bucket,
      });
      expect(restored).toMatchObject({ files: 1, missingFiles: 0 });
      expect((await bucket.get(key)).equals(bytes)).toBe(true);
    }, 60_000);
  }
});
