import crypto from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import { AppError, ConflictError, InvalidInputError, NotFoundError, TooManyRequestsError } from "../../core/errors.ts";
import { contentKey, type FileStore } from "../../platform/file-store.ts";
import { UnreadablePdfError, withoutMetadata } from "./pdf-metadata.ts";
import type { Principal, StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { StaffAccessLog } from "../personal-data/access-log.ts";
import { type AccessContext } from "../../http/access-context.ts";

/** Accepted by content (magic bytes), never by the name or type the client claims. */
const accepted: Record<string, "PHOTO" | "VOICE" | "DOCUMENT"> = {
  "image/jpeg": "PHOTO",
  "image/png": "PHOTO",
  "image/webp": "PHOTO",
  "audio/amr": "VOICE",
  "audio/mpeg": "VOICE",
  "audio/x-m4a": "VOICE",
  "audio/mp4": "VOICE",
  "audio/silk": "VOICE",
  "application/pdf": "DOCUMENT",
};

export interface AttachmentLimits {
  /** Files one account may upload in 24 hours. */
  maxUploadsPerDay: number;
  maxAttachmentsPerCase: number;
  /** Largest photo, in pixels, that is decoded at all. */
  maxImagePixels: number;
}

// Each photo is decoded once; libvips' operation cache would only hold residents' photos in memory.
sharp.cache(false);

/** Files are kept once per content under attachments/ab/<sha256> in the file store; the rows say who sent what. */
export class AttachmentService {
  private readonly accessLog: StaffAccessLog;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly files: FileStore,
    private readonly limits: AttachmentLimits,
  ) {
    this.accessLog = new StaffAccessLog(deps);
  }

  async store(principal: Principal, bytes: Buffer) {
    if (bytes.length === 0) throw new InvalidInputError("FILE_MISSING", "file");
    const type = (await fileTypeFromBuffer(bytes)) ?? silkType(bytes);
    const kind = type ? accepted[type.mime] : undefined;
    if (!type || !kind) throw new AppError(415, "UNSUPPORTED_FILE_TYPE");
    const { prisma, now } = this.deps;
    const uploaded = await prisma.attachment.count({
      where: { uploadedById: principal.id, createdAt: { gt: new Date(now().getTime() - 24 * 3600_000) } },
    });
    if (uploaded >= this.limits.maxUploadsPerDay)
      throw new TooManyRequestsError("UPLOAD_QUOTA_REACHED", { max: this.limits.maxUploadsPerDay });
    // Photos are kept as decoded and encoded again: whatever else the file carried (EXIF with the GPS position of a home, the camera, hidden data) is left behind.
    // PDFs are written anew without their metadata, scripts and earlier revisions.
    const content =
      kind === "PHOTO" ? await this.reencoded(bytes, type.mime) : kind === "DOCUMENT" ? await this.rewrittenPdf(bytes) : bytes;
    const sha256 = crypto.createHash("sha256").update(content).digest("hex");
    // Stored whole before the row that names it is written.
    await this.files.put(contentKey("attachments", sha256), content);
    const row = await this.deps.prisma.attachment.create({
      data: {
        sha256,
        kind,
        mimeType: type.mime,
        size: content.length,
        uploadedByType: principal.kind === "staff" ? "STAFF" : "RESIDENT",
        uploadedById: principal.id,
        createdAt: now(),
      },
    });
    return { id: row.id, kind: row.kind, mimeType: row.mimeType, size: row.size };
  }

  /**
   * A case's file for staff whose region holds the case (the console shows photos); others get a 404, as if it
   * did not exist. Each opening is written to the staff-access log.
   */
  async readForStaff(principal: StaffPrincipal, attachmentId: string, context: AccessContext = {}) {
    const row = await this.deps.prisma.attachment.findFirst({
      where: { id: attachmentId, case: { regionPath: { startsWith: principal.regionPath } } },
    });
    if (!row) throw new NotFoundError("ATTACHMENT_NOT_FOUND");
    const bytes = await this.files.get(contentKey("attachments", row.sha256));
    await this.accessLog.record(principal, [{ action: "VIEW_ATTACHMENT", caseId: row.caseId, subject: row.id }], context);
    return { mimeType: row.mimeType, bytes };
  }

  private async reencoded(bytes: Buffer, mime: string): Promise<Buffer> {
    // The header alone tells the size, so a decompression bomb is refused before it is decoded.
    const { width = 0, height = 0 } = await sharp(bytes)
      .metadata()
      .catch(() => ({ width: 0, height: 0 }));
    if (width * height === 0) throw new AppError(415, "UNSUPPORTED_FILE_TYPE");
    if (width * height > this.limits.maxImagePixels) throw new AppError(413, "IMAGE_TOO_LARGE");
    // Turned upright first: the orientation lives in the EXIF data that is dropped.
    const image = sharp(bytes, { limitInputPixels: this.limits.maxImagePixels }).autoOrient();
    const encoded = mime === "image/png" ? image.png() : mime === "image/webp" ? image.webp({ quality: 85 }) : image.jpeg({ quality: 85 });
    return encoded.toBuffer().catch(() => {
      throw new AppError(415, "UNSUPPORTED_FILE_TYPE");
    });
  }

  private async rewrittenPdf(bytes: Buffer): Promise<Buffer> {
    try {
      const rewritten = await withoutMetadata(bytes);
      return rewritten ? Buffer.from(rewritten) : bytes;
    } catch (error) {
      if (error instanceof UnreadablePdfError) throw new AppError(415, "PDF_UNREADABLE");
      throw error;
    }
  }

  /** A file sent after the case was filed joins it, with a trace on the case. */
  async addToCase(principal: Principal, attachmentId: string, caseNumber: string) {
    const { prisma, now } = this.deps;
    return prisma.$transaction(async (tx) => {
      const c = await tx.case.findFirst({
        where: {
          number: caseNumber,
          ...(principal.kind === "resident" ? { reporterResidentId: principal.id } : { regionPath: { startsWith: principal.regionPath } }),
        },
      });
      if (!c) throw new NotFoundError("CASE_NOT_FOUND");
      // The case row is locked while its attachments are counted, so two files sent at once cannot both take the last place.
      await tx.$queryRaw`SELECT 1 FROM "Case" WHERE "id" = ${c.id}::uuid FOR UPDATE`;
      if ((await tx.attachment.count({ where: { caseId: c.id } })) >= this.limits.maxAttachmentsPerCase) {
        throw new ConflictError("ATTACHMENT_LIMIT_REACHED", { max: this.limits.maxAttachmentsPerCase });
      }
      const linked = await tx.attachment.updateMany({
        where: { id: attachmentId, caseId: null, uploadedById: principal.id },
        data: { caseId: c.id },
      });
      if (linked.count !== 1) throw new InvalidInputError("ATTACHMENT_NOT_FOUND", "attachmentId");
      const attachment = await tx.attachment.findUniqueOrThrow({ where: { id: attachmentId } });
      await tx.caseEvent.create({
        data: {
          caseId: c.id,
          at: now(),
          actorType: principal.kind === "staff" ? "STAFF" : "RESIDENT",
          actorId: principal.id,
          actorRole: principal.kind === "staff" ? principal.role : "RESIDENT",
          action: "ATTACHMENT_ADDED",
          fromStage: c.stage,
          toStage: c.stage,
          payload: { attachmentId, kind: attachment.kind },
        },
      });
      return { caseNumber: c.number, kind: attachment.kind };
    });
  }
}

/** WeChat voice notes are SILK v3 (file-type does not know it): "#!SILK_V3", sometimes after a 0x02 byte. */
function silkType(bytes: Buffer): { mime: string } | undefined {
  const magic = Buffer.from("#!SILK_V3");
  const at = bytes[0] === 0x02 ? 1 : 0;
  return bytes.subarray(at, at + magic.length).equals(magic) ? { mime: "audio/silk" } : undefined;
}
