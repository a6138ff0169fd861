import fs from "node:fs";
import path from "node:path";
import { PDFDict, PDFDocument, PDFHexString, PDFName, StandardFonts } from "@cantoo/pdf-lib";
import exifReader from "exif-reader";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResidentPrincipal } from "../../../../server/core/principal.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

/** Where a resident's home is, as a phone camera writes it into a photo. */
const home = {
  IFD0: { Make: "HomeCam", Model: "Phone 12" },
  IFD3: { GPSLatitudeRef: "N", GPSLatitude: "25/1 3/1 36/1", GPSLongitudeRef: "E", GPSLongitude: "102/1 42/1 12/1" },
};

/** A 64×48 photo taken with the phone turned (EXIF orientation 6: shown rotated 90°), carrying the GPS position of the house. */
function cameraPhoto(format: "jpeg" | "png" | "webp"): Promise<Buffer> {
  const image = sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 180, g: 90, b: 40 } } });
  return image[format]().withMetadata({ orientation: 6 }).withExif(home).toBuffer();
}

function multipart(content: Buffer) {
  const boundary = "----attachment-service-test";
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  };
}

describe(`attachment service: what is kept, and how much (${testDatabaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ maxImagePixels: 100 * 100, maxUploadsPerDay: 12, maxAttachmentsPerCase: 9 });
  });
  afterAll(() => t.close());

  const login = async (name: string) => {
    const answer = await t.app.inject({ method: "POST", url: "/api/auth/wechat/login", payload: { code: `dev:${name}` } });
    const { token, resident } = answer.json() as { token: string; resident: { id: string } };
    const principal: ResidentPrincipal = { kind: "resident", id: resident.id, client: "MINI_PROGRAM", locale: "zh-CN" };
    return { token, principal };
  };
  const upload = (token: string, content: Buffer, locale = "zh-CN") =>
    t.app.inject({
      method: "POST",
      url: "/api/attachments",
      headers: { ...multipart(content).headers, authorization: `Bearer ${token}`, "accept-language": locale },
      payload: multipart(content).payload,
    });
  const storedFile = async (id: string) => {
    const row = await t.database.db.prisma.attachment.findUniqueOrThrow({ where: { id } });
    return fs.readFileSync(path.join(t.config.dataDir, "attachments", row.sha256.slice(0, 2), row.sha256));
  };

  it("keeps photos without their EXIF data (the home's GPS position, the camera), turned upright and in their own format", async () => {
    const { token } = await login("exif-photographer");
    for (const format of ["jpeg", "png", "webp"] as const) {
      const photo = await cameraPhoto(format);
      const sent = await sharp(photo).metadata();
      // The test photo does carry what must go.
      expect(exifReader(sent.exif!).GPSInfo).toMatchObject({ GPSLatitude: [25, 3, 36], GPSLongitude: [102, 42, 12] });
      expect(sent.orientation).toBe(6);

      const answer = await upload(token, photo);
      expect(answer.statusCode).toBe(201);
      expect(answer.json().mimeType).toBe(`image/${format}`);
      const stored = await storedFile(answer.json().id);
      const kept = await sharp(stored).metadata();
      expect(kept.format).toBe(format);
      expect(kept.exif).toBeUndefined();
      expect(kept.orientation).toBeUndefined();
      // Upright: the turned 64×48 photo is now 48 wide and 64 high.
      expect([kept.width, kept.height]).toEqual([48, 64]);
      expect(stored.includes("HomeCam")).toBe(false);
      expect(answer.json().size).toBe(stored.length);
    }
  });

  it("keeps a PDF's pages without its author, software, XMP metadata, opening script, embedded files or earlier revision", async () => {
    const { token } = await login("pdf-sender");
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc.addPage().drawText("Hospital bill 4200 yuan", { font });
    doc.addPage().drawText("Page two", { font });
    doc.setAuthor("Zhang Defu");
    doc.setTitle("Bill of Zhang Defu");
    doc.setCreator("HomeScanner");
    doc.catalog.set(
      PDFName.of("Metadata"),
      doc.context.register(doc.context.stream("<x:xmpmeta>Zhang Defu, 13512345678</x:xmpmeta>", { Type: "Metadata", Subtype: "XML" })),
    );
    doc.catalog.set(PDFName.of("OpenAction"), doc.context.obj({ S: "JavaScript", JS: PDFHexString.fromText("app.alert('hi')") }));
    await doc.attach(Buffer.from("bank account 6217995510007776665"), "account.txt", { mimeType: "text/plain" });
    // An incremental save keeps the first revision (its old title) in the file after the new one.
    const first = await doc.save({ useObjectStreams: false });
    const revised = await PDFDocument.load(first, { forIncrementalUpdate: true });
    revised.setTitle("Revised");
    const sent = Buffer.from(await revised.commit({ useObjectStreams: false }));
    // Strings in a PDF are often hex (UTF-16): either form counts as carried.
    const carries = (file: Buffer, text: string) =>
      file.includes(text) || file.includes(PDFHexString.fromText(text).toString().slice(1, -1));
    const markers = ["Zhang Defu", "Bill of Zhang Defu", "Revised", "HomeScanner", "13512345678", "xmpmeta", "app.alert", "account.txt"];
    for (const marker of markers) expect(carries(sent, marker), marker).toBe(true);
    const embedded = (pdf: PDFDocument) => pdf.catalog.lookupMaybe(PDFName.of("Names"), PDFDict)?.get(PDFName.of("EmbeddedFiles"));
    expect(embedded(await PDFDocument.load(sent))).toBeDefined();

    const answer = await upload(token, sent);
    expect(answer.statusCode).toBe(201);
    expect(answer.json()).toMatchObject({ kind: "DOCUMENT", mimeType: "application/pdf" });
    const stored = await storedFile(answer.json().id);
    for (const marker of markers) expect(carries(stored, marker), marker).toBe(false);
    // Read as it is (by default the library would write its own name into what it reads).
    const kept = await PDFDocument.load(stored, { updateMetadata: false });
    expect(kept.getPageCount()).toBe(2);
    expect(kept.context.trailerInfo.Info).toBeUndefined();
    expect(embedded(kept)).toBeUndefined();
    expect(answer.json().size).toBe(stored.length);
  });

  it("keeps a password-protected PDF as sent, and refuses one it cannot read, in the sender's words", async () => {
    const { token } = await login("pdf-locked");
    const doc = await PDFDocument.create();
    doc.addPage();
    doc.encrypt({ userPassword: "19560307", ownerPassword: "bank" });
    const locked = Buffer.from(await doc.save());
    const kept = await upload(token, locked);
    expect(kept.statusCode).toBe(201);
    expect((await storedFile(kept.json().id)).equals(locked)).toBe(true);

    const damaged = Buffer.from("%PDF-1.7\n" + "nothing a reader could open ".repeat(20));
    const refused = await upload(token, damaged);
    expect(refused.statusCode).toBe(415);
    expect(refused.json()).toMatchObject({ code: "PDF_UNREADABLE", message: expect.stringContaining("拍照上传") });
  });

  it("refuses a photo whose header promises more pixels than allowed, before decoding it", async () => {
    const { token } = await login("bomb-sender");
    const huge = await sharp({ create: { width: 101, height: 100, channels: 3, background: "white" } })
      .png()
      .toBuffer();
    const answer = await upload(token, huge);
    expect(answer.statusCode).toBe(413);
    expect(answer.json()).toMatchObject({ code: "IMAGE_TOO_LARGE", message: "照片尺寸太大,请缩小后再发。" });
  });

  it("refuses a file that starts like a photo but is none", async () => {
    const { token } = await login("fake-photo");
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("this is not a picture at all".repeat(10))]);
    const answer = await upload(token, fake, "en");
    expect(answer.statusCode).toBe(415);
    expect(answer.json().code).toBe("UNSUPPORTED_FILE_TYPE");
  });

  it("takes one file per request, and refuses a request with more rather than keep one of them", async () => {
    const { token } = await login("two-at-once");
    const boundary = "----two-files";
    const part = (name: string, content: Buffer) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.png"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        content,
        Buffer.from("\r\n"),
      ]);
    const photo = await cameraPhoto("png");
    const before = await t.database.db.prisma.attachment.count();
    const answer = await t.app.inject({
      method: "POST",
      url: "/api/attachments",
      headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat([part("file", photo), part("second", photo), Buffer.from(`--${boundary}--\r\n`)]),
    });
    expect(answer.statusCode).toBe(413);
    expect(answer.json()).toMatchObject({ code: "TOO_MANY_FILES", message: "一次只能上传一个文件,请分开发送。" });
    expect(await t.database.db.prisma.attachment.count()).toBe(before);
  });

  it("takes at most so many files from one account in 24 hours", async () => {
    const { token } = await login("busy-uploader");
    const photo = await cameraPhoto("jpeg");
    for (let i = 0; i < 12; i++) expect((await upload(token, photo)).statusCode).toBe(201);
    const refused = await upload(token, photo);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: "UPLOAD_QUOTA_REACHED", message: expect.stringContaining("12") });
    // Another account is not held back, and the same one may send again a day later.
    expect((await upload((await login("other-uploader")).token, photo)).statusCode).toBe(201);
    t.clock.now = new Date(t.clock.now.getTime() + 24 * 3600_000 + 1000);
    expect((await upload(token, photo)).statusCode).toBe(201);
  });

  it("lets a case hold at most so many attachments, and leaves a refused one unlinked with no trace on the case", async () => {
    const { token, principal } = await login("many-photos");
    const photo = await cameraPhoto("png");
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await upload(token, photo)).json().id);
    const ack = (
      await t.submit(token, { description: "房子墙裂了很危险", regionCode: "990101001001", attachmentIds: ids.slice(0, 9) })
    ).json();
    expect(await t.database.db.prisma.attachment.count({ where: { caseId: ack.caseId } })).toBe(9);
    const events = await t.database.db.prisma.caseEvent.count({ where: { caseId: ack.caseId } });

    await expect(t.app.services.attachments.addToCase(principal, ids[9]!, ack.number)).rejects.toMatchObject({
      statusCode: 409,
      code: "ATTACHMENT_LIMIT_REACHED",
      params: { max: 9 },
    });
    expect((await t.database.db.prisma.attachment.findUniqueOrThrow({ where: { id: ids[9]! } })).caseId).toBeNull();
    expect(await t.database.db.prisma.caseEvent.count({ where: { caseId: ack.caseId } })).toBe(events);
  });
});
